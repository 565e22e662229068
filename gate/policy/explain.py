"""The effective policy, one value a line, with where each value comes from (``gate policy show``).

A value is either set in the policy file (``.gate.yml:12``), set by a ``branches:``
override for the target branch, or the built-in default. A check-level value left
unset inherits the top-level one, and says so.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from typing import Any

from gate.policy.load import Key, LoadedPolicy

__all__ = ["explain"]

_WIDTH = 48
_INHERITED = ("fail_on", "min_confidence", "on_error", "timeout", "on_empty")


def _leaves(value: Any, path: Key) -> Iterator[tuple[Key, Any]]:
    if isinstance(value, dict) and value and path[:1] not in (("waivers",), ("branches",)):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    else:
        yield path, value


def _set_in(raw: Any, path: Key) -> bool:
    for part in path:
        if not isinstance(raw, dict) or part not in raw:
            return False
        raw = raw[part]
    return True


def _origin(loaded: LoadedPolicy, path: Key, branch: str | None, top: dict[str, Any]) -> str:
    for pattern, override in (loaded.raw.get("branches") or {}).items():
        if branch and fnmatch.fnmatchcase(branch, str(pattern)) and _set_in(override, path):
            line = loaded.lines.get(("branches", pattern, *path))
            return f"branches.{pattern} ({loaded.source}:{line})"
    for end in range(len(path), 0, -1):
        if _set_in(loaded.raw, path[:end]):
            return f"{loaded.source}:{loaded.lines.get(path[:end], '?')}"
    if len(path) == 3 and path[0] == "checks" and path[2] in _INHERITED:
        return f"default: inherits {path[2]}: {_show(top.get(str(path[2])))}"
    return "default"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def explain(loaded: LoadedPolicy, branch: str | None = None) -> list[str]:
    """``key: value  # origin`` for every value of the effective policy."""
    from gate.policy.schema import dump

    effective = dump(loaded.for_branch(branch))
    rows = [(".".join(str(p) for p in path), _show(value),
             _origin(loaded, path, branch, effective))
            for path, value in _leaves(effective, ())]
    width = min(_WIDTH, max(len(k) + len(v) for k, v, _ in rows) + 3)
    return [f"{f'{k}: {v}':<{width}}  # {origin}" for k, v, origin in rows]

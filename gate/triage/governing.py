"""The base branch's policy rules a pull request.

With a base, ``.gate.yml`` and the baseline file are read from the base ref,
not from the working tree: a pull request that disables a check, raises
``fail_on``, adds a waiver or grows the baseline is judged by the rules it is
trying to change, and the report says so prominently. The change takes effect
once merged, which is when a reviewer has approved it. Without a base (a
local run), the working tree's files apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gate.policy import LoadedPolicy, Policy, default_policy, load_policy, load_policy_text
from gate.policy.errors import PolicyError, PolicyProblem
from gate.workspace import BASELINE_FILE

if TYPE_CHECKING:  # a run without a base or a baseline file loads neither
    from gate.git.refs import BaseRef
    from gate.triage.baseline import Baseline

__all__ = ["POLICY_FILE", "base_policy", "load_baseline", "policy_changes", "policy_notice"]

POLICY_FILE = ".gate.yml"


def _inside(root: Path, path: Path) -> str | None:
    """``path`` relative to ``root`` (POSIX), or ``None`` when it lies outside the repository."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _policy_path(base: BaseRef, explicit: Path | None) -> str | None:
    """The policy's path in the repository; ``None`` for a ``--policy`` file outside it."""
    return POLICY_FILE if explicit is None else _inside(base.root, explicit)


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(source, [PolicyProblem(None, None, f"cannot read: {exc}")]) from None


def base_policy(base: BaseRef, explicit: Path | None,
                plugin_checks: tuple[str, ...] = ()) -> LoadedPolicy:
    """The policy as it is on the base ref (the built-in default if the base has none).

    A ``--policy`` file outside the repository is the CI operator's, not the
    change's: it is read from disk as given.
    """
    rel = _policy_path(base, explicit)
    if rel is None:
        assert explicit is not None
        return load_policy(explicit, plugin_checks)
    from gate.git.objects import read_at

    data = read_at(base.root, base.commit, rel)
    source = f"{base.ref}:{rel}"
    if data is None:
        if explicit is not None:
            raise PolicyError(source, [PolicyProblem(None, None, "file not found on the base ref")])
        return default_policy()
    return load_policy_text(_decode(data, source), source, plugin_checks)


def _baseline_path(policy: Policy) -> str:
    return (policy.baseline or BASELINE_FILE).removeprefix("./")


def load_baseline(root: Path, policy: Policy, base: BaseRef | None) -> Baseline | None:
    """The baseline named by the policy (default ``.gate-baseline.json``), from the base if any.

    A missing file is no baseline: that can only make the gate stricter.
    """
    rel = _baseline_path(policy)
    if base is not None:
        from gate.git.objects import read_at

        data = read_at(base.root, base.commit, rel)
        source = f"{base.ref}:{rel}"
    else:
        path = root / rel
        data = path.read_bytes() if path.is_file() else None
        source = rel
    if data is None:
        return None
    from gate.triage.baseline import BaselineError, parse_baseline

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{source}: not UTF-8: {exc}") from None
    return parse_baseline(text, source)


def policy_changes(base: BaseRef, explicit: Path | None, policy: Policy) -> tuple[str, ...]:
    """The policy files (policy, baseline) this change modifies: reported, not obeyed."""
    candidates = {_policy_path(base, explicit), _baseline_path(policy), BASELINE_FILE}
    return tuple(sorted(p for p in candidates if p is not None and p in base.changes.all_paths))


def policy_notice(base: BaseRef, changed: tuple[str, ...]) -> tuple[str, ...]:
    """The prominent line the report carries when the change edits the gate's own rules."""
    if not changed:
        return ()
    return (f"this PR changes the gate policy ({', '.join(changed)}); the change applies "
            f"after merge: this run is judged by the policy on {base.ref}",)

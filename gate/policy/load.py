"""Loading ``.gate.yml``: YAML with line numbers, schema validation, helpful errors.

Every error names the file, the line and the dotted key, and for an unknown
key suggests the nearest valid one (``fail_onn`` -> ``fail_on``).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.policy.errors import PolicyError, PolicyProblem
from gate.policy.model import Policy, policy_model

if TYPE_CHECKING:  # YAML and the validator are loaded when a policy file is read: the
    import yaml  # default policy needs neither

    from gate.policy.schema import SchemaProblem

__all__ = ["Key", "LoadedPolicy", "default_policy", "load_policy", "load_policy_text"]

Key = tuple[str | int, ...]
_MAX_POLICY_BYTES = 1_000_000
_MAX_ALIAS_NODES = 10_000
"""A policy is small and hand-written: aliases adding more nodes than this are an attack."""


@functools.cache
def _policy_loader() -> type[yaml.SafeLoader]:
    """SafeLoader that leaves dates as strings, so pydantic reports a bad date with its key."""
    import yaml

    class _PolicyLoader(yaml.SafeLoader):
        pass

    _PolicyLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _PolicyLoader


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy and where it came from (``source`` is ``None`` for the default)."""

    policy: Policy
    source: str | None
    raw: dict[str, Any] = field(default_factory=dict)
    plugin_checks: tuple[str, ...] = ()
    lines: dict[Key, int] = field(default_factory=dict)
    """The line of each key path in the file (``gate policy show`` says where a value is set)."""

    def for_branch(self, branch: str | None) -> Policy:
        """The effective policy for a target branch: every matching ``branches:`` glob applied."""
        if not branch or not self.policy.branches:
            return self.policy
        merged = dict(self.raw)
        merged.pop("branches", None)
        for pattern, override in self.raw.get("branches", {}).items():
            if fnmatch.fnmatchcase(branch, str(pattern)):
                merged = _deep_merge(merged, override or {})
        from gate.policy.schema import SchemaErrors, validate

        model = policy_model(self.plugin_checks)
        try:
            return validate(merged, model)
        except SchemaErrors as exc:  # each override was validated on load: a merge's problem
            raise PolicyError(self.source or "policy",
                              _problems(exc.problems, model, self.lines, ())) from None


def default_policy() -> LoadedPolicy:
    """The built-in policy: fail on high and above in every check, fail on any check error."""
    return LoadedPolicy(policy=Policy(), source=None)


def load_policy(path: Path, plugin_checks: tuple[str, ...] = ()) -> LoadedPolicy:
    """Read and validate a policy file; raise :class:`PolicyError` on any problem."""
    try:
        if path.stat().st_size > _MAX_POLICY_BYTES:
            raise PolicyError(str(path), [PolicyProblem(None, None, "the file is too large")])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(str(path), [PolicyProblem(None, None, "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), [PolicyProblem(None, None, f"cannot read: {exc}")]) from None
    return load_policy_text(text, str(path), plugin_checks)


def load_policy_text(text: str, source: str, plugin_checks: tuple[str, ...] = ()) -> LoadedPolicy:
    """Validate policy text (from a file, or from a git ref for the base-branch policy)."""
    import yaml

    from gate.policy.schema import SchemaErrors, validate
    from gate.yamlsafe import compose_one, construct

    raw: Any
    try:
        node = compose_one(text, loader=_policy_loader(), max_alias_nodes=_MAX_ALIAS_NODES)
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc) from None
    if node is None:
        raw = {}
        lines: dict[Key, int] = {}
    else:
        lines, duplicates = _index_lines(node)
        if duplicates:
            raise PolicyError(source, duplicates)
        try:
            raw = construct(node, loader=_policy_loader())
        except yaml.YAMLError as exc:
            raise _yaml_error(source, exc) from None
    if not isinstance(raw, dict):
        raise PolicyError(source, [PolicyProblem(1, None, "the policy must be a mapping of keys")])
    model = policy_model(plugin_checks)
    problems: list[PolicyProblem] = []
    policy: Policy | None
    try:
        policy = validate(raw, model)
    except SchemaErrors as exc:
        problems.extend(_problems(exc.problems, model, lines, ()))
        policy = None
    for pattern, override in (raw.get("branches") or {}).items():
        checks = override.get("checks") if isinstance(override, dict) else None
        if checks:
            try:
                validate({"checks": checks}, model)
            except SchemaErrors as exc:
                problems.extend(_problems(exc.problems, model, lines, ("branches", pattern)))
    if problems or policy is None:
        raise PolicyError(source, sorted(problems, key=lambda p: (p.line or 0)))
    return LoadedPolicy(policy=policy, source=source, raw=raw, plugin_checks=plugin_checks,
                        lines=lines)


def _yaml_error(source: str, exc: yaml.YAMLError) -> PolicyError:
    """A YAML problem (an alias bomb included) as a policy error naming file and line."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    return PolicyError(source, [PolicyProblem(line, None, f"invalid YAML: {problem}")])


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _index_lines(node: yaml.Node) -> tuple[dict[Key, int], list[PolicyProblem]]:
    """Map each key path to its 1-based line, and report duplicate keys (YAML keeps the last)."""
    import yaml

    lines: dict[Key, int] = {(): node.start_mark.line + 1}
    duplicates: list[PolicyProblem] = []

    def walk(n: yaml.Node, path: Key) -> None:
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in n.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    dotted = ".".join(str(p) for p in (*path, key))
                    duplicates.append(PolicyProblem(line, dotted, "duplicate key"))
                seen.add(key)
                child = (*path, key)
                lines[child] = line
                walk(value_node, child)
        elif isinstance(n, yaml.SequenceNode):
            for index, item in enumerate(n.value):
                child = (*path, index)
                lines[child] = item.start_mark.line + 1
                walk(item, child)

    walk(node, ())
    return lines, duplicates


def _problems(found: tuple[SchemaProblem, ...], model: type[Policy], lines: dict[Key, int],
              prefix: Key) -> list[PolicyProblem]:
    problems = []
    for problem in found:
        loc: Key = _drop_union_tags((*prefix, *problem.loc))
        line = _line_for(loc, lines)
        dotted = ".".join(str(p) for p in loc) or None
        if problem.unknown_key:
            message = f"unknown key {str(loc[-1])!r}"
            hint = _suggest(model, loc[len(prefix):] if prefix else loc)
            if hint:
                message += f" (did you mean {hint!r}?)"
        else:
            message = _humanise(problem.message, problem.value)
        problems.append(PolicyProblem(line, dotted, message))
    return problems


def _drop_union_tags(loc: Key) -> Key:
    """pydantic puts the union member's type name in the location; users never wrote it."""
    tags = {"int", "str", "float", "bool", "date", "literal['info','low','medium','high','critical']"}
    return tuple(p for p in loc if not (isinstance(p, str) and (p in tags or "[" in p)))


def _line_for(loc: Key, lines: dict[Key, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _humanise(msg: str, value: Any) -> str:
    msg = msg.removeprefix("Value error, ")
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{msg} (got {shown})" if value is not None and not isinstance(value, dict) else msg


def _keys(cls: Any) -> dict[str, tuple[str, Any]]:
    """A policy class's keys as a file writes them (a field's alias, else its name), each with
    its field's name and resolved type; empty for anything else."""
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        return {}
    hints = typing.get_type_hints(cls)
    return {f.metadata.get("alias") or f.name: (f.name, hints[f.name])
            for f in dataclasses.fields(cls)}


def _suggest(model: type[Policy], loc: Key) -> str | None:
    """The valid key closest to the unknown one, looked up in the model at that location."""
    current: Any = model
    free_key = False  # the previous field was a dict: this part is a user-chosen key
    for part in loc[:-1]:
        if isinstance(part, int) or free_key:
            free_key = False
            continue
        known = _keys(current)
        if part not in known:
            return None
        annotation = known[part][1]
        free_key = getattr(annotation, "__origin__", None) is dict
        current = _model_of(annotation)
    import difflib  # a misspelt key only

    matches = difflib.get_close_matches(str(loc[-1]), list(_keys(current)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _model_of(annotation: Any) -> Any:
    """Find the policy class inside an annotation like ``tuple[Waiver, ...]`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None

"""Validating a policy mapping, its JSON Schema and its dump: the one module that uses pydantic.

:mod:`gate.policy.model` is plain frozen dataclasses. pydantic reads their
types, defaults and each field's ``metadata`` (description, bounds, alias)
and builds one validator per policy class, here, when a policy is read from a
file, validated or printed. A run without a policy file never imports this.

What a type cannot say is checked here too, on the mapping as written (so
that every problem of a file is reported at once, each under its own key): a
``max_file_size`` that is not a size, and a waiver ``reason`` of blanks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gate.policy.model import Policy, Waiver, parse_size

__all__ = ["SchemaErrors", "SchemaProblem", "dump", "json_schema", "validate"]

Loc = tuple[str | int, ...]

_UNKNOWN_KEY = frozenset({"extra_forbidden", "unexpected_keyword_argument"})
_MISSING = frozenset({"missing", "missing_argument", "missing_keyword_only_argument"})


@dataclass(frozen=True)
class SchemaProblem:
    """One problem, at the key path ``loc`` of the mapping as written."""

    loc: Loc
    message: str
    value: Any = None
    unknown_key: bool = False
    """The last part of ``loc`` is a key the schema does not have (a typo, often)."""


class SchemaErrors(Exception):
    """The mapping is not a valid policy: every problem found, not just the first."""

    def __init__(self, problems: list[SchemaProblem]) -> None:
        super().__init__(f"{len(problems)} policy problem(s)")
        self.problems = tuple(problems)


_ADAPTERS: dict[type[Policy], TypeAdapter[Policy]] = {}


def _adapter(model: type[Policy]) -> TypeAdapter[Policy]:
    """One validator per policy class (building one takes a tenth of a second)."""
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(model)
    return _ADAPTERS[model]


def validate(raw: Mapping[str, Any], model: type[Policy] = Policy) -> Policy:
    """The policy ``raw`` describes (``model``: :func:`~gate.policy.model.policy_model`'s
    class, with the installed plugin checks); raise :class:`SchemaErrors` with every problem."""
    problems = _beyond_types(raw)
    try:
        policy = _adapter(model).validate_python(dict(raw))
    except ValidationError as exc:
        raise SchemaErrors([*_from_pydantic(exc), *problems]) from None
    if problems:
        raise SchemaErrors(problems)
    return replace(policy, max_file_size=parse_size(policy.max_file_size))


def dump(policy: Policy) -> dict[str, Any]:
    """The policy as JSON values, keys as a policy file writes them (``gate policy validate``)."""
    dumped: dict[str, Any] = _adapter(type(policy)).dump_python(policy, mode="json",
                                                                by_alias=True)
    return dumped


def json_schema(model: type[Policy] = Policy) -> dict[str, Any]:
    """The JSON Schema of a policy file (``gate policy schema``)."""
    return _adapter(model).json_schema(mode="validation")


def _from_pydantic(exc: ValidationError) -> list[SchemaProblem]:
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
        kind = error["type"]
        if kind in _UNKNOWN_KEY:
            problems.append(SchemaProblem(loc, "unknown key", unknown_key=True))
        elif kind in _MISSING:
            problems.append(SchemaProblem(loc, "Field required"))
        else:
            problems.append(SchemaProblem(loc, error["msg"], error.get("input")))
    return problems


def _beyond_types(raw: Mapping[str, Any]) -> list[SchemaProblem]:
    """What the types cannot say, judged on the mapping as written (a value of the wrong
    type is the validator's to report, once)."""
    problems = []
    size = raw.get("max_file_size")
    if isinstance(size, (int, str)) and not isinstance(size, bool):
        try:
            parse_size(size)
        except ValueError as exc:
            problems.append(SchemaProblem(("max_file_size",), str(exc), size))
    waivers = raw.get("waivers")
    if isinstance(waivers, list):
        for index, waiver in enumerate(waivers):
            reason = waiver.get("reason") if isinstance(waiver, dict) else None
            if reason and Waiver.blank_reason(reason):  # "" is the validator's (too short)
                problems.append(SchemaProblem(("waivers", index, "reason"),
                                              "a waiver needs a reason", reason))
    return problems

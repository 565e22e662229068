"""Small helpers rules use to read property values without guessing about unknowns.

Every reader distinguishes three cases: the value is absent (:data:`MISSING`),
it is :class:`~gate.checks.iac.interface.Unknown` (a parameter, a computed
attribute), or it is a plain value. Terraform and CloudFormation spell
booleans and numbers as strings often enough that the coercions accept both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from gate.checks.iac.interface import Unknown

__all__ = [
    "MISSING",
    "as_list",
    "dig",
    "first_block",
    "is_unknown",
    "json_document",
    "to_bool",
    "to_int",
]


class _Missing:
    """Sentinel type for an absent attribute (distinct from an explicit ``null``)."""

    _instance: _Missing | None = None

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()


def is_unknown(value: Any) -> bool:
    """True for a value the engine could not resolve."""
    return isinstance(value, Unknown)


def dig(value: Any, *path: str | int) -> Any:
    """Follow ``path`` through mappings and lists; :data:`MISSING` when absent.

    An :class:`Unknown` on the way makes the whole result unknown: what lies
    under a parameter is not known either.
    """
    for step in path:
        if isinstance(value, Unknown):
            return value
        if isinstance(step, int):
            if isinstance(value, list) and -len(value) <= step < len(value):
                value = value[step]
                continue
            return MISSING
        if isinstance(value, Mapping) and step in value:
            value = value[step]
            continue
        return MISSING
    return value


def first_block(value: Any) -> Any:
    """Terraform nested blocks are lists of mappings; return the first (or the value itself)."""
    if isinstance(value, list):
        return value[0] if value else MISSING
    return value


def as_list(value: Any) -> list[Any]:
    """A list for iteration: a scalar becomes a one-element list, absent becomes empty."""
    if value is MISSING or value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def to_bool(value: Any) -> bool | Unknown | None:
    """``True``/``False`` from a bool or ``"true"``/``"false"``; the Unknown as is; else None."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def to_int(value: Any) -> int | Unknown | None:
    """An int from an int or a numeric string; the Unknown as is; else None."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def json_document(value: Any) -> Any:
    """A policy document from a mapping or a JSON string; Unknown when it cannot be read."""
    if isinstance(value, Mapping | Unknown):
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return Unknown(value[:80])
    return MISSING if value is MISSING else Unknown(repr(value)[:80])

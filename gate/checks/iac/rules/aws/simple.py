"""A declarative base for the many rules that test one attribute of one resource.

Most encryption and logging rules read "this attribute must be true / set /
one of these values"; :class:`AttributeRule` states that once, with the
CloudFormation and Terraform attribute paths side by side, so each rule is
just its metadata and a small table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from gate.checks.iac.interface import (
    AttrPath,
    Outcome,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.base import truth
from gate.checks.iac.values import MISSING, dig, first_block

__all__ = ["AttributeRule", "is_set", "is_true", "positive"]

Test = Callable[[Any], bool | None]
"""True: compliant; False: violation; None: cannot tell."""


def is_true(value: Any) -> bool | None:
    """Compliant when the value is boolean true."""
    result = truth(value, default=False)
    return None if isinstance(result, Unknown) else bool(result)


def is_set(value: Any) -> bool | None:
    """Compliant when the attribute is present and not empty (an Unknown counts as set)."""
    return value is not MISSING and value is not None and value != "" and value != []


def positive(value: Any) -> bool | None:
    """Compliant when the value is a number greater than zero."""
    if isinstance(value, Unknown):
        return None
    try:
        return value is not MISSING and value is not None and float(value) > 0
    except (TypeError, ValueError):
        return False


def _read(props: Mapping[str, Any], path: AttrPath) -> Any:
    """Like :func:`dig`, but steps into Terraform's one-element block lists transparently."""
    value: Any = props
    for step in path:
        value = dig(first_block(value) if isinstance(step, str) else value, step)
        if value is MISSING or isinstance(value, Unknown):
            return value
    return value


class AttributeRule(Rule):
    """A rule judged by one attribute path per resource type.

    ``paths`` maps a resource type to the attribute path to read; ``test``
    judges the value; ``detail`` is the violation text. ``applies`` can
    exclude resources (an Aurora instance inherits encryption from its cluster).
    """

    paths: ClassVar[Mapping[str, AttrPath]]
    test: ClassVar[Test]
    detail: ClassVar[str]

    def applies(self, resource: Resource) -> bool:
        """Whether the rule concerns this resource at all (default: always)."""
        return True

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        path = self.paths.get(resource.type)
        if path is None or not self.applies(resource):
            return
        value = _read(resource.properties, path)
        verdict = type(self).test(value)
        if verdict is None:
            yield Undetermined(f"{'.'.join(map(str, path))} is not known statically",
                               _located(resource, path))
        elif not verdict:
            yield Violation(self.detail, _located(resource, path))


def _located(resource: Resource, path: AttrPath) -> AttrPath:
    """The longest prefix of ``path`` with a known line (Terraform blocks add list indexes)."""
    for cut in range(len(path), 0, -1):
        prefix = path[:cut]
        if prefix in resource.lines:
            return prefix
        indexed: list[str | int] = []
        for step in prefix:
            indexed.append(step)
            if (*indexed, 0) in resource.lines and isinstance(step, str):
                indexed.append(0)
        if tuple(indexed) in resource.lines:
            return tuple(indexed)
    return ()

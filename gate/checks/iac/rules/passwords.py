"""A base for rules that find a password or admin credential written as a literal.

The value is never read out: a finding names the argument only. A reference
(``random_password.x.result``, a secret data source, a variable without default)
is the fix and passes; a variable whose default is a literal is a literal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from gate.checks.iac.interface import AttrPath, Outcome, Resource, Rule, Unit, Violation
from gate.checks.iac.rules.credentials import is_placeholder
from gate.checks.iac.rules.settings import locate, read
from gate.checks.iac.values import MISSING

__all__ = ["LiteralPassword", "is_literal_secret"]


def is_literal_secret(value: Any) -> bool:
    """A non-empty literal that is not a reference or an obvious placeholder."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return isinstance(value, str) and bool(value.strip()) and not (
        value.strip().startswith("${") or "{{resolve:" in value) and \
        not (len(value.strip()) < 6 and is_placeholder(value))


class LiteralPassword(Rule):
    """``arguments`` maps a resource type to the paths of its credential arguments."""

    arguments: ClassVar[Mapping[str, tuple[AttrPath, ...]]]
    what: ClassVar[str] = "password"

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for path in self.arguments.get(resource.type, ()):
            value = read(resource, path)
            if value is not MISSING and is_literal_secret(value):
                yield Violation(f"sets {path[-1]} to a literal; value redacted",
                                locate(resource, path), key=".".join(map(str, path)))

"""A declarative base for rules that read one setting per resource against the provider default.

Google Cloud and Azure rules mostly read "this argument must (not) be X, and when
it is left out the provider sends Y": :class:`SettingRule` states that as a
table of :class:`Expect` per resource type. Each entry names the argument's
spellings (providers rename arguments between major versions: the first one
written is read), the test for a written value, and the verdict when it is
absent, which is the rule's premise about today's default. An unknown value is
reported as not evaluated, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
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
from gate.checks.iac.rules.aws.simple import _located, _read
from gate.checks.iac.values import MISSING, to_bool, to_int
from gate.findings import Severity

__all__ = ["Expect", "SettingRule", "at_least_tls", "equals", "expects", "falsy", "is_one_of",
           "locate", "member_values", "positive_int", "read", "truthy"]

Judge = Callable[[Any], bool | None]
"""True: compliant; False: a violation; None: cannot tell."""


def read(resource: Resource, path: AttrPath) -> Any:
    """The value at ``path``, stepping into Terraform's one-element block lists."""
    return _read(resource.properties, path)


def locate(resource: Resource, path: AttrPath) -> AttrPath:
    """The longest prefix of ``path`` with a known line (the resource itself when none)."""
    return _located(resource, path)


def truthy(value: Any) -> bool | None:
    """Compliant when the value is boolean true."""
    result = to_bool(value)
    return None if isinstance(result, Unknown) or result is None else result


def falsy(value: Any) -> bool | None:
    """Compliant when the value is boolean false."""
    result = truthy(value)
    return None if result is None else not result


def equals(*accepted: str) -> Judge:
    """Compliant when the value is one of ``accepted`` (case-insensitive)."""
    wanted = {a.lower() for a in accepted}

    def judge(value: Any) -> bool | None:
        if isinstance(value, Unknown):
            return None
        return isinstance(value, str) and value.strip().lower() in wanted
    return judge


def is_one_of(*rejected: str) -> Judge:
    """A violation when the value is one of ``rejected`` (case-insensitive)."""
    unwanted = {r.lower() for r in rejected}

    def judge(value: Any) -> bool | None:
        if isinstance(value, Unknown):
            return None
        return not (isinstance(value, str) and value.strip().lower() in unwanted)
    return judge


def at_least_tls(minimum: str) -> Judge:
    """Compliant when a TLS version string (``1.2``, ``TLS1_2``, ``TLS12``) is >= ``minimum``."""
    def key(text: str) -> tuple[int, ...] | None:
        digits = "".join(c if c.isdigit() else " " for c in text).split()
        if not digits:
            return None
        if len(digits) == 1 and len(digits[0]) == 2:
            digits = [digits[0][0], digits[0][1]]
        return tuple(int(d) for d in digits[:2])
    floor = key(minimum)

    def judge(value: Any) -> bool | None:
        if isinstance(value, Unknown):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return False
        version = key(value)
        return version is not None and floor is not None and version >= floor
    return judge


def positive_int(limit: int) -> Judge:
    """Compliant when the value is an integer between 1 and ``limit``."""
    def judge(value: Any) -> bool | None:
        number = to_int(value)
        if isinstance(number, Unknown):
            return None
        return number is not None and 0 < number <= limit
    return judge


@dataclass(frozen=True)
class Expect:
    """One setting of one resource type: where it is written, what is fine, what absence means."""

    paths: tuple[AttrPath, ...]
    """The argument's spellings, newest provider first; the first one written is judged."""
    judge: Judge
    when_absent: bool
    """The verdict when none is written: True when the provider's default is compliant."""
    detail: str
    """Completes ``<type> "<name>" ...``; ``{value}`` is replaced by the written value."""
    aliases: tuple[str, ...] | None = None
    severity: Severity | None = None


def _shown(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= 40 else text[:37] + "..."


class SettingRule(Rule):
    """A rule judged by a table of :class:`Expect` per resource type.

    ``exempt`` can leave a resource out (a subnet whose purpose allows no flow
    logs, a cluster that enforces network policies some other way).
    """

    expects: ClassVar[Mapping[str, Sequence[Expect]]]

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        """Whether the rule does not concern this resource (default: it always does)."""
        return False

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if self.exempt(resource, unit):
            return
        for expect in self.expects.get(resource.type, ()):
            yield from _judge(resource, expect)


def _judge(resource: Resource, expect: Expect) -> Iterator[Outcome]:
    path, value = expect.paths[0], MISSING
    for candidate in expect.paths:
        found = read(resource, candidate)
        if found is not MISSING and found is not None:
            path, value = candidate, found
            break
    if value is MISSING:
        if not expect.when_absent:
            yield Violation(expect.detail.replace("{value}", "unset"), locate(resource, path),
                            aliases=expect.aliases, severity=expect.severity)
        return
    verdict = None if isinstance(value, Unknown) else expect.judge(value)
    if verdict is None:
        yield Undetermined(f"{'.'.join(map(str, path))} is not known statically",
                           locate(resource, path))
    elif not verdict:
        yield Violation(expect.detail.replace("{value}", _shown(value)), locate(resource, path),
                        aliases=expect.aliases, severity=expect.severity)


def expects(table: Mapping[str, Sequence[Expect] | Expect]) -> Mapping[str, Sequence[Expect]]:
    """Normalise a table whose values may be a single :class:`Expect`."""
    return {k: (v,) if isinstance(v, Expect) else tuple(v) for k, v in table.items()}


def member_values(resource: Resource) -> Iterator[tuple[AttrPath, Any]]:
    """IAM members of a ``*_iam_member`` / ``*_iam_binding`` resource with their paths."""
    member = resource.properties.get("member", MISSING)
    if member is not MISSING:
        yield ("member",), member
    members = resource.properties.get("members", MISSING)
    if isinstance(members, list):
        for i, value in enumerate(members):
            yield ("members", i), value
    elif members is not MISSING:
        yield ("members",), members

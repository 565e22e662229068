"""Report scope: which findings go into a report file (``reports.scope`` in the policy).

A platform that ingests a report (GitHub code scanning, GitLab's security
widget, a test panel) shows everything it is given as a problem. Giving it
every ``assert`` in the test suite buries the handful of findings the gate
actually fails on. Three scopes:

``failing``
    only the findings that fail the gate;
``code``
    those, plus every finding that would fail if it were in code: the same
    rule, severity and confidence in ``tests/`` or ``docs/`` is worth seeing,
    a low-severity ``assert`` is not;
``all``
    every finding.

Whether a finding would fail is a question for the policy, which reporters
never see (they render saved results too, in ``gate merge`` and ``gate
publish``). So the verdict stage's answer travels with the finding:
:func:`stamp` writes it into ``Finding.extra`` under :data:`BLOCKING_KEY`
(and so into the JSON report), and :func:`scoped` reads it back.
Suppression and newness are left out of the stamp on purpose: a finding keeps
its place in a report (and its alert on GitHub) when someone suppresses it or
when it stops being new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from enum import Enum

from gate.findings import Finding, Severity
from gate.policy.contexts import DEFAULT_CONTEXT_FAIL_ON, NEVER
from gate.policy.model import Policy
from gate.result import RunResult
from gate.verdict import threshold

__all__ = ["BLOCKING_KEY", "Blocking", "Scope", "blocking", "blockings", "by_severity",
           "in_scope", "scoped", "select", "stamp"]

BLOCKING_KEY = "blocking"
"""``Finding.extra`` key: ``context`` (fails where it is, before suppression and newness)
or ``code`` (would fail in code only); absent: would fail nowhere."""


class Scope(str, Enum):
    """The values of ``reports.scope``."""

    FAILING = "failing"
    CODE = "code"
    ALL = "all"


class Blocking(str, Enum):
    """What :data:`BLOCKING_KEY` holds."""

    CONTEXT = "context"
    CODE = "code"
    NONE = ""


def _meets(f: Finding, fail_on: Severity | None, policy: Policy) -> bool:
    if fail_on is None or f.severity < fail_on:
        return False
    return f.confidence is None or f.confidence >= policy.min_confidence_for(f.check)


def judge(f: Finding, policy: Policy) -> Blocking:
    """Whether ``f`` fails in its own context, would fail only in code, or neither."""
    if _meets(f, threshold(f, policy), policy):
        return Blocking.CONTEXT
    if _meets(f, policy.fail_on_in(f.check, "code"), policy):
        return Blocking.CODE
    return Blocking.NONE


def stamp(run: RunResult, policy: Policy) -> RunResult:
    """``run`` with each finding's :class:`Blocking` recorded in its ``extra``."""
    findings = []
    for f in run.findings:
        value = judge(f, policy).value
        extra = tuple(kv for kv in f.extra if kv[0] != BLOCKING_KEY)
        if value:
            extra = tuple(sorted((*extra, (BLOCKING_KEY, value))))
        findings.append(f if extra == f.extra else f.changed(extra=extra))
    return replace(run, findings=tuple(findings))


def blocking(run: RunResult, index: int) -> Blocking:
    """The stamp of ``run.findings[index]``.

    A result saved before stamps existed has none at all: it is then judged
    with the default contexts and each check's threshold (a failing finding
    is always ``context``).
    """
    return blockings(run)[index]


_last: list[tuple[RunResult, tuple[Blocking, ...]]] = []


def blockings(run: RunResult) -> tuple[Blocking, ...]:
    """:func:`blocking` for every finding, computed once per run (reporters ask per finding)."""
    if _last and _last[0][0] is run:
        return _last[0][1]
    stamped = any(BLOCKING_KEY in dict(g.extra) for g in run.findings)
    found = tuple(_judged(run, i, stamped) for i in range(len(run.findings)))
    _last[:] = [(run, found)]
    return found


def _judged(run: RunResult, index: int, stamped: bool) -> Blocking:
    f = run.findings[index]
    value = dict(f.extra).get(BLOCKING_KEY)
    if value is not None:
        return Blocking(value)
    if run.is_failing(index):
        return Blocking.CONTEXT
    if stamped:
        return Blocking.NONE
    outcome = run.check(f.check)
    if outcome is None or f.severity < outcome.fail_on:
        return Blocking.NONE
    own = DEFAULT_CONTEXT_FAIL_ON.get(f.context, NEVER)
    return Blocking.CONTEXT if own is None else Blocking.CODE


def in_scope(run: RunResult, index: int, scope: Scope) -> bool:
    """Whether ``run.findings[index]`` belongs in a report of this scope."""
    if scope == Scope.ALL or run.is_failing(index):
        return True
    return scope == Scope.CODE and blocking(run, index) != Blocking.NONE


def by_severity(findings: list[Finding]) -> str:
    """``3 high, 1 low``: counts per severity, most severe first."""
    counts = Counter(f.severity for f in findings)
    return ", ".join(f"{counts[s]:,} {s.label}" for s in sorted(Severity, reverse=True)
                     if counts[s])


def _note(scope: Scope, left: list[Finding]) -> str:
    parts = by_severity(left)
    why = ("they do not fail the gate" if scope == Scope.FAILING
           else "they do not fail the gate and would not fail in code")
    return (f"report scope '{scope.value}': {len(left):,} finding(s) left out ({parts}): {why}; "
            "the JSON report has every finding")


def scoped(run: RunResult, scope: Scope | str) -> RunResult:
    """The part of ``run`` a report of ``scope`` holds; each check says what it left out.

    A check's outcome gains one warning with the count per severity of the
    findings left out, so every format that shows check warnings (SARIF
    notifications, GitLab scan messages, JUnit) states it. Findings keep
    their order, and repeats of one fingerprint are kept or left out
    together, so occurrence keys (and so GitHub alerts) do not change.
    """
    scope = Scope(scope)
    if scope == Scope.ALL:
        return run
    keep = {i for i in range(len(run.findings)) if in_scope(run, i, scope)}
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(run.findings):
        groups.setdefault((f.check, f.rule_id, f.fingerprint), []).append(i)
    for indexes in groups.values():
        if any(i in keep for i in indexes):
            keep.update(indexes)
    return select(run, keep, lambda check, left: _note(scope, left))


def select(run: RunResult, keep: set[int],
           note: Callable[[str, list[Finding]], str]) -> RunResult:
    """``run`` with only the findings at ``keep``; each check states what it lost.

    ``note(check, left_out)`` words the warning added to a check that lost
    findings (findings of a check with no outcome go to the run's warnings).
    """
    if len(keep) == len(run.findings):
        return run
    order = sorted(keep)
    new_index = {old: new for new, old in enumerate(order)}
    left: dict[str, list[Finding]] = {}
    for i, f in enumerate(run.findings):
        if i not in keep:
            left.setdefault(f.check, []).append(f)
    checks = tuple(replace(c, warnings=(*c.warnings, note(c.name, left[c.name])))
                   if c.name in left else c for c in run.checks)
    orphans = [f for name, fs in left.items() if run.check(name) is None for f in fs]
    warnings = (*run.warnings, note("", orphans)) if orphans else run.warnings
    return replace(run, findings=tuple(run.findings[i] for i in order), checks=checks,
                   failing=frozenset(new_index[i] for i in run.failing if i in new_index),
                   warnings=warnings)

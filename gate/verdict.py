"""Judge check results against the effective policy: which findings fail, and the verdict.

Fail-closed by construction: a check that did not complete is ``error`` unless
the policy explicitly says ``on_error: warn`` for it, and an empty selection of
checks is an error, never a pass. A pass means every enabled check judged what
it was given: a check that read no file is ``empty``, and a run in which no
check read anything is ``empty`` overall (exit 4) unless ``on_empty: warn``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from gate.checks.interface import CheckResult, NotScanned
from gate.coverage import judge_coverage
from gate.findings import Finding, Severity
from gate.policy.model import Mode, OnEmpty, OnError, Policy
from gate.result import CheckOutcome, RunResult, Verdict

__all__ = ["EXIT_CODES", "LIVE_FORMAT", "NOTHING_READ", "Emptiness", "evaluate", "exit_code",
           "failing_reason", "is_failing_reason", "is_live_secret", "sort_findings", "threshold"]

EXIT_CODES = {Verdict.PASS: 0, Verdict.FAIL: 1, Verdict.ERROR: 3, Verdict.EMPTY: 4}

NOTHING_READ = "judged nothing: no check read a file (empty directory, or no checkout step?)"


@dataclass(frozen=True)
class Emptiness:
    """What the verdict needs to judge a run that read nothing (``on_empty``).

    ``tree_files``: files the inventory offered to any check. ``exempt``: checks whose
    emptiness is not judged because they were given a slice on purpose (narrowed to a
    change's files in ``mode: new``, a shard's slice).
    """

    tree_files: int
    exempt: frozenset[str] = frozenset()
    sharded: bool = False


_WHAT = {"sast": "no Python file", "dependencies": "no dependency manifest",
         "secrets": "no file", "iac": "no IaC file"}


def _empty_note(o: CheckOutcome) -> str:
    what = (f"every file it was given is not scanned: {len(o.not_scanned)}" if o.not_scanned
            else _WHAT.get(o.name, "no file it reads"))
    return f"judged nothing ({what})"


_NORMALLY_EMPTY = frozenset({"iac"})
"""Checks most repositories give nothing to: their emptiness is a status, not a warning,
unless the policy sets their ``on_empty``."""


def _quiet(o: CheckOutcome, policy: Policy) -> bool:
    """No warning line: a check that already said why it read nothing, or one normally empty."""
    return bool(o.warnings) or (o.name in _NORMALLY_EMPTY and policy.check(o.name).on_empty is None)


def _judge_empty(policy: Policy, outcomes: Sequence[CheckOutcome], empty: Emptiness
                 ) -> tuple[tuple[CheckOutcome, ...], tuple[str, ...]]:
    """Mark checks that read no file ``empty``; the reasons the policy fails the run for."""
    judged = [o for o in outcomes if o.verdict != Verdict.SKIPPED and o.name not in empty.exempt]
    nothing = empty.tree_files == 0 or (
        not empty.sharded and not empty.exempt and bool(judged)
        and all(o.files_scanned == 0 and not o.errors for o in judged))
    fails_run = nothing and policy.on_empty != OnEmpty.WARN
    reasons: list[str] = [NOTHING_READ] if fails_run else []
    names = {o.name for o in judged}
    out: list[CheckOutcome] = []
    for o in outcomes:
        if o.name not in names or o.files_scanned or o.errors or o.verdict != Verdict.PASS:
            out.append(o)
            continue
        setting = policy.on_empty_for(o.name)
        note = _empty_note(o)
        if setting == OnEmpty.FAIL and not fails_run:
            line = f"{o.name}: {note}; on_empty: {setting.value}"
            reasons.append(line)
            out.append(replace(o, verdict=Verdict.EMPTY, reasons=(*o.reasons, line)))
        elif fails_run or _quiet(o, policy):
            out.append(replace(o, verdict=Verdict.EMPTY))
        else:
            out.append(replace(o, verdict=Verdict.EMPTY, warnings=(
                *o.warnings, f"{note}; allowed by on_empty: {setting.value}")))
    return tuple(out), tuple(reasons)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by check, path and line: the order every report uses."""
    return sorted(findings, key=lambda f: (-f.severity, f.check, f.location.path,
                                           f.location.start_line or 0, f.rule_id))


def failing_reason(name: str, count: int, fail_on: Severity) -> str:
    """The per-check reason line for failing findings (``gate merge`` recomputes it)."""
    return f"{name}: {count} finding(s) at or above {fail_on.label}"


def is_failing_reason(name: str, text: str) -> bool:
    """Whether ``text`` is a :func:`failing_reason` line of check ``name``."""
    return re.fullmatch(rf"{re.escape(name)}: \d+ finding\(s\) at or above \w+", text) is not None


LIVE_FORMAT = "live_format"
"""``extra`` key the secrets check sets to ``"true"`` on a provider token in a live format
that is not a documented example value: it fails wherever it is (any check may set it)."""


def is_live_secret(f: Finding) -> bool:
    """A provider token in a live format: judged as code in every context."""
    return dict(f.extra).get(LIVE_FORMAT) == "true"


def threshold(f: Finding, policy: Policy) -> Severity | None:
    """The lowest severity at which ``f`` fails, given its check and context; ``None``: never.

    Tests, docs, examples, generated and vendored code never fail under the default
    policy, except a live-format provider token, which is judged as if it were in code.
    """
    context = "code" if is_live_secret(f) else f.context
    return policy.fail_on_in(f.check, context)


def _fails(f: Finding, policy: Policy) -> bool:
    if f.suppressed:
        return False
    fail_on = threshold(f, policy)
    if fail_on is None or f.severity < fail_on:
        return False
    if f.confidence is not None and f.confidence < policy.min_confidence_for(f.check):
        return False
    # In "new" mode a finding without a base comparison (new is None) still fails: fail closed.
    return not (policy.mode == Mode.NEW and f.new is False)


def _outcome(name: str, result: CheckResult, policy: Policy, failing: int) -> CheckOutcome:
    reasons: list[str] = []
    warnings = list(result.warnings)
    if result.errors:
        if policy.on_error_for(name) == OnError.WARN:
            verdict = Verdict.FAIL if failing else Verdict.PASS
            warnings.append("check did not complete; allowed by on_error: warn")
        else:
            verdict = Verdict.ERROR
            reasons.append(f"{name} could not complete: {result.errors[0]}")
    else:
        verdict = Verdict.FAIL if failing else Verdict.PASS
    if failing:
        reasons.append(failing_reason(name, failing, policy.fail_on_for(name)))
    return CheckOutcome(
        name=name, verdict=verdict, tool=result.tool, tool_version=result.tool_version,
        duration=result.duration, fail_on=policy.fail_on_for(name),
        files_scanned=result.files_scanned, errors=result.errors, warnings=tuple(warnings),
        not_scanned=result.not_scanned, reasons=tuple(reasons),
    )


def evaluate(policy: Policy, results: dict[str, CheckResult], findings: list[Finding],
             *, not_scanned: tuple[NotScanned, ...] = (), warnings: tuple[str, ...] = (),
             gate_version: str = "", policy_source: str | None = None, started_at: str = "",
             duration: float = 0.0, context: dict[str, str] | None = None,
             empty: Emptiness | None = None) -> RunResult:
    """Build the :class:`RunResult` from triaged findings and the raw check results.

    ``empty``: judge checks that read no file (``on_empty``); ``None`` (a unit test's
    hand-made results) leaves them as they are.
    """
    ordered = sort_findings(findings)
    failing = frozenset(i for i, f in enumerate(ordered) if _fails(f, policy))
    outcomes = tuple(
        _outcome(name, result, policy,
                 sum(1 for i in failing if ordered[i].check == name))
        for name, result in results.items()
    )
    coverage = judge_coverage(policy.not_scanned, outcomes, not_scanned)
    outcomes, warnings = coverage.outcomes, (*warnings, *coverage.warnings)
    empty_reasons: tuple[str, ...] = ()
    if empty is not None:
        outcomes, empty_reasons = _judge_empty(policy, outcomes, empty)
    verdicts = {o.verdict for o in outcomes}
    reasons = [*(r for r in empty_reasons if r == NOTHING_READ),
               *(r for o in outcomes for r in o.reasons), *coverage.reasons]
    if not outcomes:
        verdict = Verdict.ERROR
        reasons.append("no check ran: enable at least one check")
    elif Verdict.ERROR in verdicts:
        verdict = Verdict.ERROR
    elif empty_reasons:
        verdict = Verdict.EMPTY
    elif Verdict.FAIL in verdicts or coverage.reasons:
        verdict = Verdict.FAIL
    else:
        verdict = Verdict.PASS
    return RunResult(
        verdict=verdict, checks=outcomes, findings=tuple(ordered), failing=failing,
        reasons=tuple(reasons), warnings=warnings, not_scanned=not_scanned,
        mode=policy.mode.value, gate_version=gate_version, policy_source=policy_source,
        started_at=started_at, duration=duration, context=dict(context or {}),
    )


def exit_code(verdict: str) -> int:
    """0 pass, 1 the policy failed, 3 a check could not complete, 4 judged nothing."""
    return EXIT_CODES[verdict]

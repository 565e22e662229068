"""The triage stage's one entry point: inline markers, then waivers, then the baseline, then newness.

The order is the order of precedence: a finding keeps the first suppression
that applies (the marker next to the code, then the policy's waiver, then the
baseline), while every waiver and baseline entry that *matches* is counted as
used, so none is reported unused just because another mechanism got there
first. Newness is independent of suppression: every finding gets it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from gate.checks.interface import CheckResult
from gate.findings import Finding
from gate.policy.model import Mode, Policy
from gate.triage.inline import apply_inline_policy
from gate.triage.interface import TriageResult
from gate.triage.waivers import apply_waivers

if TYPE_CHECKING:  # imported by triage() when a run has a baseline, a base
    from gate.triage.baseline import Baseline
    from gate.triage.newness import BaseFindings

__all__ = ["TriageInputs", "triage"]


@dataclass(frozen=True)
class TriageInputs:
    """What triage needs besides the findings."""

    policy: Policy
    results: Mapping[str, CheckResult]
    today: date
    baseline: Baseline | None = None
    base: BaseFindings | None = None
    partial: tuple[str, ...] = ()
    """Checks that scanned only the changed files (``mode: new``)."""
    subset: bool = False
    """True when the run was restricted to some checks (``--checks``)."""

    @property
    def judged(self) -> frozenset[str]:
        """Checks that completed a full scan: only their silence means "no such finding"."""
        return frozenset(name for name, result in self.results.items()
                         if not result.errors and name not in self.partial)

    @property
    def complete(self) -> bool:
        """Whether every enabled check judged the whole tree (so "unused" can be claimed)."""
        return not self.subset and self.judged == frozenset(self.results)


def _mode_warnings(inputs: TriageInputs) -> list[str]:
    out = []
    if inputs.policy.mode == Mode.NEW and inputs.base is None:
        out.append("mode new without a base ref: no finding can be told apart from the base, "
                   "so every finding counts (pass --base REF)")
    if inputs.partial:
        out.append(f"mode new: {', '.join(inputs.partial)} scanned only the files this change "
                   "touched; findings in other files are old by construction and not listed "
                   "(run with --mode all for the full list)")
    return out


def triage(findings: Sequence[Finding], inputs: TriageInputs) -> TriageResult:
    """Set ``suppression`` and ``new`` on every finding; collect what the report must say."""
    inline = apply_inline_policy(findings, inputs.policy.inline_suppressions, inputs.today)
    waived = apply_waivers(inline.findings, inputs.policy.waivers, today=inputs.today,
                           complete=inputs.complete)
    out = waived.findings
    warnings = [*_mode_warnings(inputs), *inline.warnings, *waived.warnings]
    if inputs.baseline is not None:
        from gate.triage.baseline import apply_baseline

        baselined = apply_baseline(out, inputs.baseline, inputs.judged)
        out = baselined.findings
        warnings += baselined.warnings
    if inputs.base is not None:
        from gate.triage.newness import mark_new

        out = mark_new(out, inputs.base)
        warnings += inputs.base.warnings
    return TriageResult(findings=tuple(out), warnings=tuple(warnings), waivers=waived.statuses)

"""The triage stage's shared types: its error, what it returns, and the waiver status it reports.

Triage runs after the checks and before the verdict. It never drops a
finding: it only sets ``suppression`` (inline marker honoured, waiver,
baseline) and ``new`` (absent on the base ref), so that every suppressed or
old finding is still in the report, counted, and never in the failing set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gate.errors import UsageError
from gate.findings import Finding

__all__ = ["TriageError", "TriageResult", "WaiverState", "WaiverStatus"]


class TriageError(UsageError):
    """The base ref, the repository or a baseline file is not usable (exit 2).

    A subclass of :class:`~gate.errors.UsageError` because every case is fixed
    by the user's setup (fetch the history, repair the file), not by rerunning.
    """


class WaiverState:
    """Where a waiver stands on the day of the run (plain strings: they go into reports)."""

    ACTIVE = "active"
    EXPIRING = "expiring"
    """Still applies, but expires within :data:`gate.triage.waivers.EXPIRY_WARNING_DAYS`."""
    EXPIRED = "expired"
    """No longer applies: the findings it covered count again."""
    UNUSED = "unused"
    """Matched no finding in a complete run: the risk it accepted is gone, remove it."""


@dataclass(frozen=True)
class WaiverStatus:
    """One policy waiver as this run saw it (``index`` is its position under ``waivers:``)."""

    index: int
    rule: str
    reason: str
    state: str
    matched: int
    """Findings it covers (for an expired waiver: the ones it would cover)."""
    paths: tuple[str, ...] = ()
    fingerprint: str | None = None
    expires: date | None = None
    owner: str | None = None

    @property
    def label(self) -> str:
        """``waivers[2] (B101 in tests/**)``: how warnings name the waiver."""
        where = f" in {', '.join(self.paths)}" if self.paths else ""
        return f"waivers[{self.index}] ({self.rule}{where})"


@dataclass(frozen=True)
class TriageResult:
    """The triaged findings, plus what the report must say about the triage itself."""

    findings: tuple[Finding, ...]
    warnings: tuple[str, ...] = ()
    waivers: tuple[WaiverStatus, ...] = ()

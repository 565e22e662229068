"""The outcome of one gate run: what every report and publisher renders.

A :class:`RunResult` is built once by the verdict stage and never changed
afterwards; reports and publishers only read it. It round-trips through the
JSON report (:mod:`gate.serialize`), which is how ``gate publish`` and
``gate merge`` get it back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from gate.checks.interface import NotScanned
from gate.findings import Finding, Severity
from gate.triage.interface import WaiverStatus

__all__ = ["CheckOutcome", "RunResult", "ShardInfo", "Verdict"]

SCHEMA_VERSION = "1.0"


class Verdict:
    """Verdict strings, per check and overall."""

    PASS = "pass"  # noqa: S105  # nosec B105 a verdict, not a password
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"
    EMPTY = "empty"
    """Judged nothing: an enabled check read no file (per check), or the policy's
    ``on_empty`` fails the run for it (overall, exit 4)."""


@dataclass(frozen=True)
class ShardInfo:
    """Which slice of a sharded run (``gate run --shard I/N``) a result covers.

    ``gate merge`` checks these before it believes a set of shard reports:
    all N present, once each, all partitioning the same inventory.
    """

    index: int
    total: int
    inventory: str
    """Digest of the inventory's paths and sizes that every shard partitioned."""
    files: int = 0
    """Files in this shard's slice."""
    sliced: tuple[str, ...] = ()
    """The checks run on the slice (the others ran whole, in shard 1)."""


@dataclass(frozen=True)
class CheckOutcome:
    """One check's part of the verdict."""

    name: str
    verdict: str
    """pass | fail | error | skipped (not run: disabled or not selected) | empty (read no file)."""
    tool: str
    tool_version: str
    duration: float
    fail_on: Severity
    files_scanned: int = 0
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()
    reasons: tuple[str, ...] = ()
    """Why the verdict is what it is, for humans."""


@dataclass(frozen=True)
class RunResult:
    """Everything one ``gate run`` concluded."""

    verdict: str
    checks: tuple[CheckOutcome, ...]
    findings: tuple[Finding, ...]
    """All findings, suppressed ones included (``suppression`` set), most severe first."""
    failing: frozenset[int] = frozenset()
    """Indexes into ``findings`` of those that fail the gate."""
    gate_version: str = ""
    schema_version: str = SCHEMA_VERSION
    policy_source: str | None = None
    mode: str = "all"
    started_at: str = ""
    duration: float = 0.0
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()
    """Files no check looked at (binary, too large, unreadable), with the reason."""
    context: dict[str, str] = field(default_factory=dict)
    """Where the run happened: platform, repository, ref, sha, PR/MR id, run URL."""
    policy_changed: tuple[str, ...] = ()
    """Policy files (``.gate.yml``, the baseline) the change edits: not obeyed until merged."""
    waivers: tuple[WaiverStatus, ...] = ()
    """Every policy waiver with its state on the day of the run (active, expiring, ...)."""
    shard: ShardInfo | None = None
    """Set on a sharded run's result: it covers one slice, and only ``gate merge`` judges all."""

    def is_failing(self, index: int) -> bool:
        """Whether ``findings[index]`` fails the gate."""
        return index in self.failing

    def failing_findings(self) -> list[Finding]:
        """The findings that fail the gate, in report order."""
        return [f for i, f in enumerate(self.findings) if i in self.failing]

    def active_findings(self) -> list[Finding]:
        """Findings that are not suppressed."""
        return [f for f in self.findings if not f.suppressed]

    def counts(self) -> dict[str, int]:
        """Unsuppressed findings per severity label, all labels present."""
        counter = Counter(f.severity.label for f in self.findings if not f.suppressed)
        return {s.label: counter.get(s.label, 0) for s in sorted(Severity, reverse=True)}

    def check(self, name: str) -> CheckOutcome | None:
        """The outcome of one check, if it ran."""
        return next((c for c in self.checks if c.name == name), None)

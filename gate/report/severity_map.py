"""How our one severity scale lands on each interchange format's own scale.

Every format has its own vocabulary, and each platform ranks, filters and
colours by it. The tables live together so that one finding never reads as
"high" in one place and "minor" in another, and so ``docs/formats.md`` can
show them side by side (keep the two in step).
"""

from __future__ import annotations

from gate.findings import Severity

__all__ = [
    "ADVISORY_CAP",
    "CODEQUALITY_SEVERITY",
    "GITLAB_SEVERITY",
    "SARIF_LEVEL",
    "SECURITY_SEVERITY",
    "platform_severity",
]

SECURITY_SEVERITY: dict[Severity, str] = {
    # GitHub reads ``properties.security-severity`` as a CVSS-like score and
    # bands it: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
    # Each value sits inside its band, away from the edges. GitHub has no
    # "info" band, so info takes the bottom of "low" (the result's level,
    # ``note``, still tells it apart).
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}

SARIF_LEVEL: dict[Severity, str] = {
    # SARIF has three levels that mean anything; high and critical are both
    # errors, info and low are both notes.
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

GITLAB_SEVERITY: dict[Severity, str] = {
    # GitLab security reports use the same five names we do (plus "Unknown",
    # which we never need: every finding has a severity).
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}

CODEQUALITY_SEVERITY: dict[Severity, str] = {
    # Code Climate's scale is one step "louder" at each level; GitLab's
    # widget sorts blocker > critical > major > minor > info.
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}

ADVISORY_CAP = Severity.MEDIUM
"""The highest severity a platform is told for a finding that does not fail the gate where it
is (a test, the docs, vendored code): GitHub's and GitLab's High and Critical, which their own
merge checks and approval policies act on, then always mean the gate fails too. The finding's
own severity stays in the report (``gate/severity``, the description)."""


def platform_severity(severity: Severity, fails_where_it_is: bool) -> Severity:
    """``severity``, capped at :data:`ADVISORY_CAP` for a finding that does not fail where it is."""
    return severity if fails_where_it_is else min(severity, ADVISORY_CAP)

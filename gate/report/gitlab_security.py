"""The envelope of a GitLab security report (schema 15.x): version, scan and vulnerabilities.

Three report types come out of one run: ``sast`` (the sast check, IaC and any
plugin check, as GitLab's own IaC scanning does), ``secret_detection``
(secrets) and ``dependency_scanning`` (dependencies). Each has a stable
scanner id (``gate-sast``, ``gate-secrets``, ``gate-dependencies``): GitLab
keys vulnerabilities on it, so it must not change with the tools that ran.

GitLab has no way to mark a finding suppressed, and anything in the report
shows up in the merge request widget as a vulnerability. Suppressed findings
are therefore left out (GitLab then resolves them as "no longer detected"),
and ``scan.messages`` says how many were left out, so the totals still
reconcile with the JSON, SARIF and JUnit reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from gate.report.gitlab_vulns import (
    Locator,
    dependency_files,
    dependency_location,
    secret_location,
    source_location,
    vulnerability,
)
from gate.report.interop import clean_text, occurrence_keys, run_window
from gate.report.scope import Blocking, blocking
from gate.result import CheckOutcome, RunResult, Verdict

__all__ = ["DEPENDENCIES", "SAST", "SCHEMA_VERSION", "SECRETS", "ReportKind", "security_report"]

SCHEMA_VERSION = "15.0.7"
_SCHEMA_URL = ("https://gitlab.com/gitlab-org/security-products/security-report-schemas/"
               "-/raw/v{version}/dist/{file}")
_TIME = "%Y-%m-%dT%H:%M:%S"
_MAX_MESSAGES = 100


@dataclass(frozen=True)
class ReportKind:
    """One GitLab report type and the checks whose findings it carries."""

    report_type: str
    scanner_id: str
    schema_file: str
    checks: frozenset[str]
    """The checks it claims; empty means every check the other kinds do not claim."""
    locate: Locator
    track: bool
    """Whether to send a ``tracking`` signature (source locations only)."""


SECRETS = ReportKind("secret_detection", "gate-secrets", "secret-detection-report-format.json",
                     frozenset({"secrets"}), secret_location, track=True)
DEPENDENCIES = ReportKind("dependency_scanning", "gate-dependencies",
                          "dependency-scanning-report-format.json",
                          frozenset({"dependencies"}), dependency_location, track=False)
SAST = ReportKind("sast", "gate-sast", "sast-report-format.json", frozenset(), source_location,
                  track=True)
_CLAIMED = SECRETS.checks | DEPENDENCIES.checks


def _claims(kind: ReportKind, check: str) -> bool:
    return check in kind.checks if kind.checks else check not in _CLAIMED


def _message(level: str, text: str) -> dict[str, str]:
    return {"level": level, "value": clean_text(text, 2000) or "-"}


def _messages(outcomes: list[CheckOutcome], suppressed: int) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for c in outcomes:
        messages += [_message("fatal", f"{c.name} could not complete: {e}") for e in c.errors]
        messages += [_message("warn", f"{c.name}: {w}") for w in c.warnings]
        messages += [_message("warn", f"{c.name} did not scan {n.path}: {n.reason}")
                     for n in c.not_scanned]
    if not any(c.verdict != Verdict.SKIPPED for c in outcomes):
        messages.append(_message("info", "no gate check of this type ran"))
    if len(messages) > _MAX_MESSAGES:
        left = len(messages) - _MAX_MESSAGES + 1
        messages = messages[: _MAX_MESSAGES - 1]
        messages.append(_message("warn", f"... and {left} more messages (see the JSON report)"))
    if suppressed:
        messages.append(_message(
            "info", f"{suppressed} suppressed finding(s) not reported here: GitLab reports "
                    "cannot mark a finding suppressed (the JSON, SARIF and JUnit reports list them)"))
    return messages


def _scan(run: RunResult, kind: ReportKind, outcomes: list[CheckOutcome],
          suppressed: int) -> dict[str, Any]:
    window = run_window(run)
    start, end = window if window else (datetime.now(timezone.utc),) * 2
    gate_version = run.gate_version or "unknown"
    ran = [c for c in outcomes if c.verdict != Verdict.SKIPPED]
    tools = ", ".join(f"{c.tool} {c.tool_version}".strip() for c in ran if c.tool)
    vendor = {"name": "gate"}
    return {
        "analyzer": {"id": "gate", "name": "gate", "version": gate_version, "vendor": vendor},
        "scanner": {"id": kind.scanner_id,
                    "name": clean_text(f"gate ({tools})" if tools else "gate", 255),
                    "version": gate_version, "vendor": vendor},
        "type": kind.report_type,
        "start_time": start.strftime(_TIME),
        "end_time": end.strftime(_TIME),
        "status": "failure" if any(c.errors for c in ran) else "success",
        "messages": _messages(outcomes, suppressed),
    }


def security_report(run: RunResult, kind: ReportKind) -> dict[str, Any]:
    """The whole report for one kind: only active (unsuppressed) findings become vulnerabilities."""
    keys = occurrence_keys(run.findings)
    mine = [(i, f) for i, f in enumerate(run.findings) if _claims(kind, f.check)]
    active = [(i, f) for i, f in mine if not f.suppressed]
    outcomes = [c for c in run.checks if _claims(kind, c.name)]
    report: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "schema": _SCHEMA_URL.format(version=SCHEMA_VERSION, file=kind.schema_file),
        "scan": _scan(run, kind, outcomes, len(mine) - len(active)),
        "vulnerabilities": [vulnerability(f, keys[i], run, kind.locate, kind.track,
                                          blocking(run, i) == Blocking.CONTEXT)
                            for i, f in active],
    }
    if kind is DEPENDENCIES:
        report["dependency_files"] = dependency_files([f for _, f in active])
    return report

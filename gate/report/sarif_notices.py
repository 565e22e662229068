"""SARIF's plumbing around results: escaped messages, locations and notifications.

Notifications are how a SARIF log says "this is not the whole story": a check
that could not complete, files a tool could not judge, results cut to fit
GitHub's limits. GitHub shows ``toolExecutionNotifications`` on the tool
status page, so nothing that limits trust in a run is left out of the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gate.checks.interface import NotScanned
from gate.report.interop import artifact_uri, run_window
from gate.result import CheckOutcome, RunResult

__all__ = ["SRCROOT", "conversion", "invocation", "message", "notice", "physical", "sarif_text"]

SRCROOT = "%SRCROOT%"
_MAX_NOTICES = 1000


def sarif_text(value: str) -> str:
    """Plain SARIF message text: brackets escaped so tool text cannot forge embedded links."""
    return value.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def message(text: str) -> dict[str, str]:
    """A SARIF message object with escaped plain text (never empty)."""
    return {"text": sarif_text(text) or "-"}


def physical(path: str, line: int | None = None, end: int | None = None) -> dict[str, Any]:
    """A location at a repo path; the region only when the line is known (and ``end >= start``)."""
    loc: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}
    if line is not None and line >= 1:
        loc["region"] = {"startLine": line, "endLine": max(end or line, line)}
    return {"physicalLocation": loc}


def notice(text: str, level: str, descriptor: str,
           location: dict[str, Any] | None = None) -> dict[str, Any]:
    """A notification with a level and a ``gate/...`` descriptor id."""
    note: dict[str, Any] = {"message": message(text), "level": level,
                            "descriptor": {"id": descriptor}}
    if location is not None:
        note["locations"] = [location]
    return note


def _not_scanned(items: Sequence[NotScanned], who: str | None) -> list[dict[str, Any]]:
    """Files that were not judged, as notifications located at the file (capped in number)."""
    notes = [notice(f"{who} did not scan {n.path}: {n.reason}" if who
                    else f"No check scanned {n.path}: {n.reason}", "warning",
                    "gate/not-scanned", physical(n.path, n.line) if n.path else None)
             for n in items[:_MAX_NOTICES]]
    if len(items) > _MAX_NOTICES:
        notes.append(notice(f"... and {len(items) - _MAX_NOTICES} more files not scanned "
                            "(the JSON report lists them all)", "warning", "gate/not-scanned"))
    return notes


def invocation(outcome: CheckOutcome | None, name: str,
               extra: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The check's invocation: unsuccessful when it errored; errors, warnings, unscanned files."""
    notes: list[dict[str, Any]] = []
    if outcome is not None:
        notes += [notice(f"{name} could not complete: {e}", "error", "gate/check-error")
                  for e in outcome.errors]
        notes += [notice(f"{name}: {w}", "warning", "gate/check-warning")
                  for w in outcome.warnings]
        notes += _not_scanned(outcome.not_scanned, name)
    notes += extra
    return {"executionSuccessful": outcome is None or not outcome.errors,
            "toolExecutionNotifications": notes}


def conversion(run: RunResult, first: bool) -> dict[str, Any]:
    """The gate as the converter; the first run also carries the gate's own notices."""
    driver: dict[str, Any] = {"name": "gate"}
    if run.gate_version:
        driver["version"] = run.gate_version
    converter: dict[str, Any] = {"tool": {"driver": driver}}
    if first:
        notes = [notice(w, "warning", "gate/warning") for w in run.warnings]
        notes += _not_scanned(run.not_scanned, None)
        gate_run: dict[str, Any] = {"executionSuccessful": True,
                                    "toolExecutionNotifications": notes}
        window = run_window(run)
        if window:
            gate_run["startTimeUtc"] = window[0].strftime("%Y-%m-%dT%H:%M:%SZ")
            gate_run["endTimeUtc"] = window[1].strftime("%Y-%m-%dT%H:%M:%SZ")
        converter["invocation"] = gate_run
    return converter

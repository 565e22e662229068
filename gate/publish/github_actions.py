"""GitHub Actions' own channels: the step summary, step outputs, ``::error`` commands.

These need no token, so they work on fork pull requests too: the gate still
shows its verdict, its counts and (when no check run could be created) its
worst findings on their lines.

Untrusted text in a workflow command could end the command early or start a
new one, so data and properties are escaped as the runner expects
(``%``, CR, LF; in properties also ``:`` and ``,``), and a step output is
written with a random heredoc delimiter that the value cannot contain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from gate.publish.text import clean
from gate.report.markdown import render_markdown
from gate.result import RunResult

__all__ = [
    "MAX_ERROR_COMMANDS",
    "error_commands",
    "escape_data",
    "escape_property",
    "step_outputs",
    "write_outputs",
    "write_step_summary",
]

MAX_ERROR_COMMANDS = 10
"""GitHub shows at most 10 error annotations per step."""
_SUMMARY_CHARS = 250_000
"""Step summaries are limited to 1 MiB; 250k characters stays under it even at 4 bytes each."""


def escape_data(value: str) -> str:
    """Escape the message part of a workflow command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value (``file=``, ``title=``) of a workflow command."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def error_commands(run: RunResult, limit: int = MAX_ERROR_COMMANDS) -> list[str]:
    """``::error file=...,line=...::msg`` for the most severe failing findings."""
    failing = run.failing_findings()
    shown = failing if len(failing) <= limit else failing[: limit - 1]
    lines = []
    for f in shown:
        props = [f"file={escape_property(clean(f.location.path, 1000))}"]
        if f.location.start_line:
            props.append(f"line={f.location.start_line}")
            if f.location.end_line and f.location.end_line > f.location.start_line:
                props.append(f"endLine={f.location.end_line}")
        title = clean(f"gate: [{f.severity.label}] {f.rule_id}", 200)
        props.append(f"title={escape_property(title)}")
        message = clean(f"{f.message or f.title or f.rule_id}", 1000)
        lines.append(f"::error {','.join(props)}::{escape_data(message)}")
    if len(shown) < len(failing):
        more = len(failing) - len(shown)
        lines.append(f"::error title=gate::{more} more failing findings: see the step summary "
                     "and the report files")
    return lines


def step_outputs(run: RunResult, report_paths: Iterable[tuple[str, Path]]) -> dict[str, str]:
    """``verdict``, the counts, and ``report-<format>`` for every report written."""
    active = run.active_findings()
    outputs = {
        "verdict": run.verdict,
        "findings": str(len(active)),
        "failing": str(len(run.failing)),
        "suppressed": str(len(run.findings) - len(active)),
        **{label: str(n) for label, n in run.counts().items()},
    }
    for fmt, path in report_paths:
        outputs[f"report-{clean(fmt, 40)}"] = str(path)
    return outputs


def _heredoc(name: str, value: str) -> str:
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in value:  # pragma: no cover - a uuid4 collision
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(path: str, outputs: Mapping[str, str]) -> str | None:
    """Append outputs to ``GITHUB_OUTPUT``; a warning line instead of an exception."""
    try:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write("".join(_heredoc(k, v) for k, v in outputs.items()))
    except OSError as exc:
        return f"gate: could not write step outputs to GITHUB_OUTPUT: {exc.strerror}"
    return None


def write_step_summary(path: str, run: RunResult, details_url: str | None) -> str | None:
    """Append the Markdown report to ``GITHUB_STEP_SUMMARY``; a warning line on failure."""
    text = render_markdown(run, max_chars=_SUMMARY_CHARS, details_url=details_url)
    try:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text.rstrip() + "\n")
    except OSError as exc:
        return f"gate: could not write the step summary to GITHUB_STEP_SUMMARY: {exc.strerror}"
    return None

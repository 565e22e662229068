"""The words publishers send: the marked comment body, the one-line status, clean messages.

Shared by GitHub and GitLab so a result reads the same on both. Everything
from the scanned repository is escaped by :mod:`gate.report.markdown`; what
is built here from our own data (sha, URL, counts) is validated instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gate.context import Context
from gate.report.escape import md_link
from gate.report.markdown import render_markdown
from gate.result import RunResult, Verdict

__all__ = ["MARKER", "clean", "comment_body", "redact", "status_description"]

MARKER = "<!-- gate:report -->"
"""Hidden first line of the one comment/note per PR/MR: how the next run finds it again."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_HEADLINE = {Verdict.PASS: "passed", Verdict.FAIL: "failed", Verdict.ERROR: "could not complete"}


def clean(value: object, limit: int = 300) -> str:
    """One line of plain text: control and bidi characters gone, whitespace folded, cut."""
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret value in ``text`` (defence in depth for messages we did not write)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def _footer(run: RunResult, context: Context) -> str:
    parts = [f"gate {clean(run.gate_version, 20)}" if run.gate_version else "gate"]
    if context.sha and _SHA.match(context.sha):
        parts.append(f"commit <code>{context.sha[:12]}</code>")
    if context.run_url:
        link = md_link("run, full report and artifacts", context.run_url)
        if link.startswith("["):
            parts.append(link)
    return f"<sub>{' · '.join(parts)}</sub>"


def comment_body(run: RunResult, context: Context, limit: int) -> str:
    """The marked Markdown report, at most ``limit`` characters, least severe findings cut first."""
    footer = _footer(run, context)
    overhead = len(MARKER) + len(footer) + 8
    markdown = render_markdown(run, max_chars=max(1000, limit - overhead),
                               details_url=context.run_url)
    body = f"{MARKER}\n{markdown.rstrip()}\n\n{footer}\n"
    return body if len(body) <= limit else body[: limit - 2] + "\n"


def status_description(run: RunResult, limit: int = 140) -> str:
    """``failed: 3 failing (1 critical, 2 high) of 12 findings``, within GitHub's 140 characters."""
    headline = _HEADLINE.get(run.verdict, clean(run.verdict, 20))
    active = len(run.active_findings())
    failing = run.failing_findings()
    if run.verdict == Verdict.ERROR:
        broken = [clean(c.name, 30) for c in run.checks if c.verdict == Verdict.ERROR]
        text = f"{headline}: {', '.join(broken) or 'no check ran'}"
        if failing:
            text += f"; {len(failing)} failing"
    elif failing:
        by_severity: dict[str, int] = {}
        for f in failing:
            by_severity[f.severity.label] = by_severity.get(f.severity.label, 0) + 1
        detail = ", ".join(f"{n} {label}" for label, n in by_severity.items())
        text = f"{headline}: {len(failing)} failing ({detail}) of {active} findings"
    else:
        text = f"{headline}: {active} findings, none failing"
    return clean(text, limit)

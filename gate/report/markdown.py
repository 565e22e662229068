"""The Markdown report: the summary a pull-request comment carries.

Everything that comes from the scanned repository goes through
:mod:`gate.report.escape`. The body can be capped at a size (GitHub rejects
comments over 65,536 characters): the least severe findings are cut first and
a pointer to the full report takes their place.
"""

from __future__ import annotations

from gate.findings import Finding
from gate.report.escape import md_code, md_link, md_text
from gate.report.interface import Reporter
from gate.result import CheckOutcome, RunResult, Verdict
from gate.serialize import not_scanned_count

__all__ = ["MarkdownReporter", "render_markdown"]

_ICON = {Verdict.PASS: "✅", Verdict.FAIL: "❌", Verdict.ERROR: "⚠️", Verdict.SKIPPED: "⚪"}
_HEADLINE = {
    Verdict.PASS: "passed",
    Verdict.FAIL: "failed",
    Verdict.ERROR: "could not complete",
    Verdict.SKIPPED: "skipped",
}
_MAX_ROWS = 200


def _location(f: Finding) -> str:
    line = f":{f.location.start_line}" if f.location.start_line else ""
    return md_code(f"{f.location.path}{line}")


def _finding_row(f: Finding) -> str:
    rule = md_link(md_text(f.rule_id, 80), f.help_url)
    what = md_text(f.message, 240)
    if f.fix:
        what += f" — fix: {md_text(f.fix, 120)}"
    if f.suppression is not None:
        what += f" _(suppressed: {md_text(f.suppression.kind, 20)})_"
    new = "" if f.new is None else (" 🆕" if f.new else "")
    return f"| {f.severity.label}{new} | {md_text(f.check, 30)} | {rule} | {_location(f)} | {what} |"


def _check_row(c: CheckOutcome, run: RunResult) -> str:
    mine = [f for f in run.findings if f.check == c.name]
    failing = sum(1 for i in run.failing if run.findings[i].check == c.name)
    suppressed = sum(1 for f in mine if f.suppressed)
    tool = md_text(f"{c.tool} {c.tool_version}".strip(), 60)
    return (f"| {md_text(c.name, 40)} | {_ICON.get(c.verdict, '')} {c.verdict} | "
            f"{len(mine) - suppressed} | {failing} | {suppressed} | ≥ {c.fail_on.label} | {tool} |")


def _findings_table(rows: list[str]) -> list[str]:
    return ["| Severity | Check | Rule | Location | Finding |", "|---|---|---|---|---|", *rows]


def _problems(run: RunResult) -> list[str]:
    lines: list[str] = []
    for c in run.checks:
        for err in c.errors:
            lines.append(f"- **{md_text(c.name, 40)}** could not complete: {md_text(err, 400)}")
        for warn in c.warnings:
            lines.append(f"- {md_text(c.name, 40)}: {md_text(warn, 300)}")
    for warn in run.warnings:
        lines.append(f"- {md_text(warn, 400)}")
    not_scanned = [*(("no check", n) for n in run.not_scanned),
                   *((c.name, n) for c in run.checks for n in c.not_scanned)]
    if not_scanned:
        lines.append("")
        lines.append(f"<details><summary>Not scanned ({len(not_scanned)})</summary>")
        lines.append("")
        for name, n in not_scanned[:_MAX_ROWS]:
            line = f":{n.line}" if n.line else ""
            lines.append(f"- {md_text(name, 30)}: {md_code(n.path + line)} — {md_text(n.reason)}")
        if len(not_scanned) > _MAX_ROWS:
            lines.append(f"- … and {len(not_scanned) - _MAX_ROWS} more (see the full report)")
        lines.append("")
        lines.append("</details>")
    return lines


def render_markdown(run: RunResult, *, max_chars: int | None = None,
                    details_url: str | None = None) -> str:
    """Render the report, cutting the least severe findings first to stay under ``max_chars``."""
    failing = [f for i, f in enumerate(run.findings) if i in run.failing]
    others = [f for i, f in enumerate(run.findings) if i not in run.failing]
    # Findings are kept most-severe-first; cutting from the end cuts the least severe.
    keep_failing, keep_others = min(len(failing), _MAX_ROWS), min(len(others), _MAX_ROWS)
    while True:
        body = _render(run, failing[:keep_failing], others[:keep_others],
                       len(failing) - keep_failing + len(others) - keep_others, details_url)
        if max_chars is None or len(body) <= max_chars:
            return body
        if keep_others > 0:
            keep_others = max(0, keep_others - max(1, keep_others // 4))
        elif keep_failing > 0:
            keep_failing = max(0, keep_failing - max(1, keep_failing // 4))
        else:
            return body[: max_chars - 80] + "\n\n… report truncated; see the full report.\n"


def _render(run: RunResult, failing: list[Finding], others: list[Finding], cut: int,
            details_url: str | None) -> str:
    icon, headline = _ICON.get(run.verdict, ""), _HEADLINE.get(run.verdict, run.verdict)
    active = run.active_findings()
    suppressed = len(run.findings) - len(active)
    lines = [f"## {icon} gate {headline}", ""]
    summary = (f"**{len(run.failing)} failing** · {len(active)} findings · "
               f"{suppressed} suppressed · {not_scanned_count(run)} not scanned · mode `{run.mode}`")
    lines += [summary, ""]
    lines += [md_text(r, 400) for r in run.reasons]
    if run.reasons:
        lines.append("")
    lines += ["| Check | Status | Findings | Failing | Suppressed | Fails on | Tool |",
              "|---|---|---|---|---|---|---|"]
    lines += [_check_row(c, run) for c in run.checks]
    lines.append("")
    if failing:
        lines += ["### Failing findings", ""]
        lines += _findings_table([_finding_row(f) for f in failing])
        lines.append("")
    if others:
        lines += [f"<details><summary>Other findings ({len(others)})</summary>", ""]
        lines += _findings_table([_finding_row(f) for f in others])
        lines += ["", "</details>", ""]
    if cut:
        pointer = md_link("the full report", details_url) if details_url else "the full report"
        lines += [f"_{cut} less severe findings are not shown here; see {pointer}._", ""]
    problems = _problems(run)
    if problems:
        lines += ["### Problems", "", *problems, ""]
    return "\n".join(lines)


class MarkdownReporter(Reporter):
    """The pull-request summary, also useful as a CI artifact."""

    name = "markdown"
    description = "summary for pull-request comments and step summaries"

    def render(self, run: RunResult) -> str:
        """The uncapped report (publishers call :func:`render_markdown` with a limit)."""
        return render_markdown(run)

"""The human-readable terminal report: a rich table on a terminal, plain lines when piped."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gate.findings import Finding
from gate.report.interface import Reporter
from gate.result import RunResult, Verdict
from gate.serialize import not_scanned_count

__all__ = ["TextReporter"]

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
_VERDICT_STYLE = {Verdict.PASS: "bold green", Verdict.FAIL: "bold red", Verdict.ERROR: "bold yellow"}


def _where(f: Finding) -> str:
    return f"{f.location.path}:{f.location.start_line}" if f.location.start_line else f.location.path


def _plain_line(text: str) -> str:
    """Strip control characters: a crafted path must not drive the user's terminal."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


class TextReporter(Reporter):
    """For people: what failed, where, and what to do, most severe first."""

    name = "text"
    description = "human-readable summary (rich table on a terminal)"

    def __init__(self, rich: bool = False, width: int = 120) -> None:
        self.rich = rich
        self.width = width

    def render(self, run: RunResult) -> str:
        """Plain text by default; a rich table when asked to (the CLI asks on a terminal)."""
        return self._render_rich(run) if self.rich else self._render_plain(run)

    def _render_plain(self, run: RunResult) -> str:
        out: list[str] = []
        for i, f in enumerate(run.findings):
            if f.suppressed:
                continue
            mark = "FAIL" if i in run.failing else "    "
            new = " [new]" if f.new else ""
            out.append(_plain_line(f"{mark} {f.severity.label:<8} {f.check:<12} {f.rule_id:<18} "
                                   f"{_where(f)}  {f.message}{new}"))
        suppressed = sum(1 for f in run.findings if f.suppressed)
        out.append("")
        for c in run.checks:
            line = (f"{c.name:<13} {c.verdict:<7} {c.tool} {c.tool_version} "
                    f"({c.duration:.1f}s, fails on >= {c.fail_on.label})")
            out.append(_plain_line(line))
            out += [_plain_line(f"  error: {e}") for e in c.errors]
            out += [_plain_line(f"  warning: {w}") for w in c.warnings]
            for n in c.not_scanned[:20]:
                out.append(_plain_line(f"  not scanned: {n.path}: {n.reason}"))
            if len(c.not_scanned) > 20:
                out.append(f"  not scanned: ... and {len(c.not_scanned) - 20} more")
        out += [_plain_line(f"not scanned by any check: {n.path}: {n.reason}")
                for n in run.not_scanned[:20]]
        out += [_plain_line(f"warning: {w}") for w in run.warnings]
        out.append("")
        out.append(f"gate: {run.verdict.upper()}: {len(run.failing)} failing, "
                   f"{len(run.active_findings())} findings, {suppressed} suppressed, "
                   f"{not_scanned_count(run)} not scanned ({run.duration:.1f}s)")
        out += [_plain_line(f"  {r}") for r in run.reasons]
        return "\n".join(out) + "\n"

    def _render_rich(self, run: RunResult) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=self.width, highlight=False)
        table = Table(title="Findings", show_lines=False, expand=False)
        for col in ("", "Severity", "Check", "Rule", "Location", "Message"):
            table.add_column(col, overflow="fold")
        shown = 0
        for i, f in enumerate(run.findings):
            if f.suppressed:
                continue
            shown += 1
            table.add_row(("✗" if i in run.failing else "") + (" new" if f.new else ""),
                          f"[{_STYLE[f.severity.label]}]"
                          f"{f.severity.label}[/]", f.check, escape(_plain_line(f.rule_id)),
                          escape(_plain_line(_where(f))), escape(_plain_line(f.message)))
        if shown:
            console.print(table)
        checks = Table(title="Checks")
        for col in ("Check", "Verdict", "Tool", "Time", "Fails on", "Notes"):
            checks.add_column(col, overflow="fold")
        for c in run.checks:
            notes = [*c.errors, *c.warnings]
            if c.not_scanned:
                notes.append(f"{len(c.not_scanned)} not scanned")
            checks.add_row(c.name, f"[{_VERDICT_STYLE.get(c.verdict, '')}]{c.verdict}[/]",
                           escape(f"{c.tool} {c.tool_version}"), f"{c.duration:.1f}s",
                           c.fail_on.label, escape(_plain_line("; ".join(notes))))
        console.print(checks)
        for w in run.warnings:
            console.print(f"[yellow]warning:[/] {escape(_plain_line(w))}")
        style = _VERDICT_STYLE.get(run.verdict, "bold")
        suppressed = sum(1 for f in run.findings if f.suppressed)
        console.print(f"[{style}]gate: {run.verdict.upper()}[/]: {len(run.failing)} failing, "
                      f"{len(run.active_findings())} findings, {suppressed} suppressed, "
                      f"{not_scanned_count(run)} not scanned ({run.duration:.1f}s)")
        for r in run.reasons:
            console.print(f"  {escape(_plain_line(r))}")
        return buffer.getvalue()

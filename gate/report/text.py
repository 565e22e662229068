"""The terminal report, laid out like ruff or pytest: the verdict first, then what to act on.

1. the verdict, its reasons, and one row per check;
2. failing findings, one by one, with a short excerpt, context, ``via`` and dataflow steps;
3. vulnerable pins, one line each: the single upgrade that fixes all their advisories;
4. everything else grouped by rule (``B101 assert_used x1,084 low test``);
5. suppressed and not-scanned counts, warnings.

``verbose`` lists every finding and every not-scanned file instead of counts.
Colour on a terminal or with ``FORCE_COLOR``, never with ``NO_COLOR``; everything from the
scanned repository is made printable and goes in as plain text, never markup.
"""

from __future__ import annotations

import io
import os
import shutil
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.text import Text

from gate.findings import Finding
from gate.report.interface import Reporter
from gate.report.source import SourceLines, secret_lines
from gate.report.summary import Split, rule_groups, split_run
from gate.report.text_blocks import (
    VERDICT_STYLE,
    clean,
    finding_block,
    finding_line,
    one_line,
    package_line,
    rule_row,
)
from gate.report.text_columns import Column, grid
from gate.result import CheckOutcome, RunResult

__all__ = ["TextReporter", "for_terminal", "forced_color"]

FAILING_SHOWN = 10
PACKAGES_SHOWN = 8
RULES_SHOWN = 12
NOT_SCANNED_SHOWN = 3
WARNINGS_SHOWN = 5


def _emit(console: Console, item: RenderableType | None = None) -> None:
    """Print one item; a :func:`one_line` text is cut at the width, never wrapped."""
    if item is None:
        console.print()
    elif isinstance(item, Text) and item.no_wrap:
        console.print(item, no_wrap=True, overflow="ellipsis", crop=True)
    else:
        console.print(item)


def _n(value: int) -> str:
    return f"{value:,}"


class TextReporter(Reporter):
    """For people: the verdict, what fails and how to fix it, then counts of the rest."""

    name = "text"
    description = "human-readable summary: verdict first, the rest grouped by rule"

    def __init__(self, rich: bool = False, width: int = 100, verbose: bool = False,
                 root: Path | None = None, color: bool | None = None) -> None:
        """``root``: the scanned checkout, for excerpts (none when rendering a saved report)."""
        self.rich = rich
        self.width = width
        self.verbose = verbose
        self.root = root
        self.source: SourceLines | None = None
        self.color = rich and not os.environ.get("NO_COLOR") if color is None else color

    def render(self, run: RunResult) -> str:
        """The whole report; plain text unless ``rich`` (and colour allowed)."""
        buffer = io.StringIO()
        console = self._console(buffer)
        split = split_run(run)
        if self.root is not None:
            self.source = SourceLines(self.root, secret_lines(run.findings))
        self._headline(console, run, split)
        self._checks(console, run)
        self._failing(console, run, split)
        self._packages(console, split)
        self._others(console, split)
        self._tail(console, run, split)
        return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())

    def headline(self, run: RunResult) -> str:
        """Only the verdict line and its reasons (``gate run --quiet``)."""
        buffer = io.StringIO()
        self._headline(self._console(buffer), run, split_run(run))
        return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())

    def _console(self, buffer: io.StringIO) -> Console:
        return Console(file=buffer, force_terminal=self.color, no_color=not self.color,
                       color_system="standard" if self.color else None, width=self.width,
                       highlight=False, emoji=False, markup=False)

    def _headline(self, console: Console, run: RunResult, split: Split) -> None:
        head = Text("gate: ")
        head.append(run.verdict.upper(), VERDICT_STYLE.get(run.verdict, "bold"))
        not_scanned = len(run.not_scanned) + sum(len(c.not_scanned) for c in run.checks)
        parts = [f"{_n(len(run.failing))} failing", f"{_n(len(run.active_findings()))} findings",
                 f"{_n(len(split.suppressed))} suppressed"]
        if not_scanned:
            parts.append(f"{_n(not_scanned)} not scanned")
        head.append(f"  {' · '.join(parts)} ({run.duration:.1f}s)")
        _emit(console, head)
        _emit(console, one_line(Text(f"  policy: {clean(run.policy_source or 'built-in default')}",
                                     "dim")))
        for reason in run.reasons:  # whole, wrapped under their indent
            _emit(console, Padding(Text(clean(reason, 2000)), (0, 0, 0, 2)))

    def _checks(self, console: Console, run: RunResult) -> None:
        if not run.checks:
            return
        header = [Text(h, "bold") for h in ("check", "status", "findings", "failing",
                                             "suppressed", "not scanned", "fails on", "tool")]
        rows = [header] + [self._check_row(c, run) for c in run.checks]
        columns = [Column(24, 24), Column(6, 7), Column(8, 12, right=True),
                   Column(7, 12, right=True), Column(10, 12, right=True),
                   Column(11, 12, right=True), Column(8, 8), Column(8, 40, shrink=2, drop=True)]
        _emit(console)
        for line in grid(rows, columns, self.width, indent=0):
            _emit(console, line)
        for c in run.checks:
            for err in c.errors:
                _emit(console, self._whole(f"{clean(c.name)}: error: ", clean(err, 2000),
                                           "yellow"))

    def _whole(self, head: str, body: str, style: str = "") -> RenderableType:
        """``head`` then ``body`` in full: wrapped under a hanging indent, never cut."""
        return Padding(Text(f"{head}{body}", style), (0, 0, 0, 2))

    def _check_row(self, c: CheckOutcome, run: RunResult) -> list[Text]:
        mine = [i for i, f in enumerate(run.findings) if f.check == c.name]
        suppressed = sum(1 for i in mine if run.findings[i].suppressed)
        failing = sum(1 for i in mine if i in run.failing)
        return [Text(clean(c.name)), Text(c.verdict, VERDICT_STYLE.get(c.verdict, "")),
                Text(_n(len(mine) - suppressed)), Text(_n(failing)), Text(_n(suppressed)),
                Text(_n(len(c.not_scanned))), Text(c.fail_on.label),
                Text(clean(f"{c.tool} {c.tool_version}".strip()))]

    def _failing(self, console: Console, run: RunResult, split: Split) -> None:
        if not split.failing:
            return
        _emit(console)
        if len(split.failing) > FAILING_SHOWN and not self.verbose:
            # More than a screenful: by rule, like the findings that do not fail.
            _emit(console, Text(f"Failing findings ({_n(len(split.failing))}), by rule",
                                "bold"))
            self._rule_table(console, split.failing, first_place=True)
            _emit(console, Text("  --verbose lists every failing finding", "dim"))
            return
        _emit(console, Text(f"Failing findings ({_n(len(split.failing))})", "bold"))
        for f in split.failing:
            excerpt = self.source.excerpt(f) if self.source else []
            for line in finding_block(f, excerpt, self.width):
                _emit(console, line)

    def _rule_table(self, console: Console, findings: tuple[Finding, ...] | list[Finding],
                    first_place: bool = False) -> None:
        groups = rule_groups(findings)
        rows = [rule_row(g, first_place) for g in groups[:RULES_SHOWN]]
        columns = [Column(28, 40, shrink=1), Column(10, 40, shrink=5, drop=True),
                   Column(9, 9, right=True), Column(8, 20, shrink=2), Column(8, 40, shrink=3)]
        if first_place:
            columns.append(Column(12, 60, shrink=4, drop=True))
        for line in grid(rows, columns, self.width):
            _emit(console, line)
        if len(groups) > RULES_SHOWN:
            rest = sum(g.count for g in groups[RULES_SHOWN:])
            _emit(console, Text(f"  … {_n(len(groups) - RULES_SHOWN)} more rules, {_n(rest)} "
                               "findings (--verbose lists every finding)", "dim"))

    def _packages(self, console: Console, split: Split) -> None:
        if not split.packages:
            return
        _emit(console)
        failing = sum(1 for p in split.packages if p.failing)
        _emit(console, Text(f"Vulnerable dependencies ({_n(len(split.packages))} pins"
                            f"{f', {_n(failing)} failing' if failing else ''})", "bold"))
        shown = split.packages if self.verbose else split.packages[:PACKAGES_SHOWN]
        for p in shown:
            _emit(console, package_line(p, self.verbose))
        if len(shown) < len(split.packages):
            _emit(console, Text(f"  … {_n(len(split.packages) - len(shown))} more pins "
                               "(--verbose lists them)", "dim"))

    def _others(self, console: Console, split: Split) -> None:
        if not split.others:
            return
        _emit(console)
        if self.verbose:
            _emit(console, Text(f"Not failing ({_n(len(split.others))})", "bold"))
            for f in split.others:
                _emit(console, finding_line(f))
            return
        _emit(console, Text(f"Not failing ({_n(len(split.others))}), by rule", "bold"))
        self._rule_table(console, split.others)

    def _tail(self, console: Console, run: RunResult, split: Split) -> None:
        lines: list[RenderableType] = []
        if split.suppressed:
            kinds = Counter(f.suppression.kind for f in split.suppressed if f.suppression)
            detail = ", ".join(f"{k} {_n(n)}" for k, n in sorted(kinds.items()))
            lines.append(Text(f"Suppressed: {_n(len(split.suppressed))} ({detail})"))
            if self.verbose:
                lines += [finding_line(f) for f in split.suppressed]
        entries = [("", n) for n in run.not_scanned]
        entries += [(c.name, n) for c in run.checks for n in c.not_scanned]
        if entries:
            lines.append(Text(f"Not scanned: {_n(len(entries))}"))
            shown = entries if self.verbose else entries[:NOT_SCANNED_SHOWN]
            for name, n in shown:
                # The place may be cut; the reason is shown whole, on its own line.
                where = f"{n.path}:{n.line}" if n.line else n.path
                lines.append(one_line(Text(clean(f"  {name + ': ' if name else ''}{where}"))))
                lines.append(Padding(Text(clean(n.reason, 2000), "dim"), (0, 0, 0, 4)))
            if len(shown) < len(entries):
                lines.append(Text(f"  … {_n(len(entries) - len(shown))} more (--verbose)",
                                  "dim"))
        warnings = [*(f"{c.name}: {w}" for c in run.checks for w in c.warnings), *run.warnings]
        shown_warnings = warnings if self.verbose else warnings[:WARNINGS_SHOWN]
        lines += [Padding(Text(f"warning: {clean(w, 2000)}", "yellow"), (0, 0, 0, 2))
                  for w in shown_warnings]
        if len(shown_warnings) < len(warnings):
            lines.append(Text(f"  … {_n(len(warnings) - len(shown_warnings))} more warnings "
                              "(--verbose)", "dim"))
        if lines:
            _emit(console)
            for line in lines:
                _emit(console, line)
        if self.verbose:
            _emit(console)
            _emit(console, Text(f"gate: {run.verdict.upper()} ({_n(len(run.failing))} failing)",
                               VERDICT_STYLE.get(run.verdict, "bold")))


def forced_color(env: Mapping[str, str]) -> bool:
    """``FORCE_COLOR`` set to anything but empty, ``0`` or ``false`` (CI logs render colour)."""
    return env.get("FORCE_COLOR", "").strip().lower() not in ("", "0", "false")


def for_terminal(stream: TextIO, verbose: bool = False, root: Path | None = None
                 ) -> TextReporter:
    """The reporter for ``stream``: colour on a terminal or with ``FORCE_COLOR`` (never with
    ``NO_COLOR``), the terminal's width (``COLUMNS`` honoured)."""
    width = shutil.get_terminal_size((100, 24)).columns
    rich = stream.isatty() or forced_color(os.environ)
    return TextReporter(rich=rich, width=max(40, width), verbose=verbose, root=root)

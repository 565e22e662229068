"""The Markdown report: the summary a pull/merge-request comment carries.

Verdict and per-check table first; failing findings one row each, linked to
the line at the scanned commit; vulnerable dependencies one line per pin
("upgrade urllib3 to 1.26.18: fixes 6 advisories"); everything that does not
fail folded into a collapsed ``<details>``, grouped by rule with its contexts
(test, docs, ...). Everything from the scanned repository goes through
:mod:`gate.report.escape`.

The body can be capped (GitHub rejects comments over 65,536 characters; a
GitLab note takes about 1,000,000, but nobody reads that, so
:data:`SANE_LIMIT` applies too): suppressed rows go first, then the least
severe rule groups, then pins, then failing rows, and a pointer to the full
report takes their place.
"""

from __future__ import annotations

from dataclasses import dataclass

from gate.report.escape import md_link, md_text
from gate.report.interface import Reporter
from gate.report.markdown_blocks import (
    ICON,
    check_row,
    failing_row,
    group_row,
    package_item,
    suppressed_row,
)
from gate.report.summary import RuleGroup, Split, context_counts, rule_groups, split_run
from gate.result import RunResult, Verdict

__all__ = ["SANE_LIMIT", "MarkdownReporter", "render_markdown"]

SANE_LIMIT = 200_000
"""Characters at most when a limit is asked for, whatever the platform allows."""
_MAX_ROWS = 200
_HEADLINE = {Verdict.PASS: "passed", Verdict.FAIL: "failed", Verdict.ERROR: "could not complete",
             Verdict.SKIPPED: "skipped"}


@dataclass
class _Keep:
    """How many of each list the body shows."""

    failing: int
    packages: int
    groups: int
    suppressed: int

    def shrink(self) -> bool:
        """Cut a quarter of the first list that still has rows; False when all are empty."""
        for name in ("suppressed", "groups", "packages", "failing"):
            value = getattr(self, name)
            if value > 0:
                setattr(self, name, max(0, value - max(1, value // 4)))
                return True
        return False


def render_markdown(run: RunResult, *, max_chars: int | None = None,
                    details_url: str | None = None) -> str:
    """Render the report, cutting the least important rows first to stay under ``max_chars``."""
    split = split_run(run)
    groups = rule_groups(split.others)
    keep = _Keep(min(len(split.failing), _MAX_ROWS), min(len(split.packages), _MAX_ROWS),
                 min(len(groups), _MAX_ROWS), min(len(split.suppressed), _MAX_ROWS))
    limit = None if max_chars is None else min(max_chars, SANE_LIMIT)
    while True:
        body = _render(run, split, groups, keep, details_url)
        if limit is None or len(body) <= limit or not keep.shrink():
            break
    if limit is not None and len(body) > limit:
        body = body[: limit - 80] + "\n\n… report truncated; see the full report.\n"
    return body


def _cut(split: Split, groups: list[RuleGroup], keep: _Keep) -> int:
    """Findings the body does not show one way or another."""
    return (len(split.failing) - keep.failing + len(split.suppressed) - keep.suppressed
            + sum(len(p.findings) for p in split.packages[keep.packages:])
            + sum(g.count for g in groups[keep.groups:]))


def _header(run: RunResult, split: Split) -> list[str]:
    icon, headline = ICON.get(run.verdict, ""), _HEADLINE.get(run.verdict, run.verdict)
    not_scanned = len(run.not_scanned) + sum(len(c.not_scanned) for c in run.checks)
    summary = (f"**{len(run.failing):,} failing** · {len(run.active_findings()):,} findings · "
               f"{len(split.suppressed):,} suppressed · {not_scanned:,} not scanned · "
               f"mode `{md_text(run.mode, 10)}`")
    summary += f" · policy: {md_text(run.policy_source or 'built-in default', 200)}"
    lines = [f"## {icon} gate {headline}", "", summary, ""]
    if run.reasons:
        lines += [" · ".join(md_text(r, 400) for r in run.reasons), ""]
    if run.checks:
        lines += ["| Check | Status | Findings | Failing | Suppressed | Not scanned | Fails on "
                  "| Tool |", "|---|---|--:|--:|--:|--:|---|---|"]
        lines += [check_row(c, run) for c in run.checks]
        lines.append("")
    return lines


def _render(run: RunResult, split: Split, groups: list[RuleGroup], keep: _Keep,
            details_url: str | None) -> str:
    ctx = run.context
    lines = _header(run, split)
    if split.failing:
        lines += [f"### Failing findings ({len(split.failing):,})", "",
                  "| Severity | Check | Rule | Location | Context | Finding |",
                  "|---|---|---|---|---|---|"]
        lines += [failing_row(f, ctx) for f in split.failing[: keep.failing]]
        lines.append("")
    if split.packages:
        failing = sum(1 for p in split.packages if p.failing)
        lines += [f"### Vulnerable dependencies ({len(split.packages):,} pins"
                  f"{f', {failing:,} failing' if failing else ''})", ""]
        lines += [package_item(p, ctx) for p in split.packages[: keep.packages]]
        lines.append("")
    if split.others:
        contexts = " · ".join(f"{md_text(c, 20)} {n:,}" for c, n in context_counts(split.others))
        lines += [f"<details><summary>Not failing: {len(split.others):,} findings ({contexts})"
                  "</summary>", "", "| Check | Rule | Count | Severity | Contexts | Examples |",
                  "|---|---|--:|---|---|---|"]
        lines += [group_row(g, ctx) for g in groups[: keep.groups]]
        lines += ["", "</details>", ""]
    if split.suppressed:
        lines += [f"<details><summary>Suppressed ({len(split.suppressed):,})</summary>", "",
                  "| Severity | Check | Rule | Location | Why |", "|---|---|---|---|---|"]
        lines += [suppressed_row(f, ctx) for f in split.suppressed[: keep.suppressed]]
        lines += ["", "</details>", ""]
    cut = _cut(split, groups, keep)
    if cut:
        pointer = md_link("the full report", details_url) if details_url else "the full report"
        lines += [f"_{cut:,} less severe findings are not shown here; see {pointer} "
                  "(the run's JSON report artifact has every finding)._", ""]
    lines += _problems(run)
    return "\n".join(lines)


def _problems(run: RunResult) -> list[str]:
    lines: list[str] = []
    for c in run.checks:
        lines += [f"- **{md_text(c.name, 40)}** could not complete: {md_text(e, 400)}"
                  for e in c.errors]
        lines += [f"- {md_text(c.name, 40)}: {md_text(w, 300)}" for w in c.warnings]
    lines += [f"- {md_text(w, 400)}" for w in run.warnings]
    not_scanned = [("", n) for n in run.not_scanned]
    not_scanned += [(c.name, n) for c in run.checks for n in c.not_scanned]
    if not_scanned:
        lines += [*([""] if lines else []),
                  f"<details><summary>Not scanned ({len(not_scanned):,})</summary>", ""]
        for name, n in not_scanned[:_MAX_ROWS]:
            where = f"{n.path}:{n.line}" if n.line else n.path
            prefix = f"{md_text(name, 30)}: " if name else ""
            lines.append(f"- {prefix}<code>{md_text(where, 200)}</code> — {md_text(n.reason)}")
        if len(not_scanned) > _MAX_ROWS:
            lines.append(f"- … and {len(not_scanned) - _MAX_ROWS:,} more (see the full report)")
        lines += ["", "</details>"]
    return ["### Problems", "", *lines, ""] if lines else []


class MarkdownReporter(Reporter):
    """The pull-request summary, also useful as a CI artifact."""

    name = "markdown"
    description = "summary for pull-request comments and step summaries"

    def render(self, run: RunResult) -> str:
        """The uncapped report (publishers call :func:`render_markdown` with a limit)."""
        return render_markdown(run)

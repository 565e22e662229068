"""Rows and lines of the Markdown report; every untrusted string goes through ``escape``.

Locations link to the file line at the scanned commit when the run's context
allows (:mod:`gate.report.links`); related places read "via ...", dataflow
"from X (line a) to Y (line b)".
"""

from __future__ import annotations

from collections.abc import Mapping

from gate.findings import Finding, Location
from gate.report.escape import md_code, md_link, md_text
from gate.report.grouping import PackageFix
from gate.report.links import blob_url
from gate.report.summary import RuleGroup, location_text
from gate.result import CheckOutcome, RunResult, Verdict

__all__ = ["ICON", "check_row", "failing_row", "group_row", "location", "package_item",
           "suppressed_row"]

ICON = {Verdict.PASS: "✅", Verdict.FAIL: "❌", Verdict.ERROR: "⚠️", Verdict.SKIPPED: "⚪"}
Context = Mapping[str, str]


def location(loc: Location, context: Context) -> str:
    """``path:line`` as inline code, linked to the line at the scanned commit when possible."""
    return md_link(md_code(location_text(loc)), blob_url(context, loc))


def _flow(f: Finding, context: Context) -> str:
    first, last = f.flow[0].location, f.flow[-1].location
    def part(loc: Location) -> str:
        line = f" (line {loc.start_line})" if loc.start_line else ""
        return md_link(md_code(loc.path), blob_url(context, loc)) + line
    steps = f" in {len(f.flow)} steps" if len(f.flow) > 2 else ""
    return f"from {part(first)} to {part(last)}{steps}"


def failing_row(f: Finding, context: Context) -> str:
    """One failing finding: severity, check, rule, linked location, context, what and how to fix."""
    rule = md_link(md_text(f.rule_id, 80), f.help_url)
    what = md_text(f.message, 240)
    if f.fix:
        what += f" — fix: {md_text(f.fix, 160)}"
    for r in f.related[:3]:
        what += f"<br>via {location(r.location, context)}"
        if r.message:
            what += f" {md_text(r.message, 80)}"
    if f.flow:
        what += f"<br>{_flow(f, context)}"
    new = " 🆕" if f.new else ""
    return (f"| {f.severity.label}{new} | {md_text(f.check, 30)} | {rule} | "
            f"{location(f.location, context)} | {md_text(f.context, 20)} | {what} |")


def _advisories(n: int) -> str:
    return f"{n} advisor{'y' if n == 1 else 'ies'}"


def package_item(p: PackageFix, context: Context) -> str:
    """``- ❌ **upgrade urllib3 to 1.26.18**: fixes 6 advisories (high) — ...``."""
    mark = "❌" if p.failing else "⚪"
    name, version = md_text(p.package, 80), md_text(p.version, 40)
    where = location(Location(p.path, p.line, p.line), context)
    ids = ", ".join(md_text(a, 40) for a in p.advisories[:12])
    if len(p.advisories) > 12:
        ids += f", … {len(p.advisories) - 12} more"
    if p.fix_version is not None:
        head = (f"**upgrade {name} to {md_text(p.fix_version, 40)}**: fixes "
                f"{_advisories(len(p.advisories))} ({p.severity.label})")
    else:
        head = (f"**{name} {version}: no fix released** for "
                f"{', '.join(md_text(a, 40) for a in p.unfixed[:5])} "
                f"({_advisories(len(p.advisories))}, {p.severity.label}): replace it or waive")
    return f"- {mark} {head} — {name} {version} in {where}<br><sub>{ids}</sub>"


def group_row(g: RuleGroup, context: Context) -> str:
    """One rule's non-failing findings: rule, count, severity, contexts, example locations."""
    rule = md_link(md_text(g.rule_id, 60), g.help_url)
    title = f" {md_text(g.title, 60)}" if g.title and g.title != g.rule_id else ""
    contexts = ", ".join(f"{md_text(c, 20)} {n:,}" for c, n in g.contexts[:4])
    examples = ", ".join(location(loc, context) for loc in g.examples)
    severity = "/".join(s.label for s in g.severities)
    return (f"| {md_text(g.check, 30)} | {rule}{title} | {g.count:,} | {severity} | "
            f"{contexts} | {examples} |")


def suppressed_row(f: Finding, context: Context) -> str:
    """A suppressed finding and why."""
    s = f.suppression
    why = md_text(s.kind, 20) if s else ""
    if s and s.reason:
        why += f": {md_text(s.reason, 160)}"
    return (f"| {f.severity.label} | {md_text(f.check, 30)} | {md_text(f.rule_id, 80)} | "
            f"{location(f.location, context)} | {why} |")


def check_row(c: CheckOutcome, run: RunResult) -> str:
    """One check's status and counts."""
    mine = [i for i, f in enumerate(run.findings) if f.check == c.name]
    failing = sum(1 for i in mine if i in run.failing)
    suppressed = sum(1 for i in mine if run.findings[i].suppressed)
    tool = md_text(f"{c.tool} {c.tool_version}".strip(), 60)
    return (f"| {md_text(c.name, 40)} | {ICON.get(c.verdict, '')} {c.verdict} | "
            f"{len(mine) - suppressed:,} | {failing:,} | {suppressed:,} | "
            f"{len(c.not_scanned):,} | ≥ {c.fail_on.label} | {tool} |")

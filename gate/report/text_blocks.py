"""The pieces of the terminal report: one finding, one vulnerable pin, one rule group.

Every string from the scanned repository passes :func:`clean` and is added
to a :class:`rich.text.Text` as plain text (markup is never parsed), so a
crafted path or message cannot drive the terminal or fake the layout.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.padding import Padding
from rich.text import Text

from gate.findings import Finding
from gate.report.grouping import PackageFix
from gate.report.summary import RuleGroup, location_text
from gate.result import Verdict

__all__ = ["SEVERITY_STYLE", "VERDICT_STYLE", "clean", "finding_block", "finding_line",
           "one_line", "package_line", "rule_row", "wrapped"]

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
                  "info": "dim"}
VERDICT_STYLE = {Verdict.PASS: "bold green", Verdict.FAIL: "bold red",
                 Verdict.ERROR: "bold yellow", Verdict.SKIPPED: "dim"}
_INDENT = "    "
TIMES = "\u00d7"
"""The multiplication sign of ``B101 assert_used \u00d71,084``."""


def clean(value: object, limit: int = 300) -> str:
    """One printable line: control characters (escape sequences, newlines) become ``?``."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: Text) -> Text:
    """Never wrapped: cut with an ellipsis at the terminal's width."""
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def wrapped(text: str, style: str = "") -> Padding:
    """Indented text that wraps under its own indent."""
    return Padding(Text(text, style), (0, 0, 0, len(_INDENT)))


def _severity(label: str, width: int = 8) -> Text:
    return Text(label.ljust(width), SEVERITY_STYLE.get(label, ""))


def finding_line(f: Finding) -> Text:
    """One line: severity, check, rule, location, context, message."""
    line = Text("  ")
    line.append_text(_severity(f.severity.label))
    line.append(f" {clean(f.check)} {clean(f.rule_id, 80)}  ")
    line.append(clean(location_text(f.location), 200), "bold")
    line.append(f"  ({clean(f.context, 20)})", "dim")
    if f.new:
        line.append(" new", "magenta")
    if f.suppression is not None:
        line.append(f" suppressed: {clean(f.suppression.kind, 20)}", "dim")
    line.append(f"  {clean(f.message, 200)}")
    return one_line(line)


def finding_block(f: Finding, excerpt: list[tuple[int, str]], width: int | None = None
                  ) -> list[RenderableType]:
    """A failing finding: header, message, excerpt, fix, related places and dataflow steps.

    The title ends the header line: cut at its end when the line is too long, and left
    out (it is in the message's rule) when not even a few characters of it would fit.
    """
    head = Text("  ")
    head.append_text(_severity(f.severity.label.upper()))
    head.append(f" {clean(f.check)} {clean(f.rule_id, 80)}  ")
    head.append(clean(location_text(f.location), 200), "bold")
    head.append(f"  ({clean(f.context, 20)})", "dim")
    if f.new:
        head.append(" new", "magenta")
    if f.title and f.title != f.rule_id:
        title = clean(f.title, 80)
        room = (width - head.cell_len - 2) if width is not None else len(title)
        if room >= min(len(title), 12):
            head.append(f"  {title}", "dim")
    out: list[RenderableType] = [one_line(head), wrapped(clean(f.message))]
    width = max((len(str(n)) for n, _ in excerpt), default=0)
    out += [one_line(Text(f"{_INDENT}{str(n).rjust(width)} \u2502 {text}", "dim"))
            for n, text in excerpt]
    if f.fix:
        out.append(wrapped(f"fix: {clean(f.fix)}", "green"))
    for r in f.related:
        out.append(one_line(Text(f"{_INDENT}via {clean(location_text(r.location), 200)}"
                                 f"{': ' + clean(r.message, 120) if r.message else ''}", "dim")))
    for i, step in enumerate(f.flow, 1):
        out.append(one_line(Text(f"{_INDENT}{i}. {clean(location_text(step.location), 200)}"
                                 f"{': ' + clean(step.message, 120) if step.message else ''}",
                                 "dim")))
    return out


def _advisories(n: int) -> str:
    return f"{n} advisor{'y' if n == 1 else 'ies'}"


def package_line(p: PackageFix, verbose: bool = False) -> Text:
    """``FAIL high urllib3 1.24.1 requirements.txt:3  upgrade to 1.26.18: fixes 7 advisories``."""
    line = Text("  ")
    line.append("FAIL " if p.failing else "     ", "bold red" if p.failing else "")
    line.append_text(_severity(p.severity.label))
    line.append(f" {clean(p.package, 80)} {clean(p.version, 40)}  ")
    where = f"{p.path}:{p.line}" if p.line else p.path
    line.append(clean(where, 200), "bold")
    if p.fix_version is not None:
        line.append(f"  upgrade to {clean(p.fix_version, 40)}: fixes "
                    f"{_advisories(len(p.advisories))}", "green")
    else:
        others = len(p.advisories) - len(p.unfixed)
        line.append(f"  no fix released for {clean(', '.join(p.unfixed), 120)}"
                    + (f" (+{others} fixable)" if others else ""), "yellow")
    if verbose:
        line.append(f"\n{_INDENT}{clean(', '.join(p.advisories), 2000)}", "dim")
        return line
    return one_line(line)


def rule_row(g: RuleGroup, first_place: bool = False) -> list[Text]:
    """``sast B101  assert_used  x1,084  low  test``: one rule's findings, as cells.

    ``first_place``: a last cell with the first finding's place (for failing findings).
    """
    severities = "/".join(s.label for s in g.severities)
    contexts = ", ".join(f"{clean(c, 20)}" if len(g.contexts) == 1 else f"{clean(c, 20)} {n:,}"
                         for c, n in g.contexts[:4])
    title = g.title if g.title and g.title != g.rule_id else ""
    cells = [Text(f"{clean(g.check)} {clean(g.rule_id, 80)}"), Text(clean(title, 80), "dim"),
             Text(f"{TIMES}{g.count:,}"),
             Text(severities, SEVERITY_STYLE.get(g.severity.label, "")), Text(contexts)]
    if first_place:
        first = location_text(g.examples[0]) if g.examples else ""
        more = "" if g.count == 1 else " …"
        cells.append(Text(clean(first, 200) + more, "bold"))
    return cells

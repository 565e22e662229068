"""Where the dataflow proves bandit's worry unfounded, keep the bandit finding but downgrade it.

A bandit finding about a call (``B608`` SQL built from strings, ``B602``
``shell=True``, ``B307`` ``eval``...) is downgraded to ``info`` when every
sink of its family in the same function was proven free of user input; an
import warning (``B404`` ``import subprocess``) when every such sink in the
file was. Nothing is dropped: the finding keeps its fingerprint, its message
says why, and ``extra`` holds ``bandit_severity`` and ``downgraded_by``, so
agreement with bandit stays measurable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from gate.checks.sast.taint.interface import SAFE
from gate.checks.sast.taint_scan import INTERNAL_RULES, MARK_RULE
from gate.findings import Finding, Severity

__all__ = ["CALL_RULES", "IMPORT_RULES", "apply_dataflow"]

CALL_RULES = {
    "B608": "sql", "B610": "sql", "B611": "sql",
    "B602": "shell", "B603": "shell", "B604": "shell", "B605": "shell", "B606": "shell",
    "B609": "shell", "B102": "code", "B307": "code",
    "B301": "deserial", "B302": "deserial", "B506": "deserial",
    "B310": "ssrf", "B703": "xss", "B704": "xss",
    "B313": "xxe", "B314": "xxe", "B315": "xxe", "B316": "xxe", "B317": "xxe", "B318": "xxe",
    "B319": "xxe", "B320": "xxe",
}
"""bandit rules about a call, and the sink family that call belongs to."""
IMPORT_RULES = {"B403": "deserial", "B404": "shell", "B405": "xxe", "B406": "xxe",
                "B407": "xxe", "B408": "xxe", "B409": "xxe", "B410": "xxe", "B411": "xxe"}
"""bandit's import warnings, and the sink family whose calls they warn about."""


@dataclass(frozen=True)
class _Mark:
    kind: str
    line: int
    status: str
    start: int
    end: int


def _marks(findings: Sequence[Finding]) -> dict[str, list[_Mark]]:
    out: dict[str, list[_Mark]] = defaultdict(list)
    for f in findings:
        if f.rule_id == MARK_RULE:
            extra = dict(f.extra)
            out[f.path].append(_Mark(extra["kind"], int(extra["line"]), extra["status"],
                                     f.start_line or 0, f.end_line or 0))
    return out


def _call_verdict(marks: list[_Mark], kind: str, line: int) -> str | None:
    around = [m for m in marks if m.kind == kind and m.start <= line <= m.end]
    if not around:
        return None
    width = min(m.end - m.start for m in around)
    inner = [m for m in around if m.end - m.start == width]
    if all(m.status == SAFE for m in inner):
        lines = ", ".join(str(n) for n in sorted({m.line for m in inner}))
        return f"dataflow: no user input reaches the {kind} sink(s) in scope (line {lines})"
    return None


def _import_verdict(marks: list[_Mark], kind: str) -> str | None:
    mine = [m for m in marks if m.kind == kind]
    if mine and all(m.status == SAFE for m in mine):
        return f"dataflow: every {kind} call in the file ({len(mine)}) is free of user input"
    return None


def apply_dataflow(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Downgrade what the marks disprove, then drop the marks (and every internal finding)."""
    marks = _marks(findings)
    out: list[Finding] = []
    for f in findings:
        if f.rule_id in INTERNAL_RULES:
            continue
        reason = None
        if f.rule_id in CALL_RULES and f.start_line is not None:
            reason = _call_verdict(marks.get(f.path, []), CALL_RULES[f.rule_id], f.start_line)
        elif f.rule_id in IMPORT_RULES:
            reason = _import_verdict(marks.get(f.path, []), IMPORT_RULES[f.rule_id])
        if reason and f.severity > Severity.INFO:
            f = replace(f, severity=Severity.INFO, message=f"{f.message} [downgraded: {reason}]",
                        extra=(*f.extra, ("bandit_severity", f.severity.label),
                               ("downgraded_by", reason)))
        out.append(f)
    return tuple(out)

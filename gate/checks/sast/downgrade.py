"""Where the dataflow proves bandit's worry unfounded, keep the bandit finding but downgrade it.

A bandit finding is lowered only on proof: the dataflow judged the very call
(or, for ``B608``, the very string) bandit flagged, and proved every value
reaching it is a literal, a constant, a value of a safe type (``int()``,
``uuid.UUID()``) or passed a sanitiser of that sink's family. A sink the
analysis did not judge, or judged ``unproven`` (a parameter of a function it
did not see called, an unknown call, an attribute of an unknown object, a
name from a module it did not load), keeps bandit's severity. The downgraded
finding becomes ``info``; its message says why and ``extra`` holds
``bandit_severity``, ``downgraded_by`` and ``proof``.

bandit's import blacklists (``B4xx``) warn about a module, not a use: they
take the documented severity :data:`IMPORT_SEVERITY` when the file has no
sink use of that family the dataflow could not prove safe
(``docs/checks/sast.md``, "Import warnings").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from gate.checks.sast.taint.expressions import TEXT_KIND
from gate.checks.sast.taint.interface import LOCAL, SAFE
from gate.checks.sast.taint_scan import INTERNAL_RULES, MARK_RULE
from gate.findings import Finding, Severity

__all__ = ["CALL_RULES", "IMPORT_RULES", "IMPORT_SEVERITY", "TEXT_RULES", "apply_dataflow"]

CALL_RULES = {
    "B610": "sql", "B611": "sql",
    "B602": "shell", "B603": "shell", "B604": "shell", "B605": "shell", "B606": "shell",
    "B609": "shell", "B102": "code", "B307": "code",
    "B301": "deserial", "B302": "deserial", "B506": "deserial",
    "B202": "tar", "B701": "template", "B310": "ssrf", "B308": "xss", "B703": "xss", "B704": "xss",
    "B313": "xxe", "B314": "xxe", "B315": "xxe", "B316": "xxe", "B317": "xxe", "B318": "xxe",
    "B319": "xxe", "B320": "xxe",
}
"""bandit rules about a call, and the sink family that call belongs to."""
TEXT_RULES = {"B608": TEXT_KIND}
"""bandit rules about a string built around SQL: judged on the string itself."""
IMPORT_RULES = {
    "B401": "", "B402": "", "B403": "deserial", "B404": "shell", "B405": "xxe", "B406": "xxe",
    "B407": "xxe", "B408": "xxe", "B409": "xxe", "B410": "xxe", "B411": "xxe", "B412": "",
    "B413": "", "B415": "",
}
"""bandit's import warnings, and the sink family whose calls they warn about (``""``: none the
dataflow judges)."""
IMPORT_CALLS = {
    "B401": ("B312",), "B402": ("B321",), "B403": ("B301",),
    "B404": ("B602", "B603", "B604", "B605", "B606", "B607"),
    "B405": ("B313", "B314"), "B406": ("B317",), "B407": ("B318",), "B408": ("B319",),
    "B409": ("B316",), "B410": ("B320",), "B411": (), "B412": (), "B413": ("B304", "B305"),
    "B415": (),
}
"""bandit's call rules for the same modules: a use bandit still reports keeps the import's."""
IMPORT_SEVERITY = Severity.INFO
"""An import with no use the analysis could not clear: a note, not a flaw (an import is not a
sink; its uses are judged by the call rules)."""


@dataclass(frozen=True)
class _Mark:
    kind: str
    line: int
    status: str
    start: int
    end: int
    proof: str


def _marks(findings: Sequence[Finding]) -> dict[str, list[_Mark]]:
    out: dict[str, list[_Mark]] = defaultdict(list)
    for f in findings:
        if f.rule_id == MARK_RULE:
            extra = dict(f.extra)
            out[f.path].append(_Mark(extra["kind"], int(extra["line"]), extra["status"],
                                     f.start_line or 0, f.end_line or 0, extra.get("proof", "")))
    return out


def _proven(marks: list[_Mark], what: str) -> tuple[Severity, str, str] | None:
    """The severity a proof allows (``info``; ``low`` when the invoking user's own environment
    or arguments reach the sink), the reason and the proofs; ``None`` without a proof."""
    if marks and all(m.status in (SAFE, LOCAL) for m in marks):
        lines = ", ".join(str(n) for n in sorted({m.line for m in marks}))
        proofs = ", ".join(sorted({p.strip() for m in marks for p in m.proof.split(",")
                                   if p.strip()}))
        if any(m.status == LOCAL for m in marks):
            return (Severity.LOW, f"dataflow: only the invoking user's own environment or "
                                  f"arguments reach {what} (line {lines}); every other value is "
                                  f"proven safe", proofs)
        return Severity.INFO, f"dataflow: every value reaching {what} (line {lines}) is proven safe", \
            proofs
    return None


def _call_verdict(marks: list[_Mark], kind: str, line: int) -> tuple[Severity, str, str] | None:
    """The proof for the sink call of ``kind`` bandit flagged at ``line`` (None: no proof)."""
    return _proven([m for m in marks if m.kind == kind and m.line == line],
                   f"the {kind} sink")


def _text_verdict(marks: list[_Mark], line: int) -> tuple[Severity, str, str] | None:
    """The proof for every SQL string built across ``line`` (None: no proof)."""
    return _proven([m for m in marks if m.kind == TEXT_KIND and m.start <= line <= m.end],
                   "the SQL string")


def _import_verdict(marks: list[_Mark], kind: str, calls: tuple[str, ...],
                    uses: set[str]) -> str | None:
    """Why an import warning takes :data:`IMPORT_SEVERITY` (None: a use keeps bandit's)."""
    if uses.intersection(calls):
        return None
    if kind and any(m.kind == kind and m.status != SAFE for m in marks):
        return None
    return "import only: no use of the module in this file that the dataflow could not prove safe"


def _lowered(f: Finding, severity: Severity, reason: str, proof: str) -> Finding:
    extra = [*f.extra, ("bandit_severity", f.severity.label), ("downgraded_by", reason)]
    if proof:
        extra.append(("proof", proof))
    return replace(f, severity=severity, message=f"{f.message} [downgraded: {reason}]",
                   extra=tuple(extra))


_CALLED = frozenset(rule for calls in IMPORT_CALLS.values() for rule in calls)
"""The call rules an import verdict looks at (:func:`_import_verdict`'s ``uses``)."""


def apply_dataflow(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Downgrade what the marks prove safe, then drop the marks (and every internal finding).

    Each pass looks only at the rules it can act on (a tree's tens of thousands of
    ``assert`` findings are passed over by rule id)."""
    marks = _marks(findings)
    lowered: dict[int, Finding] = {}
    for index, f in enumerate(findings):
        if f.rule_id not in CALL_RULES and f.rule_id not in TEXT_RULES:
            continue
        if f.start_line is None or f.severity <= Severity.INFO:
            continue
        mine = marks.get(f.path, [])
        verdict = None
        if f.rule_id in CALL_RULES:
            verdict = _call_verdict(mine, CALL_RULES[f.rule_id], f.start_line)
        else:
            verdict = _text_verdict(mine, f.start_line)
        if verdict is not None and verdict[0] < f.severity:
            lowered[index] = _lowered(f, *verdict)
    uses: dict[str, set[str]] = defaultdict(set)
    for index, f in enumerate(findings):
        if f.rule_id in _CALLED and lowered.get(index, f).severity > Severity.INFO:
            uses[f.path].add(f.rule_id)
    out: list[Finding] = []
    for index, f in enumerate(findings):
        if f.rule_id in INTERNAL_RULES:
            continue
        if index in lowered:
            f = lowered[index]
        if f.rule_id in IMPORT_RULES and f.severity > IMPORT_SEVERITY:
            reason = _import_verdict(marks.get(f.path, []), IMPORT_RULES[f.rule_id],
                                     IMPORT_CALLS[f.rule_id], uses[f.path])
            if reason:
                f = _lowered(f, IMPORT_SEVERITY, reason, "")
        out.append(f)
    return tuple(out)

"""Keep a report file under a size limit: group first, then cut, and say what went.

Platforms refuse or choke on large reports (GitHub code scanning rejects an
upload over 10 MB gzipped; GitLab parses security reports in the MR widget's
request and drops large ones). A report a platform ingests is therefore kept
under :data:`MAX_REPORT_BYTES`, in two steps:

1. **group**: findings that do not fail the gate are grouped by check, rule and
   file, and the largest groups are collapsed to their first finding (the one
   that keeps its occurrence key, so its alert does not change), as many as
   it takes to fit;
2. **cut**: if that is still too large, the least important findings go
   (passing before failing, low before high, later before earlier) until the
   file fits.

Every check that lost findings says how many, per severity, in a warning the
formats show (SARIF notifications, GitLab scan messages, JUnit system-err).
Failing findings are never grouped, and are cut only when they alone exceed the
limit.
"""

from __future__ import annotations

from collections.abc import Callable

from gate.findings import Finding
from gate.report.scope import by_severity, select
from gate.result import RunResult

__all__ = ["MAX_REPORT_BYTES", "fit"]

MAX_REPORT_BYTES = 9_500_000
"""A little under 10 MB (decimal), the smallest limit among the platforms, on the raw file."""
_ROUNDS = 12


def _groups(run: RunResult) -> list[list[int]]:
    """Findings that do not fail, by (check, rule, file), largest group first."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(run.findings):
        if not run.is_failing(i):
            groups.setdefault((f.check, f.rule_id, f.location.path), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g[0]))


def _group(run: RunResult, render: Callable[[RunResult], str], size: int, limit: int
           ) -> tuple[str, int, set[int]]:
    """Collapse the largest groups to their first finding, as many as it takes to fit.

    The share to drop is estimated from the size per finding, a little over it,
    and grows each round; at worst every group is collapsed.
    """
    everything = set(range(len(run.findings)))
    groups = _groups(run)
    text, kept = "", everything
    excess = size - limit
    for _ in range(_ROUNDS):
        per_finding = max(1.0, size / max(1, len(kept)))
        wanted = int(excess / per_finding * 1.2) + 1
        dropped: set[int] = set()
        collapsed = 0
        for g in groups:
            if len(dropped) >= wanted:
                break
            dropped.update(g[1:])
            collapsed += 1
        kept = everything - dropped
        text = render(select(run, kept, _group_note))
        size = len(text.encode("utf-8"))
        if size <= limit or collapsed == len(groups):
            break
        excess = size - limit + int((len(everything) - len(kept)) * per_finding)
    return text, size, kept


def _priority(run: RunResult, i: int) -> tuple[bool, bool, int, int]:
    f = run.findings[i]
    return (not run.is_failing(i), f.suppressed, -f.severity, i)


def fit(run: RunResult, render: Callable[[RunResult], str],
        limit: int = MAX_REPORT_BYTES) -> str:
    """``render(run)``, or a rendering of a grouped and cut ``run`` that is at most ``limit`` bytes.

    The result of the last attempt is returned even if it is still too large
    (the notices alone can be), so a report is always written.
    """
    text = render(run)
    size = len(text.encode("utf-8"))
    if size <= limit:
        return text
    text, size, grouped = _group(run, render, size, limit)
    order = sorted(grouped, key=lambda i: _priority(run, i))
    count = len(order)
    listed = {id(run.findings[i]) for i in grouped}
    for _ in range(_ROUNDS):
        if size <= limit or count == 0:
            break
        # Keep a share proportional to the excess (findings dominate the size), a little
        # under it, and never more than nine tenths per round, so it converges.
        count = min(count - 1, int(count * min(0.9, 0.9 * limit / size)))
        kept = set(order[:max(count, 0)])
        text = render(select(run, kept, lambda check, left: _cut_note(
            [f for f in left if id(f) in listed], left)))
        size = len(text.encode("utf-8"))
    return text


def _group_note(check: str, left: list[Finding]) -> str:
    return (f"size limit: {len(left):,} finding(s) that do not fail the gate were grouped with "
            f"the first of their rule in their file ({by_severity(left)} not listed); the JSON "
            "report has every finding")


def _cut_note(cut: list[Finding], left: list[Finding]) -> str:
    grouped = len(left) - len(cut)
    text = (f"size limit: {len(left):,} finding(s) left out ({by_severity(left)})"
            + (f", {grouped:,} of them grouped with the first of their rule in their file"
               if grouped else "")
            + "; the JSON report has every finding")
    return text

"""What the human reports (terminal, Markdown) summarise: findings split and grouped by rule.

A run with 1,084 ``B101 assert_used`` findings in tests is one line for a
reader ("B101 assert_used x1,084 low, test"), not 1,084. The split is the
same in every human report: failing findings one by one, dependency findings
one per pin (:mod:`gate.report.grouping`), the rest grouped by rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from gate.findings import Finding, Location, Severity
from gate.report.grouping import PackageFix, packages_of
from gate.result import RunResult

__all__ = ["RuleGroup", "Split", "context_counts", "location_text", "rule_groups", "split_run"]


@dataclass(frozen=True)
class RuleGroup:
    """Findings of one rule of one check."""

    check: str
    rule_id: str
    title: str | None
    count: int
    severities: tuple[Severity, ...]
    """Distinct severities, most severe first."""
    contexts: tuple[tuple[str, int], ...]
    """Contexts with their counts, most frequent first."""
    examples: tuple[Location, ...]
    """The first few locations (report order)."""
    help_url: str | None = None

    @property
    def severity(self) -> Severity:
        """The most severe of the group."""
        return self.severities[0]


@dataclass(frozen=True)
class Split:
    """A run's findings as the human reports present them."""

    failing: tuple[Finding, ...]
    """Failing findings, except dependency findings (those are in ``packages``)."""
    packages: tuple[PackageFix, ...]
    """Every vulnerable pin (failing or not), one entry each."""
    others: tuple[Finding, ...]
    """Active findings that do not fail and are not dependency findings."""
    suppressed: tuple[Finding, ...]


def split_run(run: RunResult) -> Split:
    """Failing, per-pin dependencies, the other active findings, and the suppressed ones."""
    def pinned(f: Finding) -> bool:
        return f.check == "dependencies" and f.package is not None

    failing = tuple(f for i, f in enumerate(run.findings) if i in run.failing and not pinned(f))
    others = tuple(f for i, f in enumerate(run.findings)
                   if i not in run.failing and not f.suppressed and not pinned(f))
    return Split(failing=failing, packages=tuple(packages_of(run)), others=others,
                 suppressed=tuple(f for f in run.findings if f.suppressed))


def rule_groups(findings: tuple[Finding, ...] | list[Finding], examples: int = 3
                ) -> list[RuleGroup]:
    """Group by (check, rule); most severe first, then the largest groups."""
    members: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        members.setdefault((f.check, f.rule_id), []).append(f)
    groups = []
    for (check, rule_id), found in members.items():
        contexts = Counter(f.context for f in found)
        groups.append(RuleGroup(
            check=check, rule_id=rule_id, title=next((f.title for f in found if f.title), None),
            count=len(found),
            severities=tuple(sorted({f.severity for f in found}, reverse=True)),
            contexts=tuple(sorted(contexts.items(), key=lambda kv: (-kv[1], kv[0]))),
            examples=tuple(f.location for f in found[:examples]),
            help_url=next((f.help_url for f in found if f.help_url), None)))
    return sorted(groups, key=lambda g: (-g.severity, -g.count, g.check, g.rule_id))


def context_counts(findings: tuple[Finding, ...] | list[Finding]) -> list[tuple[str, int]]:
    """How many findings per context, most frequent first."""
    counts = Counter(f.context for f in findings)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def location_text(loc: Location) -> str:
    """``path:line`` (``path:start-end`` for a span), or the bare path."""
    if loc.start_line is None:
        return loc.path
    if loc.end_line is not None and loc.end_line != loc.start_line:
        return f"{loc.path}:{loc.start_line}-{loc.end_line}"
    return f"{loc.path}:{loc.start_line}"

"""One fix per vulnerable pin: dependency findings grouped by package, version and manifest.

A pin affected by six advisories is one thing to do ("upgrade urllib3 to
1.26.18"), not six. :func:`group_packages` folds the dependency findings of a
run into :class:`PackageFix` entries: every advisory id, the highest severity,
and the smallest version that fixes them all (``None``: no fix released for
at least one of them). Reports (text, Markdown, the JSON ``packages`` section)
and ``gate fix`` share it. Findings themselves are never changed.

Which version fixes an advisory is judged from its fixed versions above the
pin (``Finding.fixed_versions``): a candidate fixes it when it is at or above
one of them and, when the advisory was fixed on several release lines
(``1.26.18`` and ``2.0.7``), on the line (at least major.minor) of the highest
fix below it (``2.0.0`` is not a fix for an advisory fixed in ``1.26.18`` and
``2.0.7``). Measured over the PyPA advisory database
(``benchmarks/fix_versions.py``): 98.3% of 1,274 pins get exactly the smallest
unaffected release, the rest a later one, none an affected one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gate.findings import Finding, Severity
from gate.result import RunResult

if TYPE_CHECKING:
    from packaging.version import Version

__all__ = ["PackageFix", "fixes", "group_packages", "package_to_dict", "packages_of",
           "smallest_fix"]


@dataclass(frozen=True)
class PackageFix:
    """Everything known about one vulnerable pin, and the one upgrade that fixes it."""

    package: str
    version: str
    path: str
    line: int | None
    advisories: tuple[str, ...]
    """Rule ids of the findings (one per advisory after alias merging), sorted."""
    severity: Severity
    """The highest severity among the advisories."""
    fix_version: str | None
    """The smallest version that fixes every advisory; ``None``: no fix released for one."""
    unfixed: tuple[str, ...] = ()
    """Advisories without any fixed release above the pin."""
    failing: bool = False
    """Whether any of its findings fails the gate."""
    findings: tuple[int, ...] = ()
    """Indexes of the grouped findings in the list given to :func:`group_packages`."""


def _versions(values: Iterable[str]) -> list[Version]:
    from packaging.version import InvalidVersion, Version  # only for dependency findings

    found: set[Version] = set()
    for value in values:
        try:
            found.add(Version(value))
        except InvalidVersion:
            continue
    return sorted(found)


def _above(current: str, fixed: Iterable[str]) -> list[Version]:
    """The valid fixed versions above ``current`` (all of them when it is not PEP 440)."""
    from packaging.version import InvalidVersion, Version  # as in _versions

    try:
        pinned: Version | None = Version(current)
    except InvalidVersion:
        pinned = None
    return [v for v in _versions(fixed) if pinned is None or v > pinned]


def _common_prefix(a: Version, b: Version) -> int:
    n = 0
    for x, y in zip(a.release, b.release, strict=False):
        if x != y:
            break
        n += 1
    return n


def fixes(candidate: Version, fixed: Sequence[Version]) -> bool:
    """Whether ``candidate`` is fixed for an advisory with the (sorted) ``fixed`` versions."""
    below = [f for f in fixed if f <= candidate]
    if not below:
        return False
    highest = below[-1]
    above = [f for f in fixed if f > candidate]
    if not above:
        return True
    # Between two fixes: only the release line of the lower fix is fixed.
    depth = max(_common_prefix(highest, above[0]) + 1, 2)
    return candidate.release[:depth] == highest.release[:depth]


def smallest_fix(current: str, fixed_per_advisory: Sequence[Iterable[str]]) -> str | None:
    """The smallest version above ``current`` fixing every advisory, or ``None`` if none is.

    Candidates are the advisories' own fixed versions: the answer is always a
    release some advisory names, never a guessed number.
    """
    per_advisory = [_above(current, fx) for fx in fixed_per_advisory]
    if not per_advisory or any(not fx for fx in per_advisory):
        return None
    candidates = sorted({v for fx in per_advisory for v in fx})
    for candidate in candidates:
        if all(fixes(candidate, fx) for fx in per_advisory):
            return str(candidate)
    return str(candidates[-1])  # unreachable: the highest candidate is above every fix


def group_packages(findings: Sequence[Finding], failing: Collection[int] = ()
                   ) -> list[PackageFix]:
    """Group unsuppressed dependency findings per (package, version, manifest path).

    Most severe first, then by package name and path.
    """
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(findings):
        if f.check != "dependencies" or f.package is None or f.suppressed:
            continue
        groups.setdefault((f.package, f.version or "", f.location.path), []).append(i)
    out: list[PackageFix] = []
    for (package, version, path), indexes in groups.items():
        members = [findings[i] for i in indexes]
        lines = [f.location.start_line for f in members if f.location.start_line]
        advisories = tuple(sorted({f.rule_id for f in members}))
        unfixed = tuple(sorted({f.rule_id for f in members
                                if not _above(version, f.fixed_versions)}))
        out.append(PackageFix(
            package=package, version=version, path=path, line=min(lines) if lines else None,
            advisories=advisories, severity=max(f.severity for f in members),
            fix_version=None if unfixed else smallest_fix(
                version, [f.fixed_versions for f in members]),
            unfixed=unfixed, failing=any(i in failing for i in indexes),
            findings=tuple(indexes)))
    return sorted(out, key=lambda p: (-p.severity, p.package, p.path, p.line or 0))


def packages_of(run: RunResult) -> list[PackageFix]:
    """The run's vulnerable pins."""
    return group_packages(run.findings, run.failing)


def package_to_dict(p: PackageFix) -> dict[str, Any]:
    """One entry of the JSON report's ``packages`` section."""
    return {"package": p.package, "version": p.version, "path": p.path, "line": p.line,
            "advisories": list(p.advisories), "severity": p.severity.label,
            "fix_version": p.fix_version, "unfixed": list(p.unfixed), "failing": p.failing,
            "findings": len(p.findings)}

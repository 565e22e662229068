"""Runs rules over parsed units and turns their outcomes into findings.

Rules are dispatched by (framework, resource type), so each resource meets
only the rules that apply to it. A :class:`Violation` becomes a
:class:`~gate.findings.Finding` with its inline suppression attached (kept as
data for triage to judge); an :class:`Undetermined` becomes a warning, since
an unknown value is neither a pass nor a fail.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gate.checks.iac.interface import Framework, Resource, Rule, Undetermined, Unit, Violation
from gate.findings import Finding, Location, RelatedLocation, Suppression, content_fingerprint

__all__ = ["CHECK_NAME", "Evaluation", "evaluate_units", "help_url", "make_finding"]

CHECK_NAME = "iac"


@dataclass(frozen=True)
class Evaluation:
    """Findings, warnings (undetermined rules) and errors (a rule that crashed)."""

    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]


def help_url(rule_id: str) -> str:
    """The rule's anchor in the generated ``docs/rules.md``."""
    return f"docs/rules.md#{rule_id.lower()}"


def _suppression(rule: type[Rule] | Rule, res: Resource, line: int,
                 written: Resource | None = None) -> Suppression | None:
    ids = {rule.id, *rule.aliases}
    near = {res.start_line - 1, res.start_line, line - 1, line}
    if written is not None:
        near |= {written.start_line - 1, written.start_line}
    for ignore in (*res.ignores, *(written.ignores if written is not None else ())):
        if not ids.intersection(ignore.rule_ids):
            continue
        if ignore.line is None:
            source = f"{res.path}: Metadata of {res.address}"
        elif ignore.line in near:
            source = f"{res.path}:{ignore.line}"
        else:
            continue
        return Suppression(kind="inline", reason=ignore.reason, source=source,
                           rules=ignore.rule_ids)
    return None


def _span(res: Resource) -> Location:
    return Location(res.path, res.start_line, max(res.end_line, res.start_line))


def make_finding(rule: Rule, res: Resource, violation: Violation) -> Finding:
    """One finding: message names the resource, location is where the flaw was written.

    That is the attribute (or the resource) of ``violation.written`` when a
    separate resource introduced the flaw (the judged resource is then a
    related location), else the attribute (or span) of the judged resource.
    Module calls that instantiated the resource follow as related locations.
    """
    where = violation.written or res
    origin = where.origin_of(violation.at) if where.origins else None
    if origin is not None:
        path, line = origin
        end = line
    elif violation.at:
        path, line = where.path, where.line_of(violation.at) + violation.line_offset
        end = line
    else:
        path, line, end = where.path, where.start_line, where.end_line
    related: list[RelatedLocation] = []
    extra = [("resource", res.address), ("framework", res.framework.value)]
    if violation.written is not None:
        related.append(RelatedLocation(_span(res), f"{res.type} {res.name}"))
        extra.append(("written_at", violation.written.address))
    related.extend(where.via)
    content = res.address + (f"#{violation.key}" if violation.key else "")
    if violation.written is not None:
        content += f"@{violation.written.address}"
    return Finding(
        check=CHECK_NAME,
        rule_id=rule.id,
        severity=rule.severity if violation.severity is None else violation.severity,
        message=f'{res.type} "{res.name}" {violation.detail}',
        location=Location(path, line, max(end, line)),
        fingerprint=content_fingerprint(CHECK_NAME, rule.id, path, content),
        title=rule.title,
        help_url=help_url(rule.id),
        aliases=rule.aliases if violation.aliases is None else violation.aliases,
        fix=rule.fix,
        suppression=_suppression(rule, res, line, violation.written),
        extra=tuple(extra),
        related=tuple(related),
    )


_INDEX = re.compile(r"\[[^\]]*\]")


def _copy_key(finding: Finding, res: Resource) -> tuple[object, ...]:
    """Identity of a finding across the copies ``count``/``for_each`` make of one resource."""
    return (finding.rule_id, finding.location, finding.message, _INDEX.sub("", res.address),
            finding.related)


def evaluate_units(units: Iterable[Unit], rules: Sequence[Rule]) -> Evaluation:
    """Evaluate every rule on every resource it applies to."""
    by_type: dict[tuple[Framework, str], list[Rule]] = defaultdict(list)
    for rule in rules:
        for framework, types in rule.resource_types.items():
            for rtype in types:
                by_type[(framework, rtype)].append(rule)
    findings: list[Finding] = []
    warnings: list[str] = []
    errors: list[str] = []
    seen: set[tuple[object, ...]] = set()
    for unit in units:
        for res in unit.resources:
            for rule in by_type.get((res.framework, res.type), ()):
                if res.unreadable:
                    warnings.append(f"{res.path}:{res.start_line}: {rule.id} not evaluated for "
                                    f"{res.address}: {res.unreadable}")
                    continue
                try:
                    outcomes = list(rule.evaluate(res, unit))
                except Exception as exc:  # a rule bug must not pass silently or crash the run
                    errors.append(f"{rule.id} crashed on {res.path} {res.address}: {exc!r}")
                    continue
                for outcome in outcomes:
                    if isinstance(outcome, Violation):
                        finding = make_finding(rule, res, outcome)
                        key = _copy_key(finding, res)
                        if key not in seen:  # count/for_each copies: one finding per line
                            seen.add(key)
                            findings.append(finding)
                    elif isinstance(outcome, Undetermined):
                        line = res.line_of(outcome.at) if outcome.at else res.start_line
                        warnings.append(f"{res.path}:{line}: {rule.id} not evaluated for "
                                        f"{res.address}: {outcome.detail}")
    return Evaluation(tuple(findings), tuple(warnings), tuple(errors))

"""Runs the rules over the parsed files and turns their issues into findings.

A finding points at the key (or the line inside a ``run:`` block) of the issue; its flow
is the path from the trigger through the job (and env definitions, callers) to the sink;
``extra`` names the job, the trigger and the platform (the triage stage files CI findings
under the ``ci`` context by it); ``aliases`` hold the Checkov ids, then the zizmor audit names
(and ``poutine:`` rule ids), so findings can be matched with those tools' output. Inline
``# gate:ignore[ID]`` comments on the line, the line above, the job's/step's first line,
or the line of the trigger that reaches the job are attached as suppressions (zizmor's
``# zizmor: ignore[audit]`` too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gate.checks.pipeline.interface import Issue, PipelineFile
from gate.checks.pipeline.model import Repo
from gate.checks.pipeline.rule import Rule
from gate.findings import (
    Finding,
    FlowStep,
    Location,
    Suppression,
    content_fingerprint,
)

__all__ = ["CHECK_NAME", "Evaluation", "evaluate", "help_url"]

CHECK_NAME = "pipeline"


@dataclass(frozen=True)
class Evaluation:
    """Findings, warnings (what could not be judged) and errors (a rule that crashed)."""

    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]


def help_url(rule_id: str) -> str:
    """The rule's anchor in ``docs/rules.md``."""
    return f"docs/rules.md#{rule_id.lower()}"


def _suppression(rule: Rule, file: PipelineFile, lines: set[int]) -> Suppression | None:
    ids = {rule.id, *rule.aliases, *(z.upper() for z in rule.zizmor)}
    for ignore in file.ignores:
        if ignore.line in lines and ids.intersection(ignore.rule_ids):
            return Suppression(kind="inline", reason=ignore.reason,
                               source=f"{file.path}:{ignore.line}", rules=ignore.rule_ids)
    return None


def _finding(rule: Rule, file: PipelineFile, issue: Issue) -> Finding:
    key_line = file.line_of(issue.at)
    line = key_line + issue.line_offset
    severity = rule.severity if issue.severity is None else min(issue.severity, rule.severity)
    near = {line, line - 1, key_line, key_line - 1}
    if len(issue.at) >= 2:
        near |= {file.line_of(issue.at[:2]), file.line_of(issue.at[:2]) - 1}
    if len(issue.at) >= 4:
        near |= {file.line_of(issue.at[:4]), file.line_of(issue.at[:4]) - 1}
    near |= {h.line for h in issue.flow[:1] if h.path == file.path}  # the trigger's line
    extra = [("framework", file.platform.value), ("kind", file.kind.value)]
    if issue.job:
        extra.append(("job", issue.job))
    if issue.trigger:
        extra.append(("trigger", issue.trigger))
    flow = tuple(FlowStep(Location(h.path, h.line, h.line), h.message) for h in issue.flow)
    return Finding(
        check=CHECK_NAME,
        rule_id=rule.id,
        severity=severity,
        message=f"{file.path} {issue.detail}",
        location=Location(file.path, line, line),
        fingerprint=content_fingerprint(CHECK_NAME, rule.id, file.path, issue.key),
        title=rule.title,
        help_url=help_url(rule.id),
        aliases=(*rule.aliases, *rule.zizmor),
        fix=rule.fix,
        suppression=_suppression(rule, file, near),
        extra=tuple(extra),
        flow=flow,
    )


def evaluate(repo: Repo, rules: Sequence[Rule]) -> Evaluation:
    """Every rule on every file of its platforms and kinds; one finding per (rule, key)."""
    findings: list[Finding] = []
    errors: list[str] = []
    for file in sorted(repo.files.values(), key=lambda f: f.path):
        for rule in rules:
            if file.platform not in rule.platforms or file.kind not in rule.kinds:
                continue
            try:
                issues: Iterable[Issue] = list(rule.evaluate(file, repo))
            except Exception as exc:  # a rule bug must not pass silently or crash the run
                errors.append(f"{rule.id} crashed on {file.path}: {exc!r}")
                continue
            seen: set[str] = set()
            for issue in issues:
                if issue.key in seen:
                    continue
                seen.add(issue.key)
                findings.append(_finding(rule, file, issue))
    return Evaluation(tuple(findings), tuple(repo.warnings), tuple(errors))

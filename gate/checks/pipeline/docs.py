"""The pipeline section of ``docs/rules.md`` and the pipeline rows of ``gate rules``.

Generated from :data:`~gate.checks.pipeline.registry.RULES`; a test compares the committed
file with it, so documentation and code cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gate.checks.pipeline.interface import Category
from gate.checks.pipeline.registry import RULES
from gate.checks.pipeline.rule import Rule

__all__ = ["DIFFERENCES", "rule_record", "rules_markdown", "rules_text"]

DIFFERENCES: dict[str, str] = {
    "GATE-GHA-003": "Only values someone other than the workflow's author controls fail, "
    "by the context table (docs/checks/pipeline.md): SHAs, numbers, ids, booleans, enums, "
    "logins and typed workflow_dispatch inputs never do, and `${{ env.X }}` is followed to "
    "its definition. Severity follows the trigger: high under pull_request_target, "
    "issue_comment, issues, workflow_run; medium on push (merged commit text) or from an "
    "unknown caller; low where only writers can trigger it or under pull_request (its author "
    "can rewrite the workflow). CKV_GHA_2 checks a fixed list of fields at one severity.",
    "GATE-GHA-004": "Job-level `permissions: write-all` fails too; CKV2_GHA_1 checks the "
    "top level.",
    "GATE-GHA-010": "CKV_GHA_3 flags `curl` with any secret; gate judges the destination: "
    "hosts in the allow-list (forges, registries, coverage, chat, clouds, plus "
    "`checks.pipeline.allowed_hosts`) and a host named like the secret (`PAGERDUTY_TOKEN` "
    "to `api.pagerduty.com`) pass; a URL built from variables is not judged.",
    "GATE-GHA-002": "Reported only when the head is checked out under a trigger forks can "
    "reach and the job's `if:` does not keep forks out; critical when a later step runs "
    "code, high behind a label/association/environment gate, medium when nothing runs it.",
}
"""Deliberate differences from the aliased Checkov checks, by rule id."""


def rule_record(rule: Rule) -> dict[str, Any]:
    """The rule as plain data (``gate rules --format json``)."""
    return {
        "id": rule.id,
        "check": "pipeline",
        "title": rule.title,
        "severity": rule.severity.label,
        "category": rule.category.value,
        "platforms": sorted(p.value for p in rule.platforms),
        "aliases": list(rule.aliases),
        "zizmor": list(rule.zizmor),
        "rationale": rule.rationale,
        "fix": rule.fix,
        "incident": rule.incident,
    }


def rules_text(rules: Sequence[Rule] = RULES) -> str:
    """One line per rule, in the format of ``gate rules``."""
    lines = []
    for rule in rules:
        aliases = ",".join(rule.aliases) or "-"
        platforms = ",".join(sorted(p.value for p in rule.platforms))
        lines.append(f"{rule.id:<20} {rule.severity.label:<8} {rule.category.value:<22} "
                     f"{aliases:<40} {platforms:<28} {rule.title}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(rules: Sequence[Rule] = RULES) -> str:
    """The pipeline section of ``docs/rules.md`` (appended after the IaC rules)."""
    out = [
        "",
        "# Pipeline rules",
        "",
        "Generated from `gate/checks/pipeline/registry.py` (the `pipeline` check, "
        "docs/checks/pipeline.md). Severity is the highest a rule reports: injection and "
        "poisoning rules lower it by who can trigger the job (see the check's page). Suppress "
        "inline with `# gate:ignore[RULE-ID] reason` on the flagged line, the line above, "
        "the job's/step's first line or the line of the trigger that reaches the job; "
        "Checkov ids and zizmor audit names are accepted too, and so are zizmor's own "
        "`# zizmor: ignore[audit]` comments.",
        "",
        "| id | max severity | class | title | Checkov | zizmor / poutine |",
        "|---|---|---|---|---|---|",
    ]
    for rule in rules:
        out.append(f"| [{rule.id}](#{rule.id.lower()}) | {rule.severity.label} | "
                   f"{rule.category.value} | {_cell(rule.title)} | "
                   f"{', '.join(rule.aliases) or '-'} | {', '.join(rule.zizmor) or '-'} |")
    for category in Category:
        members = [r for r in rules if r.category is category]
        if not members:
            continue
        out += ["", f"## {category.value[0].upper()}{category.value[1:]}"]
        for rule in members:
            out += [
                "",
                f'<a id="{rule.id.lower()}"></a>',
                f"### {rule.id}: {rule.title}",
                "",
                f"- **Severity:** up to {rule.severity.label}",
                f"- **Platforms:** {', '.join(sorted(p.value for p in rule.platforms))}",
                f"- **Checkov:** {', '.join(rule.aliases) or 'none'}",
                f"- **zizmor / poutine:** {', '.join(rule.zizmor) or 'none'}",
                f"- **Why:** {rule.rationale}",
                f"- **Fix:** {rule.fix}",
                f"- **Incident:** {rule.incident}",
            ]
            if rule.id in DIFFERENCES:
                out.append(f"- **Differs from Checkov:** {DIFFERENCES[rule.id]}")
    out.append("")
    return "\n".join(out)

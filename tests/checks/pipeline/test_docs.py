"""The registry is the single source of the pipeline section of docs/rules.md."""

from __future__ import annotations

from pathlib import Path

from gate.checks.pipeline.docs import DIFFERENCES, rules_markdown
from gate.checks.pipeline.interface import Category
from gate.checks.pipeline.registry import RULES, rule_by_id

ROOT = Path(__file__).resolve().parents[3]


def test_committed_docs_end_with_the_pipeline_section() -> None:
    assert (ROOT / "docs" / "rules.md").read_text().endswith(rules_markdown()), \
        "regenerate: gate rules --format markdown > docs/rules.md"


def test_rule_metadata_is_complete_and_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.title and rule.rationale and rule.fix and rule.incident and rule.platforms
        assert rule.id.startswith(("GATE-GHA-", "GATE-GITLAB-"))
        assert all(a.startswith("CKV") for a in rule.aliases)
    assert set(DIFFERENCES) <= set(ids)
    assert {r.category for r in RULES} == set(Category)
    assert rule_by_id("GATE-GHA-003").aliases == ("CKV_GHA_2",)
    moved = {"GATE-GHA-001", "GATE-GHA-002", "GATE-GHA-003", "GATE-GHA-004",
             "GATE-GITLAB-001", "GATE-GITLAB-002", "GATE-GITLAB-003"}
    assert moved <= set(ids), "rule ids moved from the iac check stay stable"


def test_check_page_lists_every_rule() -> None:
    page = (ROOT / "docs" / "checks" / "pipeline.md").read_text()
    for rule in RULES:
        assert rule.id in page, rule.id

"""The registry is the single source: docs/rules.md and ``gate rules`` both come from it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from gate.checks.iac.docs import DIFFERENCES, rules_markdown
from gate.checks.iac.interface import Practice
from gate.checks.iac.premises import PREMISES
from gate.checks.iac.registry import RULES, rule_by_id
from gate.cli import rules as rules_cli

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_committed_docs_match_registry() -> None:
    assert DOCS.read_text().startswith(rules_markdown()), "regenerate: gate rules --format markdown"


def test_rule_metadata_is_complete_and_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.title and rule.rationale and rule.fix and rule.frameworks()
        for alias in rule.aliases:
            assert alias.startswith(("CKV_", "CKV2_"))
    assert set(DIFFERENCES) <= set(ids)
    assert {r.practice for r in RULES} == set(Practice), "every practice row needs a rule"
    assert rule_by_id("GATE-AWS-S3-001").aliases == ("CKV_AWS_19",)
    assert set(PREMISES) == set(ids), "every rule records its premise, and only rules do"
    assert all(PREMISES[i].strip() for i in ids)


def _run_cli(fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    rules_cli.register(sub)
    args = parser.parse_args(["rules", "--format", fmt])
    assert args.func(args) == 0
    return capsys.readouterr().out


def test_cli_formats(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run_cli("text", capsys)
    assert "GATE-AWS-EC2-002" in text and "CKV_AWS_24" in text
    data = json.loads(_run_cli("json", capsys))
    assert len([r for r in data if "check" not in r]) == len(RULES)  # then the pipeline rules
    assert data[0]["frameworks"] == ["cloudformation", "terraform"]
    assert _run_cli("markdown", capsys).startswith(rules_markdown())

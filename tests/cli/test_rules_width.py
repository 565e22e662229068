"""``gate rules`` fits the terminal: ids and severities whole, the rest cut or left out."""

from __future__ import annotations

import argparse

import pytest

from gate.checks.iac.registry import RULES as IAC_RULES
from gate.checks.pipeline.registry import RULES as PIPELINE_RULES
from gate.cli import rules as rules_cli


def _text(columns: int, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    parser = argparse.ArgumentParser()
    rules_cli.register(parser.add_subparsers())
    args = parser.parse_args(["rules"])
    assert args.func(args) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("columns", [80, 120])
def test_rules_fit_the_terminal(columns: int, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _text(columns, capsys, monkeypatch)
    rules = [*IAC_RULES, *PIPELINE_RULES]
    assert len(lines) == len(rules)
    assert max(len(line) for line in lines) <= columns
    assert [line.split()[0] for line in lines] == [r.id for r in rules]
    assert [line.split()[1] for line in lines] == [r.severity.label for r in rules]


def test_a_wide_terminal_gets_every_column(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _text(250, capsys, monkeypatch)
    ec2 = next(line for line in lines if line.startswith("GATE-AWS-EC2-002 "))
    assert ec2.rstrip().endswith("CKV_AWS_24") or "CKV_AWS_24," in ec2

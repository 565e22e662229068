"""IaC that no longer deploys: each family flagged with its date and fix, modern twins not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from iac_support import scan

from gate.checks.iac.registry import RULES
from gate.checks.iac.rules.aws.deprecations import (
    EolRdsEngine,
    LambdaRuntimeDeprecated,
    below_v4,
)
from gate.checks.iac.rules.aws.lifecycles import urgency, version_key
from gate.findings import Severity


def _lambda(tmp_path: Path, runtime: str, today: date) -> list[tuple[str, Severity]]:
    (tmp_path / "fn.tf").write_text(
        f'resource "aws_lambda_function" "fn" {{\n  runtime = "{runtime}"\n}}\n')
    _loaded, result = scan(tmp_path, [LambdaRuntimeDeprecated(today=today)])
    return [(f.message, f.severity) for f in result.findings]


@pytest.mark.parametrize(("today", "expected"), [
    (date(2027, 5, 1), ('aws_lambda_function "fn" uses runtime nodejs22.x, deprecated since '
                        "2027-04-30 (1 days ago)", Severity.HIGH)),
    (date(2027, 4, 30), ('aws_lambda_function "fn" uses runtime nodejs22.x, deprecated since '
                         "2027-04-30 (0 days ago)", Severity.HIGH)),
    (date(2027, 3, 1), ('aws_lambda_function "fn" uses runtime nodejs22.x, reaches deprecation '
                        "on 2027-04-30 (in 60 days)", Severity.MEDIUM)),
    (date(2026, 12, 1), ('aws_lambda_function "fn" uses runtime nodejs22.x, reaches '
                         "deprecation on 2027-04-30 (in 150 days)", Severity.LOW)),
])
def test_runtime_severity_follows_the_date(tmp_path: Path, today: date,
                                           expected: tuple[str, Severity]) -> None:
    assert _lambda(tmp_path, "nodejs22.x", today) == [expected]


def test_runtime_far_from_its_date_or_unknown_to_the_table_passes(tmp_path: Path) -> None:
    assert _lambda(tmp_path, "nodejs22.x", date(2026, 10, 1)) == []
    assert _lambda(tmp_path, "python3.14", date(2026, 11, 30)) == []
    assert _lambda(tmp_path, "my-custom-runtime", date(2026, 11, 30)) == []


def test_urgency_thresholds() -> None:
    deadline = date(2026, 6, 30)
    assert urgency(deadline, date(2026, 7, 1)) is Severity.MEDIUM
    assert urgency(deadline, date(2026, 6, 30)) is Severity.MEDIUM
    assert urgency(deadline, date(2026, 4, 1)) is Severity.LOW
    assert urgency(deadline, date(2026, 1, 1)) is Severity.INFO
    assert urgency(deadline, date(2025, 12, 31)) is None
    assert urgency(deadline, date(2026, 7, 1), unpatched_after=True) is Severity.HIGH
    assert urgency(deadline, date(2026, 4, 1), unpatched_after=True) is Severity.MEDIUM
    assert urgency(deadline, date(2026, 1, 1), unpatched_after=True) is Severity.LOW
    assert urgency(deadline, date(2025, 12, 31), unpatched_after=True) is None


def test_only_unpatched_software_fails_by_default() -> None:
    """IaC that no longer deploys is reported, not failed, under the default fail_on: high;
    a runtime or engine past its date gets no security patches and is high."""
    depr = {r.id: r.severity for r in RULES if r.id.startswith("GATE-AWS-DEPR-")}
    assert depr == {"GATE-AWS-DEPR-001": Severity.MEDIUM, "GATE-AWS-DEPR-002": Severity.HIGH,
                    "GATE-AWS-DEPR-003": Severity.MEDIUM, "GATE-AWS-DEPR-004": Severity.HIGH}


def test_rds_engine_dates(tmp_path: Path) -> None:
    (tmp_path / "db.tf").write_text(
        'resource "aws_db_instance" "old" {\n  engine = "mysql"\n  engine_version = "8.0.35"\n}\n'
        'resource "aws_db_instance" "new" {\n  engine = "mysql"\n  engine_version = "8.4.3"\n}\n')
    _loaded, result = scan(tmp_path, [EolRdsEngine(today=date(2026, 11, 30))])
    assert [(f.message, f.severity, f.start_line) for f in result.findings] == [
        ('aws_db_instance "old" runs mysql 8.0.35, whose RDS standard support ended since '
         "2026-07-31 (122 days ago)", Severity.HIGH, 3)]
    _loaded, early = scan(tmp_path, [EolRdsEngine(today=date(2026, 5, 15))])
    assert [f.severity for f in early.findings] == [Severity.MEDIUM]


def test_version_keys() -> None:
    assert version_key("postgres", "13.7") == ("postgres", "13")
    assert version_key("postgres", "9.6.24") == ("postgres", "9.6")
    assert version_key("aurora-mysql", "5.7.mysql_aurora.2.11.2") == ("aurora-mysql", "5.7")
    assert version_key("MySQL", "5.7") == ("mysql", "5.7")


@pytest.mark.parametrize(("constraint", "pinned_below_4"), [
    ("~> 3.74", True), ("< 4.0", True), (">= 3.0, < 4.0", True), ("3.76.1", True),
    (">= 4.0", False), ("~> 5.0", False), ("< 4.5", False), (">= 2.0", False),
])
def test_provider_constraint(constraint: str, pinned_below_4: bool) -> None:
    assert below_v4(constraint) is pinned_below_4


def test_fixes_and_dates_are_in_the_findings(tmp_path: Path) -> None:
    (tmp_path / "s3.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl = "private"\n}\n')
    _loaded, result = scan(tmp_path)
    by_rule = {f.rule_id: f for f in result.findings}
    acl = by_rule["GATE-AWS-DEPR-001"]
    assert acl.severity is Severity.MEDIUM
    assert "April 2023" in acl.message and acl.fix and "BucketOwnerPreferred" in acl.fix
    legacy = by_rule["GATE-AWS-DEPR-003"]
    assert legacy.message == ('aws_s3_bucket "b" uses acl, deprecated since AWS provider 4.0 '
                              "(2022-02-10)")
    assert legacy.start_line == 3 and legacy.fix and "aws_s3_bucket_acl" in legacy.fix

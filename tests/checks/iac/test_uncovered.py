"""Resources no rule judges are listed per file with their type; ``iac.uncovered: fail`` fails."""

from __future__ import annotations

from pathlib import Path

from iac_support import FIXTURES, files_under

from gate.checks.iac.check import IacCheck
from gate.checks.iac.coverage import UNCOVERED_RULE, uncovered
from gate.checks.iac.interface import Framework
from gate.checks.iac.loader import load_units
from gate.checks.iac.registry import RULES
from gate.checks.interface import CheckResult, ScanTarget
from gate.findings import Severity
from gate.policy.model import Policy
from gate.result import Verdict
from gate.verdict import evaluate

UNKNOWN = FIXTURES / "uncovered" / "unknown"
MIXED = FIXTURES / "uncovered" / "mixed"


def _run(root: Path, **options: object) -> CheckResult:
    return IacCheck().run(ScanTarget(root=root, files=files_under(root), options=dict(options)))


def test_a_file_of_unknown_types_is_listed_with_its_types() -> None:
    result = _run(UNKNOWN)
    assert result.findings == ()
    assert result.warnings == (
        "main.tf:1: not covered by any IaC rule: oci_core_instance x2, oci_core_vcn",
        "IaC coverage: 3 of 3 resources in 1 file(s) are not covered by any rule (policy "
        "iac.uncovered); most frequent types: oci_core_instance (2), oci_core_vcn (1)",
    )
    assert evaluate(Policy(), {"iac": result}, list(result.findings)).verdict == Verdict.PASS


def test_uncovered_fail_makes_the_file_a_failing_finding() -> None:
    result = _run(UNKNOWN, uncovered="fail")
    assert [(f.rule_id, f.severity, f.path, f.location.start_line) for f in result.findings] \
        == [(UNCOVERED_RULE, Severity.CRITICAL, "main.tf", 1)]
    assert "oci_core_instance x2, oci_core_vcn" in result.findings[0].message
    run = evaluate(Policy(), {"iac": result}, list(result.findings))
    assert run.verdict == Verdict.FAIL
    assert run.reasons == ("iac: 1 finding(s) at or above high",)


def test_companions_helpers_and_data_sources_need_no_rule_of_their_own() -> None:
    loaded = load_units(MIXED, files_under(MIXED), frozenset(Framework))
    files, total = uncovered(loaded.units, RULES)
    # the bucket (ruled), its versioning (read with the bucket), the notebook (counted once
    # for its two copies); random_id and the data source need no rule
    assert total == 3
    assert [(u.path, u.line, u.types) for u in files] == \
        [("main.tf", 18, (("aws_sagemaker_notebook_instance", 1),))]


def test_every_type_of_the_rule_fixtures_is_covered_but_the_web_acl() -> None:
    root = FIXTURES / "rules"
    loaded = load_units(root, files_under(root), frozenset(Framework))
    files, _total = uncovered(loaded.units, RULES)
    # a WAF web ACL is only checked for being attached; its own rules are judged by nothing
    assert {t for u in files for t, _n in u.types} == {"AWS::WAFv2::WebACL"}

"""JUnit XML: well-formed whatever the input, one suite per check, outcomes by verdict."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from gate.findings import Finding, Location, Severity
from gate.report.junit import JunitReporter
from gate.result import CheckOutcome, RunResult, Verdict


def _xml(run: RunResult) -> ET.Element:
    return ET.fromstring(JunitReporter().render(run).encode("utf-8"))


def _suite(root: ET.Element, name: str) -> ET.Element:
    suite = root.find(f"testsuite[@name='gate.{name}']")
    assert suite is not None
    return suite


def _outcome(case: ET.Element) -> str:
    for tag in ("failure", "error", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "passed"


def test_one_suite_per_check_with_consistent_counts(run_result: RunResult) -> None:
    root = _xml(run_result)
    assert [s.get("name") for s in root] == ["gate.sast", "gate.dependencies", "gate.secrets",
                                             "gate.iac"]
    for suite in [*root, root]:
        cases = list(suite.iter("testcase"))
        outcomes = [_outcome(c) for c in cases]
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == outcomes.count("failure")
        assert int(suite.get("errors", "")) == outcomes.count("error")
        assert int(suite.get("skipped", "")) == outcomes.count("skipped")
    assert _suite(root, "sast").get("timestamp") == "2025-06-01T12:00:00"


def test_failing_suppressed_and_passing_findings(run_result: RunResult) -> None:
    root = _xml(run_result)
    sast = {c.get("name"): c for c in _suite(root, "sast").iter("testcase")}
    b602 = sast["B602 at app/run.py:12"]
    failure = b602.find("failure")
    assert failure is not None and failure.get("type") == "high"
    assert b602.get("file") == "app/run.py" and b602.get("line") == "12"
    assert "fails the gate" in (failure.text or "")
    skipped = sast["B101 at tests/test_app.py:3"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "suppressed (inline): asserts are fine in tests"
    deps = {c.get("name"): c for c in _suite(root, "dependencies").iter("testcase")}
    below = deps["PYSEC-2023-74 at requirements.txt:3"]
    assert _outcome(below) == "passed"  # medium is below the dependencies threshold (high)
    assert "fixed in: 2.31.0" in (below.findtext("system-out") or "")


def test_check_error_is_an_error_case(run_result: RunResult) -> None:
    deps = _suite(_xml(run_result), "dependencies")
    errors = [c for c in deps.iter("testcase") if c.find("error") is not None]
    assert len(errors) == 1
    error = errors[0].find("error")
    assert error is not None and "requirements-dev.txt" in (error.get("message") or "")


def test_warnings_and_unscanned_files_go_to_system_err(run_result: RunResult) -> None:
    root = _xml(run_result)
    assert "app/broken.py:4 (syntax error)" in (_suite(root, "sast").findtext("system-err") or "")
    assert "not followed" in (_suite(root, "iac").findtext("system-err") or "")


def test_duplicate_names_are_disambiguated() -> None:
    findings = tuple(Finding("secrets", "Secret Keyword", Severity.HIGH, "m",
                             Location("a.py", 1, 1), f"fp{n}") for n in range(3))
    outcome = CheckOutcome("secrets", Verdict.FAIL, "detect-secrets", "1", 0.0, Severity.LOW)
    root = _xml(RunResult(Verdict.FAIL, (outcome,), findings, frozenset({0, 1, 2})))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == ["Secret Keyword at a.py:1", "Secret Keyword at a.py:1 #2",
                     "Secret Keyword at a.py:1 #3"]


def test_illegal_xml_characters_are_dropped() -> None:
    f = Finding("sast", "B1\x00", Severity.HIGH, "bad \x1b[31m\x07 text \ud800 <&> \"q\"",
                Location("src/\x0cevil\x00.py", 2, 2), "fp")
    outcome = CheckOutcome("sast", Verdict.FAIL, "bandit", "1", 0.0, Severity.HIGH,
                           errors=("tool said \x00\x01",))
    text = JunitReporter().render(RunResult(Verdict.FAIL, (outcome,), (f,), frozenset({0})))
    root = ET.fromstring(text.encode("utf-8"))  # would raise on any illegal character
    case = next(root.iter("testcase"))
    assert case.get("file") == "src/evil.py"
    failure = case.find("failure")
    assert failure is not None and "<&> \"q\"" in (failure.get("message") or "")


def test_empty_and_skipped_checks_still_show(make_run: Any) -> None:
    checks = [CheckOutcome("sast", Verdict.PASS, "bandit", "1", 0.1, Severity.HIGH),
              CheckOutcome("iac", Verdict.SKIPPED, "gate-iac", "1", 0.0, Severity.HIGH)]
    root = _xml(make_run(findings=[], checks=checks))
    assert [_outcome(c) for c in _suite(root, "sast").iter("testcase")] == ["passed"]
    assert [_outcome(c) for c in _suite(root, "iac").iter("testcase")] == ["skipped"]


def test_findings_of_a_check_without_outcome_get_a_suite() -> None:
    f = Finding("plugin", "P1", Severity.LOW, "m", Location("a.py"), "fp")
    root = _xml(RunResult(Verdict.PASS, (), (f,)))
    assert [s.get("name") for s in root] == ["gate.plugin"]

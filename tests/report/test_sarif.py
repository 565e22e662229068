"""SARIF: valid against the OASIS schema, shaped the way GitHub code scanning reads it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from gate.checks.interface import NotScanned
from gate.findings import Finding, Location, Severity, content_fingerprint
from gate.report.sarif import SarifReporter, gzip_size
from gate.result import CheckOutcome, RunResult, Verdict


def _sarif(run: RunResult, **limits: int) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SarifReporter(**limits).render(run))
    return loaded


def _valid(doc: dict[str, Any], schema: dict[str, Any]) -> None:
    errors = sorted(Draft4Validator(schema, format_checker=FormatChecker()).iter_errors(doc),
                    key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def _run_for(doc: dict[str, Any], check: str) -> dict[str, Any]:
    run: dict[str, Any] = next(r for r in doc["runs"] if r["properties"]["gate/check"] == check)
    return run


def test_validates_against_the_oasis_schema(run_result: RunResult,
                                           sarif_schema: dict[str, Any]) -> None:
    doc = _sarif(run_result)
    _valid(doc, sarif_schema)
    assert doc["version"] == "2.1.0"


def test_one_run_per_check_with_its_own_tool_and_category(run_result: RunResult) -> None:
    doc = _sarif(run_result)
    drivers = [r["tool"]["driver"]["name"] for r in doc["runs"]]
    assert drivers == ["bandit", "pip-audit", "detect-secrets", "gate-iac"]
    categories = [r["automationDetails"]["id"] for r in doc["runs"]]
    assert categories == ["gate/sast/", "gate/dependencies/", "gate/secrets/", "gate/iac/"]
    assert all(r["conversion"]["tool"]["driver"]["name"] == "gate" for r in doc["runs"])


def test_skipped_check_gets_no_run(make_run: Any) -> None:
    skipped = CheckOutcome("iac", Verdict.SKIPPED, "gate-iac", "0.1.0", 0.0, Severity.HIGH)
    run = make_run(findings=[], checks=[skipped])
    doc = _sarif(run)
    # an empty run would tell GitHub every iac alert is fixed; a gate run carries the notices
    assert [r["automationDetails"]["id"] for r in doc["runs"]] == ["gate/gate/"]
    assert doc["runs"][0]["results"] == []


def test_rules_carry_security_severity_tags_and_help(run_result: RunResult) -> None:
    sast = _run_for(_sarif(run_result), "sast")
    rules = {r["id"]: r for r in sast["tool"]["driver"]["rules"]}
    b602 = rules["B602"]
    assert b602["shortDescription"]["text"] == "subprocess_popen_with_shell_equals_true"
    assert b602["helpUri"].startswith("https://bandit.readthedocs.io/")
    assert b602["properties"]["security-severity"] == "8.0"
    assert {"security", "sast", "external/cwe/cwe-78"} <= set(b602["properties"]["tags"])
    assert "shell=True" in b602["help"]["text"]
    iac = {r["id"]: r for r in _run_for(_sarif(run_result), "iac")["tool"]["driver"]["rules"]}
    assert iac["GATE-AWS-SG-001"]["properties"]["security-severity"] == "9.5"
    assert "CKV_AWS_24" in iac["GATE-AWS-SG-001"]["help"]["text"]


def test_rule_takes_its_most_severe_instance() -> None:
    findings = [Finding("sast", "B1", sev, "m", Location("a.py", n, n), f"fp{n}")
                for n, sev in enumerate([Severity.CRITICAL, Severity.HIGH, Severity.LOW],
                                        start=1)]
    outcome = CheckOutcome("sast", Verdict.FAIL, "bandit", "1", 0.0, Severity.HIGH)
    doc = _sarif(RunResult(Verdict.FAIL, (outcome,), tuple(findings), failing=frozenset({1})))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["properties"]["security-severity"]) for r in rules] == [
        ("B1", "9.5"), ("B1/advisory", "3.0")]
    # Only the failing finding is an error; the critical one above the threshold that does
    # not fail (in a legacy result without stamps: by the check's threshold) is a warning.
    assert [r["level"] for r in doc["runs"][0]["results"]] == ["warning", "error", "note"]


def test_results_reference_rules_and_locations(run_result: RunResult) -> None:
    doc = _sarif(run_result)
    for run in doc["runs"]:
        rules = run["tool"]["driver"]["rules"]
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            for loc in result.get("locations", []):
                artifact = loc["physicalLocation"]["artifactLocation"]
                assert artifact["uriBaseId"] == "%SRCROOT%"
                assert not artifact["uri"].startswith(("/", "./", "file:"))
    deps = _run_for(doc, "dependencies")["results"]
    no_line = next(r for r in deps if r["ruleId"] == "GHSA-g4mx-q9vg-27p4/advisory")
    assert "region" not in no_line["locations"][0]["physicalLocation"]
    assert "Fixed in: 1.26.18, 2.0.7." in no_line["message"]["text"]
    iac = _run_for(doc, "iac")["results"][0]
    assert iac["locations"][0]["physicalLocation"]["region"] == {"startLine": 5, "endLine": 9}


def test_levels_follow_severity(run_result: RunResult) -> None:
    doc = _sarif(run_result)
    levels = {r["ruleId"]: r["level"] for run in doc["runs"] for r in run["results"]}
    assert levels["AWS Access Key"] == "error"
    assert levels["B602"] == "error"
    # error exactly when the finding fails (sast fails on medium here); findings that do
    # not fail where they are carry an advisory rule of their own, at most a warning.
    assert levels["B307"] == "error"
    assert levels["B101/advisory"] == "note"


def test_partial_fingerprints_are_ours_and_unique(run_result: RunResult) -> None:
    doc = _sarif(run_result)
    prints = [r["partialFingerprints"]["gate/v1"] for run in doc["runs"] for r in run["results"]]
    assert len(prints) == len(set(prints))
    ours = {f.fingerprint for f in run_result.findings}
    assert all(p.split(":")[0] in ours for p in prints)
    b307 = [r["partialFingerprints"]["gate/v1"] for r in _run_for(doc, "sast")["results"]
            if r["ruleId"] == "B307"]
    assert b307[1] == f"{b307[0]}:2"  # identical flagged lines stay two alerts


def test_suppressed_findings_are_carried_as_suppressions(run_result: RunResult) -> None:
    doc = _sarif(run_result)
    b101 = next(r for r in _run_for(doc, "sast")["results"] if r["ruleId"] == "B101/advisory")
    assert b101["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                     "justification": "inline: asserts are fine in tests"}]
    s3 = next(r for r in _run_for(doc, "iac")["results"] if r["ruleId"] == "GATE-AWS-S3-002")
    assert s3["suppressions"][0]["kind"] == "external"
    assert "expires 2027-03-31" in s3["suppressions"][0]["justification"]
    unsuppressed = [r for run in doc["runs"] for r in run["results"] if "suppressions" not in r]
    assert len(unsuppressed) == len(run_result.active_findings())


def test_check_errors_and_unscanned_files_are_notifications(run_result: RunResult) -> None:
    doc = _sarif(run_result)
    deps = _run_for(doc, "dependencies")["invocations"][0]
    assert deps["executionSuccessful"] is False
    assert deps["toolExecutionNotifications"][0]["level"] == "error"
    assert "requirements-dev.txt" in deps["toolExecutionNotifications"][0]["message"]["text"]
    sast = _run_for(doc, "sast")["invocations"][0]
    assert sast["executionSuccessful"] is True
    note = sast["toolExecutionNotifications"][0]
    assert note["descriptor"]["id"] == "gate/not-scanned"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/broken.py"
    gate_notes = doc["runs"][0]["conversion"]["invocation"]["toolExecutionNotifications"]
    assert any("assets/logo.png" in n["message"]["text"] for n in gate_notes)
    assert any("waiver for B105" in n["message"]["text"] for n in gate_notes)
    assert "invocation" not in doc["runs"][1]["conversion"]  # said once, not per run


def test_result_limit_cuts_least_severe_and_says_so(run_result: RunResult,
                                                    sarif_schema: dict[str, Any]) -> None:
    doc = _sarif(run_result, max_results_per_run=2)
    _valid(doc, sarif_schema)
    sast = _run_for(doc, "sast")
    assert [r["ruleId"] for r in sast["results"]] == ["B602", "B307"]
    assert sast["properties"]["gate/omittedResults"] == 2
    assert sast["properties"]["gate/omittedBySeverity"] == {"medium": 1, "low": 1}
    notes = sast["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"] == "gate/results-truncated" for n in notes)
    assert [r["id"] for r in sast["tool"]["driver"]["rules"]] == ["B602", "B307"]
    assert "gate/omittedResults" not in _run_for(doc, "secrets")["properties"]


def test_size_limit_keeps_failing_findings_longest(make_run: Any) -> None:
    noise = [hashlib.sha256(str(n).encode()).hexdigest() * 8 for n in range(200)]
    findings = [Finding("sast", f"B{n}", Severity.LOW, noise[n], Location(f"f{n}.py", 1, 1),
                        content_fingerprint("sast", f"B{n}", f"f{n}.py", str(n)))
                for n in range(200)]
    findings.append(Finding("sast", "B602", Severity.HIGH, "keep me", Location("a.py", 1, 1),
                            "fp-high"))
    checks = [CheckOutcome("sast", Verdict.FAIL, "bandit", "1", 0.0, Severity.HIGH)]
    run = make_run(findings=findings, checks=checks)
    limit = gzip_size(SarifReporter().render(run)) // 3
    doc = json.loads(SarifReporter(max_gzip_bytes=limit).render(run))
    results = doc["runs"][0]["results"]
    assert 0 < len(results) < len(findings)
    assert results[0]["ruleId"] == "B602"
    assert doc["runs"][0]["properties"]["gate/omittedResults"] == len(findings) - len(results)
    assert gzip_size(json.dumps(doc, indent=2)) <= limit


def test_tool_text_cannot_forge_links_and_paths_are_uri_encoded(make_run: Any) -> None:
    f = Finding("sast", "B1", Severity.HIGH, "see [here](https://evil.example) \\o/",
                Location("./src/my file#1.py", 3, 2), "fp1")
    checks = [CheckOutcome("sast", Verdict.FAIL, "bandit", "1", 0.0, Severity.HIGH)]
    result = _sarif(make_run(findings=[f], checks=checks))["runs"][0]["results"][0]
    assert result["message"]["text"] == "see \\[here\\](https://evil.example) \\\\o/"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "src/my%20file%231.py"
    assert loc["region"] == {"startLine": 3, "endLine": 3}  # end before start is clamped


def test_unsafe_help_url_is_dropped(make_run: Any) -> None:
    f = Finding("sast", "B1", Severity.HIGH, "m", Location("a.py", 1, 1), "fp1",
                help_url="javascript:alert(1)")
    checks = [CheckOutcome("sast", Verdict.FAIL, "bandit", "1", 0.0, Severity.HIGH)]
    rule = _sarif(make_run(findings=[f], checks=checks))["runs"][0]["tool"]["driver"]["rules"][0]
    assert "helpUri" not in rule


@pytest.mark.parametrize("not_scanned", [0, 1500])
def test_notifications_are_capped(make_run: Any, not_scanned: int,
                                  sarif_schema: dict[str, Any]) -> None:
    items = tuple(NotScanned(f"big/{n}.bin", "too large") for n in range(not_scanned))
    checks = [CheckOutcome("sast", Verdict.PASS, "bandit", "1", 0.0, Severity.HIGH,
                           not_scanned=items)]
    doc = _sarif(make_run(findings=[], checks=checks, not_scanned=()))
    _valid(doc, sarif_schema)
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == min(not_scanned, 1001)


def test_related_locations_and_code_flows(make_run: Any, sarif_schema: dict[str, Any]) -> None:
    from gate.findings import FlowStep, RelatedLocation

    f = Finding(check="sast", rule_id="GATE-PY-SQLI", severity=Severity.HIGH, message="SQL",
                location=Location("app/v.py", 10, 10), fingerprint="x1", context="test",
                related=(RelatedLocation(Location("infra/main.tf", 3, 3), "via module call"),),
                flow=(FlowStep(Location("app/v.py", 8, 8), "request.args.get(q)"),
                      FlowStep(Location("app/v.py", 10, 10), "cursor.execute")))
    doc = _sarif(make_run(findings=[f]))
    _valid(doc, sarif_schema)
    result = _run_for(doc, "sast")["results"][0]
    assert result["properties"]["gate/context"] == "test"
    assert result["relatedLocations"] == [{
        "id": 1, "physicalLocation": {
            "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 3, "endLine": 3}},
        "message": {"text": "via module call"}}]
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["message"]["text"] for s in steps] == ["request.args.get(q)", "cursor.execute"]
    assert [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps] == [8, 10]

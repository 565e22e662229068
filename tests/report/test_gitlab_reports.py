"""GitLab security reports (schema 15.x) and Code Quality: required structure and content.

GitLab's own schemas are not vendored; the subset below restates what the
15.0.x schemas require (top-level keys, the scan object, the vulnerability
fields GitLab validates, and each report type's location), so a report that
passes here passes GitLab's validation for those keys.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from jsonschema import Draft7Validator

from gate.findings import Finding, Location, Severity
from gate.report.codequality import CodeQualityReporter
from gate.report.gitlab import (
    GitlabDependenciesReporter,
    GitlabSastReporter,
    GitlabSecretsReporter,
)
from gate.report.interface import Reporter
from gate.result import CheckOutcome, RunResult, Verdict

_TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"}
_NAMED = {"type": "object", "required": ["id", "name", "version", "vendor"],
          "properties": {"id": {"type": "string", "minLength": 1},
                         "name": {"type": "string", "minLength": 1},
                         "version": {"type": "string", "minLength": 1},
                         "vendor": {"type": "object", "required": ["name"],
                                    "properties": {"name": {"type": "string", "minLength": 1}}}}}
_LINES = {"file": {"type": "string", "minLength": 1}, "start_line": {"type": "number"},
          "end_line": {"type": "number"}}
_LOCATIONS: dict[str, dict[str, Any]] = {
    "sast": {"type": "object", "required": ["file"], "properties": _LINES},
    "secret_detection": {"type": "object", "required": ["file", "commit"], "properties": {
        **_LINES, "commit": {"type": "object", "required": ["sha"],
                             "properties": {"sha": {"type": "string", "minLength": 1}}}}},
    "dependency_scanning": {"type": "object", "required": ["file", "dependency"], "properties": {
        "file": {"type": "string", "minLength": 1},
        "dependency": {"type": "object", "required": ["package", "version"], "properties": {
            "package": {"type": "object", "required": ["name"],
                        "properties": {"name": {"type": "string", "minLength": 1}}},
            "version": {"type": "string"}}}}},
}


def _schema(report_type: str) -> dict[str, Any]:
    required = ["scan", "version", "vulnerabilities"]
    if report_type == "dependency_scanning":
        required.append("dependency_files")
    return {
        "type": "object", "required": required,
        "properties": {
            "version": {"type": "string", "pattern": r"^15\.\d+\.\d+$"},
            "schema": {"type": "string", "pattern": "^https?://.+"},
            "scan": {"type": "object",
                     "required": ["analyzer", "end_time", "scanner", "start_time", "status",
                                  "type"],
                     "properties": {
                         "analyzer": _NAMED, "scanner": _NAMED, "start_time": _TIME,
                         "end_time": _TIME, "status": {"enum": ["success", "failure"]},
                         "type": {"const": report_type},
                         "messages": {"type": "array", "items": {
                             "type": "object", "required": ["level", "value"],
                             "properties": {"level": {"enum": ["info", "warn", "fatal"]},
                                            "value": {"type": "string", "minLength": 1}}}}}},
            "vulnerabilities": {"type": "array", "items": {
                "type": "object", "required": ["id", "identifiers", "location"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "name": {"type": "string", "maxLength": 255},
                    "description": {"type": "string", "maxLength": 1048576},
                    "severity": {"enum": ["Info", "Unknown", "Low", "Medium", "High",
                                          "Critical"]},
                    "solution": {"type": "string", "maxLength": 7000},
                    "identifiers": {"type": "array", "minItems": 1, "items": {
                        "type": "object", "required": ["type", "name", "value"],
                        "properties": {"type": {"type": "string", "minLength": 1},
                                       "name": {"type": "string", "minLength": 1},
                                       "value": {"type": "string", "minLength": 1},
                                       "url": {"type": "string",
                                               "pattern": "^(https?|ftp)://.+"}}}},
                    "links": {"type": "array", "items": {
                        "type": "object", "required": ["url"],
                        "properties": {"url": {"type": "string",
                                               "pattern": "^(https?|ftp)://.+"}}}},
                    "tracking": {"type": "object", "required": ["items"]},
                    "location": _LOCATIONS[report_type]}}},
            "dependency_files": {"type": "array", "items": {
                "type": "object", "required": ["path", "package_manager", "dependencies"],
                "properties": {"path": {"type": "string", "minLength": 1},
                               "package_manager": {"type": "string", "minLength": 1}}}},
        },
    }


REPORTERS: list[tuple[Reporter, str]] = [
    (GitlabSastReporter(), "sast"),
    (GitlabSecretsReporter(), "secret_detection"),
    (GitlabDependenciesReporter(), "dependency_scanning"),
]


def _render(reporter: Reporter, run: RunResult) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(reporter.render(run))
    return loaded


@pytest.mark.parametrize(("reporter", "report_type"), REPORTERS)
def test_required_structure(run_result: RunResult, reporter: Reporter, report_type: str) -> None:
    doc = _render(reporter, run_result)
    errors = list(Draft7Validator(_schema(report_type)).iter_errors(doc))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert doc["version"] == "15.0.7"
    for vuln in doc["vulnerabilities"]:
        assert uuid.UUID(vuln["id"]).version == 5


def test_each_report_carries_its_checks(run_result: RunResult) -> None:
    sast = _render(GitlabSastReporter(), run_result)["vulnerabilities"]
    secrets = _render(GitlabSecretsReporter(), run_result)["vulnerabilities"]
    deps = _render(GitlabDependenciesReporter(), run_result)["vulnerabilities"]
    assert sorted(v["identifiers"][0]["value"] for v in sast) == [
        "B307", "B307", "B602", "GATE-AWS-SG-001"]  # sast and iac, suppressed ones left out
    assert [v["identifiers"][0]["value"] for v in secrets] == ["AWS Access Key"]
    assert sorted(v["location"]["dependency"]["package"]["name"] for v in deps) == [
        "requests", "urllib3"]


def test_suppressed_findings_are_left_out_and_counted(run_result: RunResult) -> None:
    scan = _render(GitlabSastReporter(), run_result)["scan"]
    info = [m["value"] for m in scan["messages"] if m["level"] == "info"]
    assert any(v.startswith("2 suppressed finding(s) not reported") for v in info)


def test_scan_reflects_the_tools_and_the_error(run_result: RunResult) -> None:
    deps = _render(GitlabDependenciesReporter(), run_result)["scan"]
    assert deps["status"] == "failure"
    assert deps["messages"][0]["level"] == "fatal"
    assert deps["scanner"]["id"] == "gate-dependencies"
    assert "pip-audit 2.7.3" in deps["scanner"]["name"]
    sast = _render(GitlabSastReporter(), run_result)["scan"]
    assert sast["status"] == "success"
    assert sast["start_time"] == "2025-06-01T12:00:00"
    assert sast["end_time"] == "2025-06-01T12:00:12"
    assert any("app/broken.py" in m["value"] for m in sast["messages"])


def test_identifiers_solution_and_dependency_files(run_result: RunResult) -> None:
    doc = _render(GitlabDependenciesReporter(), run_result)
    requests_vuln = next(v for v in doc["vulnerabilities"]
                         if v["location"]["dependency"]["package"]["name"] == "requests")
    kinds = {i["type"]: i for i in requests_vuln["identifiers"]}
    assert kinds["gate_dependencies"]["value"] == "PYSEC-2023-74"
    assert kinds["cve"]["url"] == "https://nvd.nist.gov/vuln/detail/CVE-2023-32681"
    assert kinds["ghsa"]["value"] == "GHSA-j8r2-6x86-q33q"
    assert requests_vuln["location"] == {"file": "requirements.txt", "dependency": {
        "package": {"name": "requests"}, "version": "2.25.0"}}
    assert "2.31.0" in requests_vuln["solution"]
    urllib3 = next(v for v in doc["vulnerabilities"] if v is not requests_vuln)
    assert {"ghsa", "cve"} <= {i["type"] for i in urllib3["identifiers"]}  # rule id is a GHSA
    assert doc["dependency_files"] == [{"path": "requirements.txt", "package_manager": "pip",
                                        "dependencies": [
                                            {"package": {"name": "requests"}, "version": "2.25.0"},
                                            {"package": {"name": "urllib3"}, "version": "1.26.5"}]}]


def test_sast_location_cwe_and_tracking(run_result: RunResult) -> None:
    vulns = _render(GitlabSastReporter(), run_result)["vulnerabilities"]
    b602 = next(v for v in vulns if v["identifiers"][0]["value"] == "B602")
    assert b602["location"] == {"file": "app/run.py", "start_line": 12, "end_line": 12}
    assert b602["severity"] == "High"
    cwe = next(i for i in b602["identifiers"] if i["type"] == "cwe")
    assert cwe == {"type": "cwe", "name": "CWE-78", "value": "78",
                   "url": "https://cwe.mitre.org/data/definitions/78.html"}
    signature = b602["tracking"]["items"][0]["signatures"][0]
    finding = next(f for f in run_result.findings if f.rule_id == "B602")
    assert signature == {"algorithm": "hash", "value": finding.fingerprint}
    iac = next(v for v in vulns if v["identifiers"][0]["value"] == "GATE-AWS-SG-001")
    assert {"type": "checkov", "name": "CKV_AWS_24", "value": "CKV_AWS_24"} in iac["identifiers"]
    assert iac["severity"] == "Critical"


def test_secret_location_names_the_commit(run_result: RunResult, make_run: Any) -> None:
    vuln = _render(GitlabSecretsReporter(), run_result)["vulnerabilities"][0]
    assert vuln["location"]["commit"] == {"sha": run_result.context["sha"]}
    assert "raw_source_code_extract" not in vuln
    local = make_run(context={})
    assert _render(GitlabSecretsReporter(), local)["vulnerabilities"][0]["location"][
        "commit"] == {"sha": "0000000"}


def test_description_is_inert_markdown(make_run: Any) -> None:
    f = Finding("sast", "B1", Severity.HIGH, "ping @admin ![x](https://evil/x.png) <b>hi</b>",
                Location("a.py", 1, 1), "fp")
    checks = [CheckOutcome("sast", Verdict.FAIL, "bandit", "1", 0.0, Severity.HIGH)]
    vuln = _render(GitlabSastReporter(), make_run(findings=[f], checks=checks))[
        "vulnerabilities"][0]
    assert "@admin" not in vuln["description"]
    assert "![x](" not in vuln["description"] and "<b>" not in vuln["description"]


def test_no_check_of_a_kind_ran(make_run: Any) -> None:
    checks = [CheckOutcome("sast", Verdict.PASS, "bandit", "1", 0.0, Severity.HIGH)]
    doc = _render(GitlabDependenciesReporter(), make_run(findings=[], checks=checks))
    assert doc["vulnerabilities"] == [] and doc["dependency_files"] == []
    assert doc["scan"]["messages"] == [{"level": "info",
                                        "value": "no gate check of this type ran"}]


def test_unknown_start_time_still_valid(make_run: Any) -> None:
    doc = _render(GitlabSastReporter(), make_run(started_at=""))
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", doc["scan"]["start_time"])


def test_codequality_required_fields(run_result: RunResult) -> None:
    issues = json.loads(CodeQualityReporter().render(run_result))
    assert len(issues) == len(run_result.active_findings())
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert not issue["location"]["path"].startswith(("./", "/"))
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    by_check = {i["check_name"]: i for i in issues}
    assert by_check["gate/iac/GATE-AWS-SG-001"]["severity"] == "blocker"
    assert by_check["gate/iac/GATE-AWS-SG-001"]["location"]["lines"] == {"begin": 5, "end": 9}
    assert by_check["gate/dependencies/GHSA-g4mx-q9vg-27p4"]["location"]["lines"] == {"begin": 1}
    assert by_check["gate/sast/B602"]["severity"] == "critical"


def test_codequality_paths_lose_leading_dot_slash(make_run: Any) -> None:
    f = Finding("sast", "B1", Severity.MEDIUM, "m", Location("./src/a.py", 0, 0), "fp")
    checks = [CheckOutcome("sast", Verdict.FAIL, "bandit", "1", 0.0, Severity.HIGH)]
    issue = json.loads(CodeQualityReporter().render(make_run(findings=[f], checks=checks)))[0]
    assert issue["location"] == {"path": "src/a.py", "lines": {"begin": 1}}
    assert issue["severity"] == "major"

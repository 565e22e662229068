"""One fix per pin: grouping dependency findings and the smallest version fixing them all."""

from __future__ import annotations

import json

import pytest

from gate.findings import Finding, Location, Severity, Suppression, content_fingerprint
from gate.report.grouping import group_packages, package_to_dict, smallest_fix
from gate.result import RunResult
from gate.serialize import from_dict, to_dict


@pytest.mark.parametrize(("current", "fixed", "expected"), [
    ("2.19.0", [["2.20.0"]], "2.20.0"),
    # the highest of the per-advisory minimums
    ("1.24.1", [["1.24.2"], ["1.24.3"], ["1.26.5"], ["1.26.18", "2.0.7"]], "1.26.18"),
    # fixed on two lines: 1.26.18 is on the 1.x line of the 1.26.17 fix
    ("1.24.1", [["1.26.17", "2.0.6"], ["1.26.18", "2.0.7"]], "1.26.18"),
    # already on 2.x: only the 2.x fixes are above the pin
    ("2.0.3", [["1.26.17", "2.0.6"], ["1.26.18", "2.0.7"]], "2.0.7"),
    # 2.0.6 is above 1.26.18 but not a fix for an advisory fixed in 1.26.18 and 2.0.7 ...
    ("1.24.1", [["2.0.6"], ["1.26.18", "2.0.7"]], "2.0.7"),
    # ... and Django-like minor lines: 4.1.13 fixes, 4.2.0 does not
    ("4.1.0", [["4.1.13", "4.2.7"], ["4.1.12", "4.2.6"]], "4.1.13"),
    ("4.1.0", [["4.1.13", "4.2.7"], ["4.2.6"]], "4.2.7"),
    # reintroduced on the next minor line (keystonemiddleware PYSEC-2016-20): 1.6.0 is not a fix
    ("1.2.0", [["1.6.0"], ["1.5.4", "2.3.3"]], "2.3.3"),
    ("5.3", [["5.4"], []], None),  # one advisory without a fix: no single fix
    ("5.3", [["not a version"]], None),
    ("5.3", [], None),
])
def test_smallest_fix(current: str, fixed: list[list[str]], expected: str | None) -> None:
    assert smallest_fix(current, fixed) == expected


def _dep(rule: str, package: str, version: str, fixed: tuple[str, ...], severity: Severity,
         path: str = "requirements.txt", line: int | None = 3, **kw: object) -> Finding:
    return Finding(check="dependencies", rule_id=rule, severity=severity, message=rule,
                   location=Location(path, line, line),
                   fingerprint=content_fingerprint("dependencies", rule, path, package),
                   package=package, version=version, fixed_versions=fixed, **kw)  # type: ignore[arg-type]


def test_group_per_pin_with_highest_severity_and_failing() -> None:
    findings = [
        _dep("PYSEC-2023-192", "urllib3", "1.24.1", ("1.26.17", "2.0.6"), Severity.HIGH),
        _dep("PYSEC-2019-132", "urllib3", "1.24.1", ("1.24.3",), Severity.MEDIUM),
        _dep("PYSEC-2023-212", "urllib3", "1.24.1", ("1.26.18", "2.0.7"), Severity.LOW),
        _dep("PYSEC-2023-212", "urllib3", "1.24.1", ("1.26.18", "2.0.7"), Severity.LOW,
             path="requirements-dev.txt", line=None),
        _dep("PYSEC-2022-42969", "py", "1.11.0", (), Severity.MEDIUM, line=7),
        _dep("PYSEC-2021-142", "pyyaml", "5.3", ("5.4",), Severity.CRITICAL,
             suppression=Suppression("waiver", "accepted")),
        Finding(check="sast", rule_id="B101", severity=Severity.LOW, message="assert",
                location=Location("a.py", 1, 1), fingerprint="x"),
    ]
    groups = group_packages(findings, failing={0})
    assert [package_to_dict(g) for g in groups] == [
        {"package": "urllib3", "version": "1.24.1", "path": "requirements.txt", "line": 3,
         "advisories": ["PYSEC-2019-132", "PYSEC-2023-192", "PYSEC-2023-212"],
         "severity": "high", "fix_version": "1.26.18", "unfixed": [], "failing": True,
         "findings": 3},
        {"package": "py", "version": "1.11.0", "path": "requirements.txt", "line": 7,
         "advisories": ["PYSEC-2022-42969"], "severity": "medium", "fix_version": None,
         "unfixed": ["PYSEC-2022-42969"], "failing": False, "findings": 1},
        {"package": "urllib3", "version": "1.24.1", "path": "requirements-dev.txt", "line": None,
         "advisories": ["PYSEC-2023-212"], "severity": "low", "fix_version": "1.26.18",
         "unfixed": [], "failing": False, "findings": 1},
    ]
    assert groups[0].findings == (0, 1, 2)


def test_json_report_has_one_entry_per_pin(run_result: RunResult) -> None:
    data = to_dict(run_result)
    assert list(data)[-2:] == ["packages", "findings"]
    assert data["packages"] == [
        {"package": "requests", "version": "2.25.0", "path": "requirements.txt", "line": 3,
         "advisories": ["PYSEC-2023-74"], "severity": "medium", "fix_version": "2.31.0",
         "unfixed": [], "failing": False, "findings": 1},
        {"package": "urllib3", "version": "1.26.5", "path": "requirements.txt", "line": None,
         "advisories": ["GHSA-g4mx-q9vg-27p4"], "severity": "low", "fix_version": "1.26.18",
         "unfixed": [], "failing": False, "findings": 1},
    ]
    # the findings themselves are unchanged, and a saved report reads back the same
    assert from_dict(json.loads(json.dumps(data))).findings == run_result.findings

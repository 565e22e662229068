"""The JSON contract round-trips: what gate publish and gate merge read back is what was run."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gate.checks.interface import NotScanned
from gate.findings import Confidence, Finding, Location, Severity, Suppression
from gate.report.json import JsonReporter
from gate.result import CheckOutcome, RunResult
from gate.serialize import SerializeError, from_dict, to_dict


def _run() -> RunResult:
    findings = (
        Finding(check="dependencies", rule_id="PYSEC-2018-28", severity=Severity.HIGH,
                message="Requests leaks credentials", location=Location("requirements.txt", 3, 3),
                fingerprint="f1", aliases=("CVE-2018-18074",), package="requests",
                version="2.19.1", fixed_versions=("2.20.0",), fix="upgrade to >= 2.20.0"),
        Finding(check="sast", rule_id="B101", severity=Severity.LOW, confidence=Confidence.HIGH,
                message="assert used", location=Location("t.py", 1, 1), fingerprint="f2",
                cwe=("CWE-703",), suppression=Suppression("waiver", "tests", "@me",
                                                          date(2027, 1, 1), ("B101",)),
                new=False, extra=(("test_name", "assert_used"),)),
    )
    outcome = CheckOutcome(name="sast", verdict="pass", tool="bandit", tool_version="1.9",
                           duration=0.5, fail_on=Severity.MEDIUM, files_scanned=3,
                           errors=(), not_scanned=(NotScanned("bad.py", "syntax error", 2),))
    return RunResult(verdict="fail", checks=(outcome,), findings=findings, failing=frozenset({0}),
                     gate_version="0.1.0", policy_source=".gate.yml", started_at="t",
                     duration=1.5, context={"platform": "local"},
                     not_scanned=(NotScanned("img.png", "binary file"),))


def test_round_trip() -> None:
    run = _run()
    text = JsonReporter().render(run)
    back = from_dict(json.loads(text))
    assert back.findings == run.findings
    assert back.failing == run.failing
    assert back.checks == run.checks
    assert back.not_scanned == run.not_scanned
    assert to_dict(back) == to_dict(run)


def test_contract_keys() -> None:
    data = to_dict(_run())
    assert list(data)[:3] == ["schema_version", "gate_version", "verdict"]
    f = data["findings"][0]
    for key in ("check", "rule_id", "severity", "confidence", "path", "start_line", "end_line",
                "message", "help_url", "cwe", "aliases", "fingerprint", "package", "version",
                "fixed_versions", "suppressed", "new"):
        assert key in f
    check = data["checks"][0]
    for key in ("name", "status", "tool", "tool_version", "duration", "counts", "errors",
                "not_scanned"):
        assert key in check
    assert data["summary"]["suppressed"] == 1


def test_rejects_other_schema_versions() -> None:
    with pytest.raises(SerializeError, match="schema_version"):
        from_dict({"schema_version": "2.0"})
    with pytest.raises(SerializeError, match="not a gate JSON report"):
        from_dict({"schema_version": "1.0"})


def test_context_related_locations_and_flow_round_trip() -> None:
    from gate.findings import FlowStep, RelatedLocation

    flawed = Finding(
        check="sast", rule_id="GATE-PY-SQLI", severity=Severity.HIGH, message="SQL from request",
        location=Location("app/views.py", 10, 10), fingerprint="f3", context="test",
        related=(RelatedLocation(Location("infra/main.tf", 3, 5), "module call"),),
        flow=(FlowStep(Location("app/views.py", 8, 8), "request.args['q']"),
              FlowStep(Location("app/views.py", 10, 10), "cursor.execute")))
    run = _run()
    run = RunResult(verdict=run.verdict, checks=run.checks, findings=(*run.findings, flawed),
                    failing=run.failing, gate_version=run.gate_version)
    back = from_dict(json.loads(JsonReporter().render(run)))
    assert back.findings[-1] == flawed
    assert back.findings[0].context == "code"

"""What triage adds to the JSON report round-trips (``gate publish`` reads it back)."""

from __future__ import annotations

from datetime import date

from gate.findings import Finding, Location, Severity, Suppression
from gate.result import RunResult
from gate.serialize import from_dict, to_dict
from gate.triage.interface import WaiverState, WaiverStatus


def test_triage_fields_round_trip() -> None:
    waived = Finding(check="sast", rule_id="B101", severity=Severity.LOW, message="m",
                     location=Location("t.py", 1, 1), fingerprint="a", new=False,
                     suppression=Suppression(kind="waiver", reason="tests", source="waivers[0]",
                                             expires=date(2030, 1, 1), rules=("B101",)))
    new = Finding(check="sast", rule_id="B602", severity=Severity.HIGH, message="m",
                  location=Location("a.py", 2, 2), fingerprint="b", new=True,
                  extra=(("inline_refused", "no reason"),))
    run = RunResult(
        verdict="fail", checks=(), findings=(new, waived), failing=frozenset({0}),
        policy_changed=(".gate.yml",),
        waivers=(WaiverStatus(index=0, rule="B101", reason="tests", state=WaiverState.EXPIRING,
                              matched=1, paths=("tests/**",), expires=date(2030, 1, 1),
                              owner="@qa"),),
    )
    data = to_dict(run)
    assert data["summary"]["new"] == 1
    assert data["policy_changed"] == [".gate.yml"]
    assert data["waivers"][0]["state"] == "expiring"
    assert from_dict(data) == run

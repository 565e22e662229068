"""The runner's check workers: memory-limited, and what they send back is redacted."""

from __future__ import annotations

from pathlib import Path

from gate.checks.interface import Check, CheckResult, ScanTarget
from gate.findings import Finding, Location, Severity
from gate.limits import WorkerLimits
from gate.runner import CheckJob, run_checks


class HogCheck(Check):
    """Allocates until the worker's address-space limit stops it."""

    name = "hog"
    tool = "none"

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))


class LeakyCheck(Check):
    """Quotes a URL with credentials in a finding and a warning."""

    name = "leaky"
    tool = "none"

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        url = "https://deploy:" + "hunter2tok" + "@example.com/x?token=" + "abc123tok"
        finding = Finding(check="leaky", rule_id="L1", severity=Severity.HIGH,
                          message=f"fetches {url}", location=Location("a", 1, 1),
                          fingerprint="f" * 32)
        return CheckResult(check="leaky", tool="none", tool_version="0", findings=(finding,),
                           warnings=(f"slow: {url}",))


def _job(name: str, tmp_path: Path) -> CheckJob:
    scan = ScanTarget(root=tmp_path, files=(), limits=WorkerLimits(memory_mb=400))
    return CheckJob(name=name, target=f"test_runner_limits:{name.title()}Check", scan=scan,
                    timeout=120)


def test_a_check_over_the_memory_limit_is_an_error_saying_so(tmp_path: Path) -> None:
    result = run_checks([_job("hog", tmp_path)])["hog"]
    assert result.errors == ("exceeded the memory limit (400 MB)",)


def test_what_a_worker_sends_back_is_redacted(tmp_path: Path) -> None:
    result = run_checks([_job("leaky", tmp_path)])["leaky"]
    assert result.findings[0].message == (
        "fetches https://[REDACTED]@example.com/x?token=[REDACTED]")
    assert result.warnings == ("slow: https://[REDACTED]@example.com/x?token=[REDACTED]",)
    assert result.findings[0].fingerprint != "f" * 32

"""The runner's check workers: memory-limited, and what they send back is redacted."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from gate.checks.interface import Check, CheckResult, ScanTarget
from gate.findings import Finding, Location, Severity
from gate.limits import WorkerLimits
from gate.pipeline import RunOptions, run
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


class EchoCheck(Check):
    """Reports the limits its worker was given."""

    name = "echo"
    tool = "none"

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        limits = target.limits
        return CheckResult(check="echo", tool="none", tool_version="0",
                           warnings=(f"{limits.memory_mb} MB, {limits.file_seconds:g} s",))


@pytest.mark.parametrize(("memory", "seconds", "expected"), [
    (None, None, "512 MB, 7 s"), (300, None, "300 MB, 7 s"), (None, 2.5, "512 MB, 2.5 s")])
def test_limits_come_from_the_policy_and_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        memory: int | None, seconds: float | None, expected: str) -> None:
    monkeypatch.setattr("gate.checks.registry.BUILTIN_CHECKS",
                        {"echo": "test_runner_limits:EchoCheck"})
    (tmp_path / ".gate.yml").write_text("limits:\n  memory_mb: 512\n  file_seconds: 7\n")
    result = run(RunOptions(path=tmp_path, post=False, memory_mb=memory, file_seconds=seconds,
                            env={}))
    assert [c.warnings for c in result.checks] == [(expected,)]


class NeverReadsCheck(Check):
    """Reads no file; its run would fail, so a result without errors proves no worker ran it."""

    name = "never"
    tool = "none"

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        return False

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        raise RuntimeError("a worker ran an idle check")


def test_a_check_with_nothing_to_read_gets_no_worker(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    scan = ScanTarget(root=tmp_path, files=("a.py",))
    done: list[str] = []
    results = run_checks([CheckJob(name="never", target="test_runner_limits:NeverReadsCheck",
                                   scan=scan, timeout=60)], on_done=lambda r: done.append(r.check))
    assert results["never"] == CheckResult(check="never", tool="none", tool_version="0")
    assert done == ["never"]


def test_a_worker_forked_from_a_big_parent_still_gets_its_whole_budget(tmp_path: Path) -> None:
    """The limit bounds what a worker maps beyond its start: a parent holding more than the
    budget (as a long test process does) must not leave a forked worker without room."""
    ballast = bytearray(600 * 1024 * 1024)
    result = run_checks([_job("hog", tmp_path)])["hog"]
    assert result.errors == ("exceeded the memory limit (400 MB)",)
    assert len(ballast) == 600 * 1024 * 1024

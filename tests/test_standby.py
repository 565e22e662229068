"""Standby workers (gate.standby): forked before the jobs exist, loading their scanner meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from gate import standby
from gate.checks.interface import Check, CheckResult, ScanTarget
from gate.cli.early import _chosen
from gate.limits import WorkerLimits
from gate.processes import can_fork, defer_collection
from gate.runner import CheckJob, run_checks

PRELOADED = "test_standby_preloaded"
"""A module only a standby's preload imports (this file's directory is on ``sys.path``)."""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="standby workers exist only where the gate forks (Linux)")


def test_this_process_may_fork() -> None:
    assert can_fork()  # else every test below would pass for the wrong reason


class PreloadingCheck(Check):
    """Says, in its warning, whether its preload ran in the process that runs it, and its pid."""

    name = "preloading"
    tool = "none"
    preload_modules = (PRELOADED,)

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        loaded = "preloaded" if PRELOADED in sys.modules else "cold"
        return CheckResult(check=self.name, tool=self.tool, tool_version="0",
                           warnings=(f"{loaded} {os.getpid()}",))


TARGET = "test_standby:PreloadingCheck"

@pytest.fixture(autouse=True)
def _no_standby_left() -> Iterator[None]:
    yield
    standby.dismiss_all()
    sys.modules.pop(PRELOADED, None)


@pytest.fixture(autouse=True)
def _preloaded_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / f"{PRELOADED}.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))


def _job(tmp_path: Path, target: str = TARGET) -> CheckJob:
    scan = ScanTarget(root=tmp_path, files=("a.py",), limits=WorkerLimits(memory_mb=400))
    return CheckJob(name="preloading", target=target, scan=scan, timeout=120)


def test_a_standby_runs_its_job_with_its_preload_done(tmp_path: Path) -> None:
    standby.start([("preloading", TARGET)])
    assert standby.waiting() == ("preloading",)
    result = run_checks([_job(tmp_path)])["preloading"]
    assert result.errors == ()
    loaded, pid = result.warnings[0].split()
    assert loaded == "preloaded"
    assert int(pid) != os.getpid()
    assert PRELOADED not in sys.modules  # the preload happened in the standby, not here
    assert standby.waiting() == ()


def test_without_a_standby_the_worker_is_forked_cold(tmp_path: Path) -> None:
    result = run_checks([_job(tmp_path)])["preloading"]
    assert result.warnings[0].split()[0] == "cold"


def test_a_standby_loaded_for_another_target_is_stopped_and_a_fresh_worker_runs(
        tmp_path: Path) -> None:
    standby.start([("preloading", "fakechecks:FlawCheck")])
    process = standby._waiting["preloading"].process
    result = run_checks([_job(tmp_path)])["preloading"]
    assert result.warnings[0].split()[0] == "cold"
    assert not process.is_alive()
    assert standby.waiting() == ()


def test_a_standby_no_job_needs_is_dismissed_by_the_run(tmp_path: Path) -> None:
    standby.start([("preloading", TARGET), ("other", TARGET)])
    other = standby._waiting["other"].process
    run_checks([_job(tmp_path)])
    assert not other.is_alive()
    assert other.exitcode == -9
    assert standby.waiting() == ()


def test_dismiss_all_stops_every_waiting_standby() -> None:
    standby.start([("preloading", TARGET)])
    process = standby._waiting["preloading"].process
    assert process.is_alive()
    standby.dismiss_all()
    assert not process.is_alive()
    assert standby.waiting() == ()


def test_a_standby_whose_gate_died_exits(tmp_path: Path) -> None:
    """Even a SIGKILLed gate leaves no standby behind: its pipe closes and the standby exits."""
    script = textwrap.dedent(f"""
        import os, sys
        sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(tmp_path)!r}]
        from gate import standby
        standby.start([("preloading", {TARGET!r})])
        print(standby._waiting["preloading"].process.pid, flush=True)
        os.kill(os.getpid(), 9)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == -9
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited (its parent, init here, reaps it)


@pytest.mark.parametrize(("argv", "chosen"), [
    (["run", "."], (None, True)),
    (["run", "--checks", "iac,sast"], ({"iac", "sast"}, True)),
    (["run", "--checks=secrets", "--no-cache"], ({"secrets"}, False)),
    (["pre-push", "--help"], (set(), False)),
    (["run", "--checks"], (set(), False)),
])
def test_the_command_line_decides_which_standbys_start(
        argv: list[str], chosen: tuple[set[str] | None, bool]) -> None:
    """Which standbys start, and whether the run has a result cache (no ``--no-cache``)."""
    assert _chosen(argv) == chosen


def test_meanwhile_runs_once_while_the_workers_work(tmp_path: Path) -> None:
    standby.start([("preloading", TARGET)])
    calls: list[tuple[str, ...]] = []
    result = run_checks([_job(tmp_path)], meanwhile=lambda: calls.append(standby.waiting()))
    assert calls == [()]  # once, after every job was handed out
    assert result["preloading"].warnings[0].split()[0] == "preloaded"


def test_a_job_that_does_not_pickle_goes_to_a_freshly_forked_worker(tmp_path: Path) -> None:
    standby.start([("preloading", TARGET)])
    process = standby._waiting["preloading"].process
    job = _job(tmp_path)
    odd = CheckJob(job.name, job.target, replace(job.scan, options={"hook": lambda: None}),
                   job.timeout)
    result = run_checks([odd])["preloading"]
    assert result.errors == ()
    assert result.warnings[0].split()[0] == "cold"
    assert not process.is_alive()


class CollectingCheck(PreloadingCheck):
    """Says whether the cyclic garbage collector runs while it works."""

    def run(self, target: ScanTarget) -> CheckResult:
        import gc

        return CheckResult(check=self.name, tool=self.tool, tool_version="0",
                           warnings=(f"collecting {gc.isenabled()}",))


def test_a_worker_collects_though_it_was_forked_while_start_up_held_collection(
        tmp_path: Path) -> None:
    """``gate run`` holds the collector while it starts (gate.processes.defer_collection);
    a standby forked then, and a worker forked fresh, both collect when their job runs."""
    import gc

    job = replace(_job(tmp_path, "test_standby:CollectingCheck"), name="collecting")
    fresh = replace(job, name="fresh")
    defer_collection()
    try:
        standby.start([("collecting", job.target)])
        results = run_checks([job, fresh])
        assert gc.isenabled()  # the parent too, once the checks run
    finally:
        gc.enable()
    assert results["collecting"].warnings == ("collecting True",)
    assert results["fresh"].warnings == ("collecting True",)

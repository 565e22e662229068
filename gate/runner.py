"""Run checks in parallel worker processes, each with its own deadline.

Why processes and not threads: the tools are CPU-bound Python (the GIL would
serialise them), a tool that hangs must be killable, and a tool that crashes
the interpreter must not take the gate with it. Each worker sends back one
pickled :class:`CheckResult`; a worker that dies, raises or overruns its
deadline becomes a result whose ``errors`` say why (the policy decides
whether that fails the gate: fail-closed by default).

Workers are not daemonic, so that a check may run its own process pool
(:mod:`gate.checks.engine.pool`). Each worker leads its own process group:
stopping a check (timeout, crash, a stop signal: :mod:`gate.signals`) kills
the group, pool included. Each worker runs under :mod:`gate.limits` (an
address-space limit, and death with the gate even when the gate is SIGKILLed).
Everything a worker sends back is redacted first (:mod:`gate.redact`).
The checks' pools share ``--jobs`` CPU tokens, so that together they never
run more chunks at once than the machine was given.

Workers are forked where that is safe and spawned elsewhere
(:mod:`gate.processes`): a forked worker starts in milliseconds, a spawned
one re-imports the gate first. A check with nothing to read in the run
gets its result without a worker at all (:mod:`gate.checks.idle`). A check
whose standby worker was forked early, while the gate was still planning,
gets that one, its scanner already loaded (:mod:`gate.standby`). What runs
inside a worker is :mod:`gate.worker`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

from gate.checks.engine.tokens import CpuTokens
from gate.checks.idle import idle_result
from gate.checks.interface import CheckResult
from gate.processes import freezing, resume_collection, worker_context
from gate.signals import raise_pending, starting_workers
from gate.standby import dismiss_all, take
from gate.standby import waiting as standbys_waiting
from gate.worker import CheckJob, worker_main

__all__ = ["CheckJob", "run_checks"]


def _kill_tree(proc: BaseProcess) -> None:
    """Kill a worker and whatever it started (its group); reap it."""
    if proc.pid is not None and hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.is_alive():
        proc.kill()
    proc.join(timeout=5)


def _sweep(proc: BaseProcess) -> None:
    """Kill what a finished worker left behind in its group (a pool orphaned by a crash)."""
    if proc.pid is not None and hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)


def _error_result(job: CheckJob, message: str, duration: float) -> CheckResult:
    return CheckResult(check=job.name, tool=job.name, tool_version="", errors=(message,),
                       duration=duration)


def run_checks(jobs: list[CheckJob],
               on_done: Callable[[CheckResult], None] | None = None,
               meanwhile: Callable[[], None] | None = None) -> dict[str, CheckResult]:
    """Run every job concurrently; return results by check name, in the jobs' order.

    ``meanwhile`` is called in this process once every worker has started, before
    waiting for them: work the caller needs only afterwards (imports) is done there
    instead of delaying the workers' start. A stop signal raised in it stops the run.
    """
    cpus = max((job.scan.jobs for job in jobs), default=1)
    with tempfile.TemporaryDirectory(prefix="gate-cpu-") as tokens:
        CpuTokens.create(Path(tokens), cpus)
        shared = [replace(job, scan=replace(job.scan, cpu_tokens=Path(tokens))) for job in jobs]
        results = _run(shared, on_done, meanwhile)
    return {job.name: results[job.name] for job in jobs}


def _run(jobs: list[CheckJob], on_done: Callable[[CheckResult], None] | None,
         meanwhile: Callable[[], None] | None) -> dict[str, CheckResult]:
    running: dict[Connection, tuple[CheckJob, BaseProcess, float]] = {}
    results: dict[str, CheckResult] = {}
    try:
        fresh = []
        waiting = set(standbys_waiting())  # they are ready and waiting on us: first
        for job in sorted(jobs, key=lambda job: job.name not in waiting):
            idle = idle_result(job.target, job.scan)  # nothing to read: no process at all
            if idle is not None:  # (gate.checks.idle)
                results[job.name] = idle
                if on_done is not None:
                    on_done(idle)
                continue
            with starting_workers():  # a standby forked early has its scanner loaded
                taken = take(job)
                if taken is not None:
                    running[taken[1]] = (job, taken[0], time.monotonic())
            if taken is None:
                fresh.append(job)
        dismiss_all()  # the rest: a check the policy did not choose, or with nothing to read
        ctx = worker_context()
        with freezing(ctx):
            for job in fresh:
                reader, writer = ctx.Pipe(duplex=False)
                proc: BaseProcess = ctx.Process(target=worker_main,
                                                args=(job, writer, os.getpid()),
                                                name=f"gate-{job.name}", daemon=False)
                # The worker never sees Ctrl-C: we stop it (gate.signals). It is on the list
                # before a signal held back meanwhile can interrupt us.
                with starting_workers():
                    proc.start()
                    running[reader] = (job, proc, time.monotonic())
                writer.close()
        if meanwhile is not None:
            meanwhile()
        resume_collection()  # start-up is over (gate.processes.defer_collection)
        _wait_all(running, results, on_done)
    finally:  # a stop signal (gate.signals), or a bug here: no worker or pool outlives the run
        dismiss_all()
        for reader, (_, proc, _) in running.items():
            _kill_tree(proc)
            reader.close()
    return results


def _wait_all(running: dict[Connection, tuple[CheckJob, BaseProcess, float]],
              results: dict[str, CheckResult],
              on_done: Callable[[CheckResult], None] | None) -> None:
    """Collect results as workers finish; stop workers whose deadline has passed."""

    def finish(reader: Connection, result: CheckResult) -> None:
        job, proc, _ = running.pop(reader)
        reader.close()
        proc.join(timeout=5)
        if proc.is_alive():
            _kill_tree(proc)
        _sweep(proc)
        results[job.name] = result
        if on_done is not None:
            on_done(result)

    while running:
        raise_pending()  # a stop signal whose exception Python dropped: stop now, not later
        now = time.monotonic()
        next_deadline = min(start + job.timeout for job, _, start in running.values())
        ready = wait(list(running), timeout=max(0.0, next_deadline - now))
        for item in ready:
            reader = cast(Connection, item)
            job, proc, start = running[reader]
            try:
                message = reader.recv()
            except (EOFError, OSError):
                proc.join(timeout=5)
                code = proc.exitcode
                finish(reader, _error_result(
                    job, f"worker process died (exit code {code})", time.monotonic() - start))
                continue
            if message[0] == "ok":
                result = message[1]
                if not result.duration:
                    result = _with_duration(result, time.monotonic() - start)
                finish(reader, result)
            else:
                finish(reader, _error_result(job, message[1], message[2]))
        now = time.monotonic()
        for reader, (job, proc, start) in list(running.items()):
            if now >= start + job.timeout:
                _kill_tree(proc)
                finish(reader, _error_result(job, f"timed out after {job.timeout:g}s",
                                             now - start))


def _with_duration(result: CheckResult, duration: float) -> CheckResult:
    return replace(result, duration=duration)

"""What runs inside a check's worker process: one check, one result, sent back redacted.

The worker leads its own process group (the runner kills the group: pool
included), runs under :mod:`gate.limits` (an address-space limit, and death
with the gate), prints nothing (tools log freely; none of it may reach the
user unfiltered) and sends back one pickled :class:`CheckResult`, redacted
first (:mod:`gate.redact`). A check that raises, crashes or runs out of
memory becomes an ``("error", reason, seconds)`` message instead: the runner
turns it into a result whose ``errors`` say why.

The runner (:mod:`gate.runner`) forks a worker per job; a standby worker
(:mod:`gate.standby`) was forked earlier and gets its job over a pipe. Both
end here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from gate.checks.interface import CheckError, CheckResult, ScanTarget
from gate.checks.registry import load_check
from gate.limits import harden_worker
from gate.processes import forked_child, resume_collection
from gate.redact import redact, redact_result

__all__ = ["CheckJob", "lead_process_group", "run_job", "silence", "worker_main"]


@dataclass(frozen=True)
class CheckJob:
    """One check to run: its registry name, import target, input and deadline."""

    name: str
    target: str
    scan: ScanTarget
    timeout: float


def silence() -> None:
    """Tools log and print freely; none of that may reach the user unfiltered (or at all)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    logging.disable(logging.CRITICAL)


def lead_process_group() -> None:
    """Make this worker a process group leader, so the runner can kill it with its pool."""
    if hasattr(os, "setpgid"):
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)


def worker_main(job: CheckJob, conn: Connection, parent_pid: int) -> None:
    """A forked or spawned worker's entry point: set the process up, then :func:`run_job`."""
    forked_child()
    lead_process_group()
    run_job(job, conn, parent_pid)


def run_job(job: CheckJob, conn: Connection, parent_pid: int) -> None:
    """Run ``job`` in this (worker) process and send its outcome on ``conn``, then close it."""
    resume_collection()  # held while a standby loaded its scanner (gate.processes)
    harden_worker(parent_pid, job.scan.limits, group_leader=True)  # memory cap, dies with us
    silence()
    started = time.monotonic()
    try:
        check = load_check(job.name, job.target)
        result = check.run(job.scan)
        if not isinstance(result, CheckResult):
            raise CheckError(f"check {job.name!r} returned {type(result).__name__}, "
                             "not a CheckResult")
        conn.send(("ok", redact_result(result)))  # no credential leaves the worker
    except CheckError as exc:
        conn.send(("error", redact(str(exc) or type(exc).__name__), time.monotonic() - started))
    except MemoryError:
        conn.send(("error", f"exceeded the memory limit ({job.scan.limits.memory_mb} MB)",
                   time.monotonic() - started))
    except BaseException as exc:  # a crash is a result too: fail closed, say why
        conn.send(("error", redact(f"crashed: {type(exc).__name__}: {exc}"),
                   time.monotonic() - started))
    finally:
        conn.close()

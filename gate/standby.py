"""Check workers forked before the run knows its jobs, each loading its scanner meanwhile.

A check's worker spends its first tenth of a second or more importing its
scanner (bandit; detect-secrets and its patterns) before it reads a file. The
parent, meanwhile, imports the run path, loads the policy and lists the tree,
one core's work: on a two-core machine the other idles. So ``gate run`` and
``gate pre-push`` fork a *standby* worker for each check worth it
(:data:`gate.checks.registry.STANDBY_CHECKS`, narrowed by ``--checks``) as soon
as the command line names the subcommand, before the heavy imports. Each
standby calls its check class's :meth:`~gate.checks.interface.Check.preload`
(imports, nothing read from the tree, no policy) and waits on a pipe. The
runner (:mod:`gate.runner`) hands a standby its job with :func:`take`; from
there it is an ordinary worker (:func:`gate.worker.run_job`: limits, silence,
redaction), its deadline counted from the hand-over.

A standby that gets no job is stopped (:func:`dismiss_all`: the runner calls it
once it has taken what it needs, the CLI on its way out): a check the policy
disabled, or one with nothing to read, costs the import it had started and
nothing more. A standby whose gate died (even by SIGKILL) sees its pipe close
and exits. SIGINT is blocked in it from birth, as in every worker
(:func:`gate.signals.starting_workers`).

Only where workers are forked (:func:`gate.processes.can_fork`): a spawned
standby would re-import the gate first, which is what it exists to avoid.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

from gate.processes import can_fork, forked_child, freezing, widen_pipe
from gate.signals import starting_workers

if TYPE_CHECKING:  # the parent forks standbys before it loads anything heavy: see start()
    from multiprocessing.connection import Connection

    from gate.worker import CheckJob

__all__ = ["dismiss_all", "start", "take", "waiting"]


@dataclass(frozen=True)
class _Standby:
    name: str
    target: str
    process: BaseProcess
    jobs: Connection
    """The parent's end of the pipe the job goes down."""
    results: Connection
    """The parent's end of the pipe the outcome comes back on."""


_waiting: dict[str, _Standby] = {}


def waiting() -> tuple[str, ...]:
    """The checks a standby worker is waiting for, in the order they were started."""
    return tuple(_waiting)


def start(checks: Iterable[tuple[str, str]]) -> None:
    """Fork a standby worker for each ``(name, import target)`` (none where forking is unsafe)."""
    chosen = [(name, target) for name, target in checks if name not in _waiting]
    if not chosen or not can_fork():
        return
    ctx = multiprocessing.get_context("fork")
    with freezing(ctx):
        for name, target in chosen:
            jobs_in, jobs_out = ctx.Pipe(duplex=False)
            widen_pipe(jobs_out)  # take() must not wait for a standby still loading its scanner
            results_in, results_out = ctx.Pipe(duplex=False)
            # The child closes the parent's ends of every standby's pipes, so that a gate
            # that dies leaves no writer behind and each standby reads end-of-file.
            parents_ends = [jobs_out, results_in,
                            *(c for s in _waiting.values() for c in (s.jobs, s.results))]
            proc = ctx.Process(target=_standby_main,
                               args=(target, jobs_in, results_out, parents_ends, os.getpid()),
                               name=f"gate-{name}", daemon=False)
            with starting_workers():  # SIGINT blocked in the standby from its first instruction
                proc.start()
                _waiting[name] = _Standby(name, target, proc, jobs_out, results_in)
            jobs_in.close()
            results_out.close()


def take(job: CheckJob) -> tuple[BaseProcess, Connection] | None:
    """Hand ``job`` to its waiting standby: its process and the pipe its outcome comes back on,
    or ``None`` (no standby for it, it died, or it was loading another target)."""
    standby = _waiting.pop(job.name, None)
    if standby is None:
        return None
    if standby.target != job.target or not standby.process.is_alive():
        _stop(standby)
        return None
    try:
        standby.jobs.send(job)
    except Exception:  # a dead pipe, or a job that does not pickle (nothing was sent then):
        _stop(standby)  # a worker forked now gets it as it is
        return None
    standby.jobs.close()
    return standby.process, standby.results


def dismiss_all() -> None:
    """Stop every standby no job was handed to."""
    while _waiting:
        _stop(_waiting.pop(next(iter(_waiting))))


def _stop(standby: _Standby) -> None:
    proc = standby.process
    if proc.pid is not None and hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)  # it leads its group once it has started
    with contextlib.suppress(OSError, ValueError):
        proc.kill()
    standby.jobs.close()
    standby.results.close()
    proc.join(timeout=5)


def _standby_main(target: str, jobs: Connection, results: Connection,
                  parents_ends: list[Connection], parent_pid: int) -> None:
    forked_child()
    from gate.worker import lead_process_group, run_job, silence  # here: in the child's time

    lead_process_group()
    for end in parents_ends:
        end.close()
    silence()
    _preload(target)
    try:
        job = jobs.recv()
    except (EOFError, OSError):  # dismissed, or the gate is gone
        return
    finally:
        jobs.close()
    run_job(job, results, parent_pid)


def _preload(target: str) -> None:
    """Load what the check says to load early; a failure here is met again, and reported,
    when the check runs."""
    from gate.checks.interface import Check
    from gate.checks.registry import check_class

    with contextlib.suppress(Exception):
        cls = check_class(target)
        if cls is not None and issubclass(cls, Check):
            cls.preload()

"""The pool's worker processes: limited, replaceable, one chunk at a time.

Why not ``multiprocessing.Pool``: a pool cannot replace a worker that hangs or
dies mid-task (its ``imap`` then waits forever). Each worker here runs under
:class:`~gate.limits.WorkerLimits` (an address-space limit, death with its
parent) and each chunk under a time budget that starts when the chunk holds
its CPU token. A chunk that runs out of memory or time, or kills its worker,
is retried file by file on fresh workers; a single file that still fails
becomes a :class:`ChunkFailed` with the reason.

Only a :class:`~gate.checks.interface.CheckError`'s text crosses back from a
worker; any other exception is reduced to its type name (its message might
quote scanned content).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar, cast

from gate.checks.engine.tokens import held
from gate.checks.interface import CheckError
from gate.limits import WorkerLimits, harden_worker
from gate.processes import forked_child, freezing, worker_context

__all__ = ["ChunkFailed", "WorkerPool", "between_files", "call_chunk", "collect",
           "failure_reason", "young_garbage_only"]

R = TypeVar("R")
ScanFn = Callable[[Path, Sequence[str]], R]


@dataclass(frozen=True)
class ChunkFailed:
    """A file (a one-file chunk) that could not be scanned within the limits, and why."""

    reason: str


@contextlib.contextmanager
def young_garbage_only() -> Iterator[None]:
    """Run a chunk without the cyclic collector, then collect what the chunk left behind.

    Parsing a file allocates hundreds of thousands of container objects, and
    CPython's collector, triggered by allocation counts, keeps re-walking
    every object the process holds (its imports, the dataflow pass's parsed
    modules) while they pile up: 6 % of bandit's time and 40 % of the
    dataflow pass's on the benchmark tree. Objects made while the collector
    is off stay in the young generations, so one ``gc.collect(1)`` at the
    end frees the chunk's reference cycles by walking only what the chunk
    made. A scanner whose files leave cycles (bandit links every parse-tree
    node to its parent) calls :func:`between_files`, so a chunk holds one
    file's garbage at a time; otherwise what a chunk can pile up is bounded
    by its size (:data:`gate.checks.engine.pool.CHUNK_MAX_BYTES`) and, like
    everything else, by the worker's memory limit (a chunk that hits it is
    retried file by file).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(1)  # and what outlived a between_files() inside the chunk
        if enabled:
            gc.enable()


def between_files() -> None:
    """Free what the file just scanned left in reference cycles, when the collector is off.

    For a scanner that makes cyclic garbage per file: without it, a chunk
    holds every one of its files' garbage until it ends. Collects only the
    youngest generation, so it costs what the file made, not what the process holds.
    """
    if not gc.isenabled():
        gc.collect(0)


def call_chunk(func: ScanFn[R], root: Path, chunk: tuple[str, ...]) -> tuple[str, Any]:
    """Run one chunk; the outcome as a message. Only a :class:`CheckError`'s text crosses back.

    Any other exception is reduced to its type name: its message might quote
    scanned content (a secret, even), and it is about to be pickled. The
    chunk runs under :func:`young_garbage_only`.
    """
    try:
        with young_garbage_only():
            return "ok", func(root, chunk)
    except CheckError as exc:
        return "error", str(exc)
    except MemoryError:
        return "memory", ""
    except Exception as exc:
        return "failed", type(exc).__name__


def _pool_main(conn: Connection, parent_pid: int, limits: WorkerLimits) -> None:
    """A pool worker: chunks in, results out, until told to stop or orphaned."""
    forked_child()
    harden_worker(parent_pid, limits)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        func, root, chunk, tokens = task
        with held(tokens):
            conn.send(("started", None))
            outcome = call_chunk(func, root, chunk)
        try:
            conn.send(outcome)
        except MemoryError:
            os._exit(3)  # the parent sees the worker die and judges the chunk by that


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    chunk: tuple[str, ...] | None = None
    deadline: float | None = None

    def stop(self) -> None:
        """Kill the process (it holds nothing worth a graceful exit) and reap it."""
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)


class WorkerPool:
    """Worker processes that can be replaced one at a time."""

    def __init__(self, size: int, limits: WorkerLimits) -> None:
        self.limits = limits
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        """A worker forked from this process where that is safe, else spawned
        (:mod:`gate.processes`): a forked one has the scanner imported already."""
        ctx = worker_context()
        mine, theirs = multiprocessing.Pipe(duplex=True)
        proc = ctx.Process(target=_pool_main, args=(theirs, os.getpid(), self.limits),
                           name="gate-pool", daemon=True)
        with freezing(ctx):
            proc.start()
        theirs.close()
        return _Worker(proc, mine)

    def replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (out of memory or time, or dead) and start a fresh one in its place."""
        worker.stop()
        self.workers[self.workers.index(worker)] = self._start()

    def close(self) -> None:
        """Tell idle workers to stop, then make sure every worker is gone."""
        for worker in self.workers:
            if worker.chunk is None:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in self.workers:
            worker.stop()


def failure_reason(kind: str, detail: str, limits: WorkerLimits) -> str:
    """The not-scanned reason for a file whose scan ended as ``kind``."""
    if kind == "memory":
        return f"exceeded the memory limit ({limits.memory_mb} MB) while scanning it"
    if kind == "time":
        return f"exceeded the time budget ({limits.file_seconds:g} s per file)"
    if kind == "died":
        return f"the scan worker died on it ({detail})"
    return f"the scan failed on it ({detail})"


def collect(pool: WorkerPool, busy: list[_Worker], queue: deque[tuple[str, ...]],
            limits: WorkerLimits) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Wait for the next messages or deadline; yield finished chunks, requeue or fail the rest."""
    now = time.monotonic()
    deadlines = [w.deadline for w in busy if w.deadline is not None]
    timeout = max(0.0, min(deadlines) - now) if deadlines else 1.0
    ready = wait([w.conn for w in busy], timeout=timeout)

    def failed(worker: _Worker, kind: str, detail: str) -> Iterator[tuple[tuple[str, ...], Any]]:
        chunk = cast(tuple[str, ...], worker.chunk)
        worker.chunk = None
        if kind != "failed":
            pool.replace(worker)
        if len(chunk) > 1:
            queue.extendleft((path,) for path in reversed(chunk))
        else:
            yield chunk, ChunkFailed(failure_reason(kind, detail, limits))

    for worker in busy:
        if worker.conn not in ready:
            continue
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.proc.join(timeout=5)
            code = worker.proc.exitcode
            detail = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            yield from failed(worker, "died", detail)
            continue
        if kind == "started":
            worker.deadline = time.monotonic() + limits.file_seconds
        elif kind == "ok":
            chunk, worker.chunk = cast(tuple[str, ...], worker.chunk), None
            yield chunk, value
        elif kind == "error":
            raise CheckError(value)
        else:
            yield from failed(worker, kind, value)
    now = time.monotonic()
    for worker in busy:
        if worker.chunk is not None and worker.deadline is not None and now >= worker.deadline:
            yield from failed(worker, "time", "")

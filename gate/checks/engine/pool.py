"""Spread a per-file scan over a process pool in chunks balanced by file size.

Why chunks of whole files: bandit and detect-secrets judge each file on its
own, so any partition of the files gives the same findings, and per-file
occurrence numbering (which keeps duplicate fingerprints apart) never spans
two chunks. Why balanced by size: scan time grows with a file's size, and one
chunk holding the tree's three biggest files would finish long after the rest.

Why CPU tokens: the runner runs every check at once, and two checks each
starting ``--jobs`` busy processes would oversubscribe the machine. Each
chunk holds one of ``--jobs`` tokens while it computes, so all the checks
together never run more than ``--jobs`` chunks at a time, and whichever check
still has work gets every core. A token is an ``flock`` on a file: the kernel
releases it when its holder dies, so a killed or crashed worker cannot leak it.

Results are streamed back chunk by chunk; no process holds the text of more
files than the one it is scanning. The function run in the pool must return
picklable results without secret values (the secrets check's ``scan_files``
drops them before returning).

Why not ``multiprocessing.Pool``: a pool cannot replace a worker that hangs or
dies mid-task (its ``imap`` then waits forever). Here each worker runs under
:class:`~gate.limits.WorkerLimits` (an address-space limit, death with its
parent) and each chunk under a time budget that starts when the chunk holds
its CPU token. A chunk that runs out of memory or time, or kills its worker,
is retried file by file on fresh workers; a single file that still fails is
yielded as :class:`ChunkFailed` with the reason (the caller reports it as not
scanned) and every other file's result is kept. Chunks are kept small enough
(:data:`CHUNK_MAX_BYTES`, :data:`CHUNK_MAX_FILES`) to finish well inside one
file's budget.
"""

from __future__ import annotations

import contextlib
import heapq
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar, cast

from gate.checks.interface import CheckError
from gate.limits import WorkerLimits, harden_worker

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no tokens, the pools just share the cores
    fcntl = None  # type: ignore[assignment]

__all__ = ["CHUNK_MAX_BYTES", "CHUNK_MAX_FILES", "ChunkFailed", "CpuTokens", "balanced_chunks",
           "chunk_count", "map_chunks"]

R = TypeVar("R")
ScanFn = Callable[[Path, Sequence[str]], R]

CHUNKS_PER_JOB = 4
"""More chunks than workers, so that the last chunks even out the finishing times."""
_POLL_START = 0.01
_POLL_MAX = 0.2


CHUNK_MAX_BYTES = 2 * 1024 * 1024
"""A chunk holds at most about this much text (bandit scans ~0.25 MB/s: ~8 s)."""
CHUNK_MAX_FILES = 200


def chunk_count(files: int, jobs: int, total_bytes: int = 0) -> int:
    """How many chunks to cut ``files`` files (``total_bytes`` in all) into for ``jobs`` workers."""
    by_size = -(-total_bytes // CHUNK_MAX_BYTES)
    by_files = -(-files // CHUNK_MAX_FILES)
    return max(1, min(files, max(jobs * CHUNKS_PER_JOB, by_size, by_files)))


def balanced_chunks(files: Sequence[tuple[str, int]], parts: int) -> list[tuple[str, ...]]:
    """Partition (path, size) pairs into ``parts`` chunks of near-equal total size.

    Longest-processing-time first: biggest files first, each into the lightest
    chunk so far. Deterministic (ties broken by path and chunk number); each
    chunk lists its files in path order; heaviest chunk first, so that the
    longest work starts earliest. Empty chunks are dropped.
    """
    parts = max(1, parts)
    heap: list[tuple[int, int]] = [(0, index) for index in range(parts)]
    members: list[list[str]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for path, size in sorted(files, key=lambda item: (-item[1], item[0])):
        load, index = heapq.heappop(heap)
        members[index].append(path)
        loads[index] = load + max(size, 1)
        heapq.heappush(heap, (loads[index], index))
    order = sorted(range(parts), key=lambda i: (-loads[i], i))
    return [tuple(sorted(members[i])) for i in order if members[i]]


@dataclass(frozen=True)
class CpuTokens:
    """``count`` CPU tokens as lock files in ``directory`` (created by the runner)."""

    directory: Path
    count: int

    @classmethod
    def create(cls, directory: Path, count: int) -> CpuTokens:
        """Lay out the token files in an existing directory."""
        for index in range(count):
            (directory / f"{index}.token").touch()
        return cls(directory, count)

    @classmethod
    def found_in(cls, directory: Path | None) -> CpuTokens | None:
        """The tokens in ``directory`` (``None``: none to honour, or no ``flock`` here)."""
        if directory is None or fcntl is None:
            return None
        count = len(list(directory.glob("*.token")))
        return cls(directory, count) if count else None

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Block until one token is free, hold it for the ``with`` block."""
        assert fcntl is not None
        start = random.randrange(self.count)  # noqa: S311 - spreading contention, not security
        delay = _POLL_START
        while True:
            for step in range(self.count):
                path = self.directory / f"{(start + step) % self.count}.token"
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)
                return
            time.sleep(delay)
            delay = min(delay * 2, _POLL_MAX)


@dataclass(frozen=True)
class ChunkFailed:
    """A file (a one-file chunk) that could not be scanned within the limits, and why."""

    reason: str


def _held(tokens: CpuTokens | None) -> contextlib.AbstractContextManager[None]:
    return tokens.hold() if tokens is not None else contextlib.nullcontext()


def _call(func: ScanFn[R], root: Path, chunk: tuple[str, ...]) -> tuple[str, Any]:
    """Run one chunk; the outcome as a message. Only a :class:`CheckError`'s text crosses back.

    Any other exception is reduced to its type name: its message might quote
    scanned content (a secret, even), and it is about to be pickled.
    """
    try:
        return "ok", func(root, chunk)
    except CheckError as exc:
        return "error", str(exc)
    except MemoryError:
        return "memory", ""
    except Exception as exc:
        return "failed", type(exc).__name__


def _pool_main(conn: Connection, parent_pid: int, limits: WorkerLimits) -> None:
    """A pool worker: chunks in, results out, until told to stop or orphaned."""
    harden_worker(parent_pid, limits)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        func, root, chunk, tokens = task
        with _held(tokens):
            conn.send(("started", None))
            outcome = _call(func, root, chunk)
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
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)


class _Pool:
    """Worker processes that can be replaced one at a time."""

    def __init__(self, size: int, limits: WorkerLimits) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.limits = limits
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        mine, theirs = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_pool_main, args=(theirs, os.getpid(), self.limits),
                                name="gate-pool", daemon=True)
        proc.start()
        theirs.close()
        return _Worker(proc, mine)

    def replace(self, worker: _Worker) -> None:
        worker.stop()
        self.workers[self.workers.index(worker)] = self._start()

    def close(self) -> None:
        for worker in self.workers:
            if worker.chunk is None:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in self.workers:
            worker.stop()


def _failure(kind: str, detail: str, limits: WorkerLimits) -> str:
    if kind == "memory":
        return f"exceeded the memory limit ({limits.memory_mb} MB) while scanning it"
    if kind == "time":
        return f"exceeded the time budget ({limits.file_seconds:g} s per file)"
    if kind == "died":
        return f"the scan worker died on it ({detail})"
    return f"the scan failed on it ({detail})"


def _in_process(func: ScanFn[R], root: Path, chunks: Sequence[tuple[str, ...]],
                tokens: CpuTokens | None, limits: WorkerLimits
                ) -> Iterator[tuple[tuple[str, ...], R | ChunkFailed]]:
    """Inside a daemonic process (no children allowed): no limits beyond the process's own."""
    queue = deque(chunks)
    while queue:
        chunk = queue.popleft()
        with _held(tokens):
            kind, value = _call(func, root, chunk)
        if kind == "ok":
            yield chunk, value
        elif kind == "error":
            raise CheckError(value)
        elif len(chunk) > 1:
            queue.extend((path,) for path in chunk)
        else:
            yield chunk, ChunkFailed(_failure(kind, value, limits))


def map_chunks(func: ScanFn[R], root: Path, chunks: Sequence[tuple[str, ...]], jobs: int,
               tokens: Path | None = None, limits: WorkerLimits | None = None
               ) -> Iterator[tuple[tuple[str, ...], R | ChunkFailed]]:
    """Run ``func(root, chunk)`` for every chunk on up to ``jobs`` limited worker processes.

    Yields ``(chunk, result)`` pairs as chunks finish (not in input order);
    a file that cannot be scanned within ``limits`` comes back alone as
    ``((path,), ChunkFailed(reason))``. A :class:`CheckError` raised by
    ``func`` (the tool cannot run at all) is raised here. ``func`` must be a
    module-level function (it is pickled by reference). Inside a daemonic
    process everything runs in this process. The workers are killed on the
    way out, also when the caller stops early or raises.
    """
    held = CpuTokens.found_in(tokens)
    limits = limits or WorkerLimits()
    if not chunks:
        return
    if multiprocessing.current_process().daemon:
        yield from _in_process(func, root, chunks, held, limits)
        return
    queue: deque[tuple[str, ...]] = deque(chunks)
    pool = _Pool(min(jobs, len(chunks)), limits)
    try:
        while True:
            for worker in pool.workers:
                if worker.chunk is None and queue:
                    worker.chunk, worker.deadline = queue.popleft(), None
                    worker.conn.send((func, root, worker.chunk, held))
            busy = [w for w in pool.workers if w.chunk is not None]
            if not busy:
                return
            yield from _collect(pool, busy, queue, limits)
    finally:
        pool.close()


def _collect(pool: _Pool, busy: list[_Worker], queue: deque[tuple[str, ...]],
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
            yield chunk, ChunkFailed(_failure(kind, detail, limits))

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

"""Spread a per-file scan over a process pool in chunks balanced by file size.

Why chunks of whole files: bandit and detect-secrets judge each file on its
own, so any partition of the files gives the same findings, and per-file
occurrence numbering (which keeps duplicate fingerprints apart) never spans
two chunks. Why balanced by size: scan time grows with a file's size, and one
chunk holding the tree's three biggest files would finish long after the rest.

Why CPU tokens: all the checks' pools share ``--jobs`` of them, so the machine is
never oversubscribed (:mod:`gate.checks.engine.tokens`).

Results are streamed back chunk by chunk; no process holds the text of more
files than the one it is scanning. The function run in the pool must return
picklable results without secret values (the secrets check's ``scan_files``
drops them before returning).

Each worker runs under :class:`~gate.limits.WorkerLimits` and can be replaced
(:mod:`gate.checks.engine.workers`): a chunk that runs out of memory or time, or
kills its worker, is retried file by file; a single file that still fails is
yielded as :class:`ChunkFailed` with the reason (the caller reports it as not
scanned) and every other file's result is kept. Chunks are kept small enough
(:data:`CHUNK_MAX_BYTES`, :data:`CHUNK_MAX_FILES`) to finish well inside one
file's budget.

Small work runs inline: when every chunk together is a few small files (a
one-file repository, a warm re-run after an edit, a pre-push of one commit),
starting a worker costs more than the scan (a fresh interpreter importing
bandit or detect-secrets: ~0.5 s each). The calling process then scans them
itself, but only when it already runs under the same memory limit as a
worker would (a check process does: :mod:`gate.runner`), holding a CPU token,
and under a short alarm (:data:`INLINE_SECONDS`). A chunk that fails inline in
any way but a :class:`CheckError` (out of time or memory, a crash) is handed
to the worker pool, which judges it with the full limits as before.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import multiprocessing
import signal
import stat
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from gate.checks.engine.tokens import CpuTokens, held
from gate.checks.engine.workers import ChunkFailed, WorkerPool, call_chunk, collect, failure_reason
from gate.checks.interface import CheckError
from gate.limits import WorkerLimits, memory_budget

__all__ = ["CHUNK_MAX_BYTES", "CHUNK_MAX_FILES", "INLINE_MAX_BYTES", "INLINE_MAX_FILES",
           "INLINE_SECONDS", "ChunkFailed", "CpuTokens", "balanced_chunks", "chunk_count",
           "map_chunks"]

R = TypeVar("R")
ScanFn = Callable[[Path, Sequence[str]], R]

CHUNKS_PER_JOB = 4
"""More chunks than workers, so that the last chunks even out the finishing times."""
CHUNK_MAX_BYTES = 2 * 1024 * 1024
"""A chunk holds at most about this much text (bandit scans ~0.25 MB/s: ~8 s)."""
CHUNK_MAX_FILES = 200
INLINE_MAX_FILES = 16
"""At most this many files (and :data:`INLINE_MAX_BYTES`) are scanned without a pool."""
INLINE_MAX_BYTES = 256 * 1024
INLINE_SECONDS = 5.0
"""Inline budget of the whole small batch; past it, the batch goes to the pool."""


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


def _in_process(func: ScanFn[R], root: Path, chunks: Sequence[tuple[str, ...]],
                tokens: CpuTokens | None, limits: WorkerLimits
                ) -> Iterator[tuple[tuple[str, ...], R | ChunkFailed]]:
    """Inside a daemonic process (no children allowed): no limits beyond the process's own."""
    queue = deque(chunks)
    while queue:
        chunk = queue.popleft()
        with held(tokens):
            kind, value = call_chunk(func, root, chunk)
        if kind == "ok":
            yield chunk, value
        elif kind == "error":
            raise CheckError(value)
        elif len(chunk) > 1:
            queue.extend((path,) for path in chunk)
        else:
            yield chunk, ChunkFailed(failure_reason(kind, value, limits))


class _Overrun(BaseException):
    """Raised by the inline alarm; a ``BaseException`` so that no tool's handler eats it."""


def _inline_allowed(root: Path, chunks: Sequence[tuple[str, ...]], limits: WorkerLimits) -> bool:
    """Few, small, regular files, in the main thread of a process already under the limit."""
    files = [path for chunk in chunks for path in chunk]
    if len(files) > INLINE_MAX_FILES or not hasattr(signal, "setitimer") \
            or threading.current_thread() is not threading.main_thread():
        return False
    budget = memory_budget()
    if budget is None or budget > limits.memory_mb:
        return False
    total = 0
    for path in files:
        try:
            st = (root / path).lstat()
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode):
            return False
        total += st.st_size
    return total <= INLINE_MAX_BYTES


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Overrun


def _inline(func: ScanFn[R], root: Path, chunk: tuple[str, ...], tokens: CpuTokens | None,
            seconds: float) -> tuple[str, Any]:
    """``call_chunk`` in this process under an alarm; ``("time", "")`` when it rings.

    In a worker that froze what its start-up made (:func:`gate.processes.resume_collection`;
    it ends with its job), what its job made since is frozen too: the collection after the
    chunk (:func:`~gate.checks.engine.workers.young_garbage_only`) then walks only what the
    chunk made, not the job's decoded cache entries (4-6 ms of a warm sast job, 1.5-3 of a
    secrets job). A process that froze nothing is left as it is."""
    if gc.get_freeze_count():
        gc.freeze()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        with held(tokens):
            signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)  # rings again if eaten
            try:
                return call_chunk(func, root, chunk)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except _Overrun:
        return "time", ""
    finally:
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(signal.SIGALRM, previous)


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
    cpu = CpuTokens.found_in(tokens)
    limits = limits or WorkerLimits()
    if not chunks:
        return
    if multiprocessing.current_process().daemon:
        yield from _in_process(func, root, chunks, cpu, limits)
        return
    rest = list(chunks)
    if _inline_allowed(root, chunks, limits):
        rest = []
        for chunk in chunks:
            kind, value = _inline(func, root, chunk, cpu,
                                  min(INLINE_SECONDS, limits.file_seconds))
            if kind == "ok":
                yield chunk, value
            elif kind == "error":
                raise CheckError(value)
            else:  # out of time or memory, or a crash: the pool judges it with its limits
                rest.append(chunk)
        if not rest:
            return
    queue: deque[tuple[str, ...]] = deque(rest)
    pool = WorkerPool(min(jobs, len(queue)), limits)
    try:
        while True:
            for worker in pool.workers:
                if worker.chunk is None and queue:
                    worker.chunk, worker.deadline = queue.popleft(), None
                    worker.conn.send((func, root, worker.chunk, cpu))
            busy = [w for w in pool.workers if w.chunk is not None]
            if not busy:
                return
            yield from collect(pool, busy, queue, limits)
    finally:
        pool.close()

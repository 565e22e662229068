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
"""

from __future__ import annotations

import contextlib
import heapq
import multiprocessing
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from gate.checks.interface import CheckError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no tokens, the pools just share the cores
    fcntl = None  # type: ignore[assignment]

__all__ = ["CpuTokens", "balanced_chunks", "chunk_count", "map_chunks"]

R = TypeVar("R")
ScanFn = Callable[[Path, Sequence[str]], R]

CHUNKS_PER_JOB = 4
"""More chunks than workers, so that the last chunks even out the finishing times."""
_POLL_START = 0.01
_POLL_MAX = 0.2


def chunk_count(files: int, jobs: int) -> int:
    """How many chunks to cut ``files`` files into for ``jobs`` workers."""
    return max(1, min(files, jobs * CHUNKS_PER_JOB))


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


def _held(tokens: CpuTokens | None) -> contextlib.AbstractContextManager[None]:
    return tokens.hold() if tokens is not None else contextlib.nullcontext()


def _run_chunk(func: ScanFn[R], root: Path, chunk: tuple[str, ...],
               tokens: CpuTokens | None) -> R:
    """One chunk in a pool worker. Only a :class:`CheckError`'s message crosses back.

    Any other exception is reduced to its type name: its message might quote
    scanned content (a secret, even), and it is about to be pickled.
    """
    try:
        with _held(tokens):
            return func(root, chunk)
    except CheckError:
        raise
    except Exception as exc:
        raise CheckError(f"a scan worker failed ({type(exc).__name__})") from None


def map_chunks(func: ScanFn[R], root: Path, chunks: Sequence[tuple[str, ...]], jobs: int,
               tokens: Path | None = None) -> Iterator[tuple[tuple[str, ...], R]]:
    """Run ``func(root, chunk)`` for every chunk on up to ``jobs`` processes.

    Yields ``(chunk, result)`` pairs as chunks finish (not in input order).
    ``func`` must be a module-level function (it is pickled by reference).
    With one job or one chunk, or inside a daemonic process, everything runs
    in this process. The pool is
    torn down on the way out, also when the caller stops early or raises.
    """
    held = CpuTokens.found_in(tokens)
    workers = min(jobs, len(chunks))
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemonic process (inside someone's Pool) may not start one of its own
    if workers <= 1:
        for chunk in chunks:
            yield chunk, _run_chunk(func, root, chunk, held)
        return
    pool = multiprocessing.get_context("spawn").Pool(processes=workers)
    try:
        yield from pool.imap_unordered(_star, [(func, root, chunk, held) for chunk in chunks])
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _star(args: tuple[ScanFn[R], Path, tuple[str, ...], CpuTokens | None]
          ) -> tuple[tuple[str, ...], R]:
    return args[2], _run_chunk(*args)

"""Benchmark: the result cache's store, one file per entry (v3) against one SQLite database (v4).

Usage::

    .venv/bin/python benchmarks/cache_store.py [--entries 7400] [--size 2000] [--repeat 5]
                                               [--dir DIR]

A cold run of Checkov's source writes about 7,400 entries of about 2 KB (a per-file
entry per file for sast and for secrets, IaC parts, facts, whole-result entries).
For each store, ``--repeat`` times, in a fresh directory under ``--dir`` (default: a
temporary directory; use one on the file system the cache lives on):

(a) write: one process puts every entry into an empty store, then ``prune()`` (as
    ``scan_with_cache`` does after writing);
(b) read: a new store object (as the next run has) gets every entry;
(c) concurrent write: three forked processes (a run's sast, secrets and iac check
    processes) each put a third of the entries into an empty store at once, then prune;
(d) warm run: into the store of (a) plus three large entries (whole results and facts of
    ~680, 400 and 390 KB), a fresh forked process (its imports and connection count) reads
    the three large entries and five small ones, rewrites two large ones and a small one,
    prunes and closes, as a warm run after an edit does.

It prints the median CPU seconds (user + system, from ``getrusage``; children's for (c), (d))
and wall seconds of each, the files and bytes (allocated blocks) the store left on disk, and the
hit count of (b) (every entry must be read back). It asserts nothing: timings belong to
the machine, and wall seconds mean little on a shared one.

``file_store_v3.py`` beside this script is the previous store, kept for this comparison.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from file_store_v3 import FileStore

from gate.cache.interface import CacheKey, ResultCache
from gate.cache.keys import key_for
from gate.cache.store import SqliteStore

_MIX = (("sast", 0.373), ("secrets", 0.373), ("iac-part", 0.2), ("facts", 0.027),
        ("sast-whole", 0.027))
_KEY = b"k" * 32


def _workload(entries: int, size: int) -> list[tuple[CacheKey, Any]]:
    """``entries`` keys over the namespaces of a real run, each with a ~``size``-byte value."""
    rng = random.Random(24)
    words = ["subprocess", "call", "shell", "True", "B602", "high", "medium", "app.py", "line"]
    work: list[tuple[CacheKey, Any]] = []
    n = 0
    for namespace, share in _MIX:
        for _ in range(round(entries * share)):
            findings = []
            while len(str(findings)) < size:
                findings.append({"rule": f"B{rng.randrange(100, 999)}", "line": rng.randrange(900),
                                 "message": " ".join(rng.choices(words, k=8))})
            work.append((key_for(namespace, {"n": n}), {"findings": findings, "skipped": []}))
            n += 1
    return work[:entries]


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _measure(action: Callable[[], Any], who: int = resource.RUSAGE_SELF) -> tuple[float, float]:
    cpu, wall = _cpu(who), time.perf_counter()
    action()
    return _cpu(who) - cpu, time.perf_counter() - wall


def _write(store: ResultCache, work: list[tuple[CacheKey, Any]]) -> None:
    for key, value in work:
        store.put(key, value)
    store.prune()
    store.close()


def _read(store: ResultCache, work: list[tuple[CacheKey, Any]]) -> None:
    for key, _ in work:
        store.get(key)


def _concurrent(make: Callable[[], ResultCache], work: list[tuple[CacheKey, Any]]) -> None:
    pids = []
    for part in range(3):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                store = make()
                _write(store, work[part::3])
                code = 1 if store.stats.write_errors else 0
            finally:
                os._exit(code)
        pids.append(pid)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if status:
            print(f"  a writer failed (status {status})")


def _large(n: int, size: int) -> tuple[CacheKey, Any]:
    rng = random.Random(n)
    files = []
    while len(str(files)) < size:
        files.append([f"pkg/mod{len(files)}.py", f"{rng.getrandbits(160):040x}", [], [], 0])
    return key_for("sast-whole", {"n": n}), {"version": 1, "files": files}


def _warm(make: Callable[[], ResultCache], work: list[tuple[CacheKey, Any]],
          large: list[tuple[CacheKey, Any]]) -> None:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            store = make()
            found = [store.get(key) for key, _ in [*large, *work[:5]]]
            code = 0 if all(v is not None for v in found) else 2
            for key, value in [*large[:2], work[0]]:
                store.put(key, {**value, "edited": True})
            store.prune()
            store.close()
            code = code or (1 if store.stats.write_errors else 0)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if status:
        print(f"  the warm run failed (status {status})")


def _disk(directory: Path) -> tuple[int, int]:
    files = [p for p in directory.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_blocks * 512 for p in files)  # allocated, not length


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=7400)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = _workload(args.entries, args.size)
    large = [_large(n, size) for n, size in ((0, 680_000), (1, 400_000), (2, 390_000))]
    base = Path(tempfile.mkdtemp(prefix="cache-bench-", dir=args.dir))
    stores: dict[str, Callable[[Path], ResultCache]] = {
        "v3 files": lambda d: FileStore(d, key=_KEY),
        "v4 sqlite": lambda d: SqliteStore(d, key=_KEY),
    }
    print(f"{len(work)} entries, {sum(len(str(v)) for _, v in work) // len(work)} bytes of value "
          f"each on average, median of {args.repeat}; CPU = user + system seconds")
    try:
        results: dict[str, dict[str, list[tuple[float, float]]]] = {}
        disk: dict[str, tuple[int, int]] = {}
        hits: dict[str, int] = {}
        for round_ in range(args.repeat):
            for name, make in stores.items():  # alternate, so that both see the same machine
                phases = results.setdefault(name, {})
                directory = base / f"{name.split()[0]}-{round_}"
                phases.setdefault("write", []).append(
                    _measure(lambda: _write(make(directory), work)))  # noqa: B023
                disk[name] = _disk(directory)
                populated = make(directory)
                for key, value in large:
                    populated.put(key, value)
                populated.close()
                phases.setdefault("warm", []).append(_measure(
                    lambda: _warm(lambda: make(directory), work, large),  # noqa: B023
                    resource.RUSAGE_CHILDREN))
                reader = make(directory)
                phases.setdefault("read", []).append(_measure(lambda: _read(reader, work)))  # noqa: B023
                hits[name] = reader.stats.hits
                reader.close()
                shutil.rmtree(directory)
                concurrent = base / f"{name.split()[0]}-c{round_}"
                phases.setdefault("3 writers", []).append(_measure(
                    lambda: _concurrent(lambda: make(concurrent), work),  # noqa: B023
                    resource.RUSAGE_CHILDREN))
                shutil.rmtree(concurrent)
        for name, phases in results.items():
            files, size = disk[name]
            print(f"{name}: {files} files, {size / 1e6:.1f} MB allocated on disk; read back "
                  f"{hits[name]}/{len(work)}")
            for phase, runs in phases.items():
                cpu = statistics.median(r[0] for r in runs)
                wall = statistics.median(r[1] for r in runs)
                print(f"  {phase:10} CPU {cpu:6.3f} s  wall {wall:6.3f} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

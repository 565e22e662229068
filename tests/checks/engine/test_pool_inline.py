"""Small work runs inline, in the calling process, only where a worker's limits already hold;
anything that fails inline is judged again by the pool with the full limits."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from gate.checks.engine import pool
from gate.checks.engine.pool import ChunkFailed, map_chunks
from gate.checks.interface import CheckError
from gate.limits import WorkerLimits, harden_worker

LIMITS = WorkerLimits(memory_mb=1024, file_seconds=3)


def _scan(root: Path, files: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """Each file with the pid that scanned it; ``slow`` sleeps only when scanned inline."""
    for name in files:
        if name == "slow" and os.environ.get("INLINE_TEST_PARENT") == str(os.getpid()):
            time.sleep(2)
        if name == "broken":
            raise CheckError("the tool cannot run")
    return tuple((name, os.getpid()) for name in files)


def _as_check_process(root: Path, chunks: list[tuple[str, ...]], inline_seconds: float,
                      harden: bool, out: multiprocessing.connection.Connection) -> None:
    """What a check process does: run under the worker limits, then map its chunks."""
    if harden:
        harden_worker(os.getppid(), LIMITS)
    os.environ["INLINE_TEST_PARENT"] = str(os.getpid())
    pool.INLINE_SECONDS = inline_seconds
    try:
        results = [(chunk, value) for chunk, value in map_chunks(_scan, root, chunks, 2,
                                                                   limits=LIMITS)]
        out.send(("ok", os.getpid(), results))
    except CheckError as exc:
        out.send(("error", os.getpid(), str(exc)))


def _run(root: Path, chunks: list[tuple[str, ...]], inline_seconds: float = 5.0,
         harden: bool = True) -> tuple[str, int, object]:
    ctx = multiprocessing.get_context("spawn")
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_as_check_process,
                       args=(root, chunks, inline_seconds, harden, writer))
    proc.start()
    writer.close()
    message = reader.recv()
    proc.join(timeout=30)
    kind, pid, value = message
    return kind, pid, value


def _pids(value: object) -> dict[str, int]:
    assert isinstance(value, list)
    out: dict[str, int] = {}
    for _, result in value:
        assert not isinstance(result, ChunkFailed)
        out.update(dict(result))
    return out


def _files(root: Path, *names: str, size: int = 10) -> None:
    for name in names:
        (root / name).write_bytes(b"x" * size)


def test_a_few_small_files_are_scanned_in_the_calling_process(tmp_path: Path) -> None:
    _files(tmp_path, "a.py", "b.py")
    kind, pid, value = _run(tmp_path, [("a.py",), ("b.py",)])
    assert kind == "ok"
    assert _pids(value) == {"a.py": pid, "b.py": pid}


def test_without_the_memory_limit_small_work_still_goes_to_the_pool(tmp_path: Path) -> None:
    _files(tmp_path, "a.py")
    kind, pid, value = _run(tmp_path, [("a.py",)], harden=False)
    assert kind == "ok"
    pids = _pids(value)
    assert list(pids) == ["a.py"]
    assert pids["a.py"] != pid


@pytest.mark.parametrize(("names", "size"), [
    (tuple(f"f{i}.py" for i in range(pool.INLINE_MAX_FILES + 1)), 10),
    (("big.py",), pool.INLINE_MAX_BYTES + 1),
])
def test_more_or_bigger_files_go_to_the_pool(tmp_path: Path, names: tuple[str, ...],
                                             size: int) -> None:
    _files(tmp_path, *names, size=size)
    kind, pid, value = _run(tmp_path, [names])
    assert kind == "ok"
    pids = _pids(value)
    assert sorted(pids) == sorted(names)
    assert pid not in set(pids.values())


def test_a_batch_over_the_inline_budget_is_judged_by_the_pool(tmp_path: Path) -> None:
    _files(tmp_path, "fast.py", "slow")
    kind, pid, value = _run(tmp_path, [("fast.py",), ("slow",)], inline_seconds=0.5)
    assert kind == "ok"
    pids = _pids(value)
    assert pids["fast.py"] == pid
    assert pids["slow"] != pid  # rescanned in a worker, where it finishes within 3 s


def test_a_tool_error_inline_is_the_check_error(tmp_path: Path) -> None:
    _files(tmp_path, "broken")
    assert _run(tmp_path, [("broken",)])[0::2] == ("error", "the tool cannot run")


_FREEZING = """
import gc, json
from pathlib import Path
from gate.checks.engine import pool

def scan(root, files):
    return [[] for _ in range(10)]  # what the chunk makes

made = [[] for _ in range(1000)]
pool._inline(scan, Path("."), ("a",), None, 5.0)
plain = gc.get_freeze_count()
gc.freeze()  # a worker's start-up, frozen (gate.processes.resume_collection)
since = [[] for _ in range(1000)]  # what its job made since (its cache entries, say)
before = gc.get_freeze_count()
kind, _ = pool._inline(scan, Path("."), ("a",), None, 5.0)
print(json.dumps({"kind": kind, "plain": plain, "added": gc.get_freeze_count() - before}))
"""


def test_an_inline_chunk_in_a_frozen_worker_leaves_the_job_s_objects_to_the_freeze() -> None:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _FREEZING], capture_output=True, text=True,
                          timeout=60, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["kind"] == "ok"
    assert found["plain"] == 0  # a process that froze nothing is left as it is
    assert found["added"] >= 1000  # the job's objects: out of the chunk's collection

"""Balanced chunks, CPU tokens shared across processes, the pool, and killing it on timeout."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gate.checks.engine.pool import (
    ChunkFailed,
    CpuTokens,
    balanced_chunks,
    chunk_count,
    map_chunks,
)
from gate.checks.interface import Check, CheckError, CheckResult, ScanTarget
from gate.checks.secrets import scan_files as secrets_scan
from gate.runner import CheckJob, run_checks

if TYPE_CHECKING:
    from conftest import SourceTree

# --- balanced chunks --------------------------------------------------------------------------


def test_chunks_partition_the_files_deterministically() -> None:
    files = [(f"f{n:03}.py", (n * 7919) % 1000 + 1) for n in range(200)]
    chunks = balanced_chunks(files, 8)
    assert sorted(p for c in chunks for p in c) == sorted(p for p, _ in files)
    assert chunks == balanced_chunks(list(reversed(files)), 8)
    assert all(list(c) == sorted(c) for c in chunks)


def test_chunks_are_balanced_by_size() -> None:
    sizes = {f"f{n:03}": (n * 7919) % 5000 + 1 for n in range(300)}
    chunks = balanced_chunks(list(sizes.items()), 6)
    loads = [sum(sizes[p] for p in c) for c in chunks]
    assert max(loads) - min(loads) <= max(sizes.values())  # LPT's guarantee
    assert loads == sorted(loads, reverse=True)  # heaviest first


def test_a_huge_file_gets_a_chunk_of_its_own() -> None:
    chunks = balanced_chunks([("big", 10_000), *((f"s{n}", 10) for n in range(50))], 4)
    assert chunks[0] == ("big",)


def test_fewer_files_than_parts_and_no_files() -> None:
    assert balanced_chunks([("a", 1), ("b", 1)], 8) == [("a",), ("b",)]
    assert balanced_chunks([], 4) == []
    assert chunk_count(0, 4) == 1
    assert chunk_count(3, 4) == 3
    assert chunk_count(1000, 2) == 8


# --- CPU tokens -------------------------------------------------------------------------------


def _hold_token(directory: str, ready: str) -> None:
    tokens = CpuTokens.found_in(Path(directory))
    assert tokens is not None
    with tokens.hold():
        Path(ready).touch()
        time.sleep(60)


def _try_hold(tokens: CpuTokens, within: float) -> bool:
    """Whether a token can be taken within ``within`` seconds (checked from a thread)."""
    import threading

    got = threading.Event()

    def take() -> None:
        with tokens.hold():
            got.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    return got.wait(within)


def test_tokens_limit_concurrency_and_free_on_death(tmp_path: Path) -> None:
    tokens = CpuTokens.create(tmp_path, 1)
    ready = tmp_path / "ready"
    holder = multiprocessing.get_context("spawn").Process(
        target=_hold_token, args=(str(tmp_path), str(ready)))
    holder.start()
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists()
        assert not _try_hold(tokens, 0.5)  # the only token is taken
        holder.kill()  # dies holding it: the kernel releases the lock
        holder.join(10)
        assert _try_hold(tokens, 5)
    finally:
        holder.kill()
        holder.join(10)


def test_no_token_directory_means_no_limit(tmp_path: Path) -> None:
    assert CpuTokens.found_in(None) is None
    assert CpuTokens.found_in(tmp_path) is None  # empty: nothing to honour


# --- the pool ---------------------------------------------------------------------------------


def _echo(root: Path, files: Sequence[str]) -> tuple[int, tuple[str, ...]]:
    return os.getpid(), tuple(files)


def _fail(root: Path, files: Sequence[str]) -> None:
    raise ValueError(f"leaky message quoting {files[0]}")


def _refuse(root: Path, files: Sequence[str]) -> None:
    raise CheckError("tool missing")


def test_pool_runs_every_chunk_in_other_processes(tmp_path: Path) -> None:
    chunks = [("a",), ("b",), ("c",), ("d",)]
    tokens = CpuTokens.create(tmp_path, 2).directory
    results = list(map_chunks(_echo, tmp_path, chunks, jobs=2, tokens=tokens))
    assert sorted(chunk for chunk, _ in results) == chunks
    assert all(chunk == files for chunk, (_, files) in results)
    assert os.getpid() not in {pid for _, (pid, _) in results}


def test_one_job_runs_in_one_limited_worker(tmp_path: Path) -> None:
    results = list(map_chunks(_echo, tmp_path, [("a",), ("b",)], jobs=1))
    pids = {pid for _, (pid, _) in results}
    assert len(pids) == 1 and os.getpid() not in pids


@pytest.mark.parametrize("jobs", [1, 2])
def test_worker_errors_cross_back_without_their_message(tmp_path: Path, jobs: int) -> None:
    failed = list(map_chunks(_fail, tmp_path, [("secret.txt",), ("b",)], jobs=jobs))
    assert sorted(failed, key=repr) == [
        (("b",), ChunkFailed("the scan failed on it (ValueError)")),
        (("secret.txt",), ChunkFailed("the scan failed on it (ValueError)"))]
    with pytest.raises(CheckError, match="tool missing"):
        list(map_chunks(_refuse, tmp_path, [("a",), ("b",)], jobs=jobs))


def test_secrets_results_from_the_pool_hold_no_values(source_tree: SourceTree) -> None:
    value = "AKIA" + "N4V7Q1Z8M3K6W2X5"
    source_tree.write("a.env", f"AWS_KEY={value}\n")
    source_tree.write("b.env", f"KEY={value}\n")
    results = list(map_chunks(secrets_scan, source_tree.root, [("a.env",), ("b.env",)], jobs=2))
    assert all(scan.findings for _, scan in results)
    assert value.encode() not in pickle.dumps(results)


# --- the runner stops a check's pool with the check --------------------------------------------


def _sleep_forever(root: Path, files: Sequence[str]) -> None:
    (root / f"pid-{files[0]}").write_text(str(os.getpid()))
    time.sleep(3600)


class PoolHangCheck(Check):
    """Starts a two-process pool whose chunks never finish."""

    name = "poolhang"
    tool = "none"

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        list(map_chunks(_sleep_forever, target.root, [("a",), ("b",)], jobs=2,
                        tokens=target.cpu_tokens))
        raise AssertionError("unreachable")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.startswith("State:") and "Z" in line for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not hasattr(os, "killpg") or not Path("/proc").is_dir(),
                    reason="process groups and /proc")
def test_timeout_kills_the_check_and_its_pool(tmp_path: Path) -> None:
    job = CheckJob(name="poolhang", target="test_parallel:PoolHangCheck",
                   scan=ScanTarget(root=tmp_path, files=(), jobs=2), timeout=4)
    result = run_checks([job])["poolhang"]
    assert result.errors == ("timed out after 4s",)
    pids = [int(p.read_text()) for p in tmp_path.glob("pid-*")]
    assert len(pids) == 2  # both pool workers had started (each holding a token)
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(pid) for pid in pids)

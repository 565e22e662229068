"""Pool workers under limits: a file that exhausts memory or time, or kills its worker,
is reported alone as not scanned; the worker is replaced; every other file's result is kept."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from gate.checks.engine.cached_scan import FileScanSpec, scan_with_cache
from gate.checks.engine.pool import CHUNK_MAX_BYTES, ChunkFailed, chunk_count, map_chunks
from gate.checks.interface import NotScanned, ScanTarget
from gate.checks.secrets import scan_files as secrets_scan
from gate.limits import WorkerLimits

LIMITS = WorkerLimits(memory_mb=400, file_seconds=3)


def _hostile(root: Path, files: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """Scans ``files``; some names misbehave the way hostile inputs make tools misbehave."""
    for name in files:
        if name == "bomb":  # one allocation far past the limit: refused at once
            bytearray(4 * 1024 * 1024 * 1024)
        if name == "hang":
            time.sleep(3600)
        if name == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
    return tuple((name, os.getpid()) for name in files)


def _by_chunk(results: list[tuple[tuple[str, ...], object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for chunk, value in results:
        for name in chunk:
            out[name] = value if isinstance(value, ChunkFailed) else "ok"
    return out


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_failure_is_one_file_and_the_rest_is_kept(tmp_path: Path, jobs: int) -> None:
    chunks = [("a", "bomb", "b"), ("c", "hang", "d"), ("e", "segv")]
    results = list(map_chunks(_hostile, tmp_path, chunks, jobs=jobs, limits=LIMITS))
    assert _by_chunk(results) == {
        "a": "ok", "b": "ok", "c": "ok", "d": "ok", "e": "ok",
        "bomb": ChunkFailed("exceeded the memory limit (400 MB) while scanning it"),
        "hang": ChunkFailed("exceeded the time budget (3 s per file)"),
        "segv": ChunkFailed(f"the scan worker died on it (signal {int(signal.SIGSEGV)})"),
    }


def test_chunks_are_small_enough_for_the_budget() -> None:
    assert chunk_count(10, 2, total_bytes=10 * CHUNK_MAX_BYTES) == 10
    assert chunk_count(1000, 1) == 5  # at most 200 files a chunk
    assert chunk_count(3, 8, total_bytes=1) == 3


def _secrets_or_bomb(root: Path, files: Sequence[str]) -> object:
    _hostile(root, [f for f in files if f == "bomb"])
    return secrets_scan(root, files)


def test_a_bomb_is_not_scanned_and_other_findings_stay(tmp_path: Path) -> None:
    value = "AKIA" + "J3W6Q2Z7N4K6X2V5"
    for name in ("one.env", "two.env"):
        (tmp_path / name).write_text(f"AWS_KEY={value}\n")
    (tmp_path / "bomb").write_text("x")
    spec = FileScanSpec(check="secrets", tool_version="t", scan=_secrets_or_bomb,  # type: ignore[arg-type]
                        modules=("gate.checks.secrets.check",))
    target = ScanTarget(root=tmp_path, files=("bomb", "one.env", "two.env"), jobs=2,
                        limits=LIMITS)
    scan = scan_with_cache(spec, target, target.files)
    assert [(f.location.path, f.rule_id) for f in scan.findings] == [
        ("one.env", "GATE-SECRET-AWS-ACCESS-KEY-ID"), ("two.env", "GATE-SECRET-AWS-ACCESS-KEY-ID")]
    assert scan.not_scanned == (NotScanned(
        "bomb", "not scanned: exceeded the memory limit (400 MB) while scanning it"),)

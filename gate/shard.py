"""Sharding: one gate spread over N CI jobs, each scanning a deterministic slice of the files.

``gate run --shard I/N`` (1-based, as GitLab's ``parallel: N`` numbers its
jobs; ``CI_NODE_INDEX``/``CI_NODE_TOTAL`` are read when no ``--shard`` is
given) scans slice I of N; ``gate merge`` joins the N JSON reports into one
verdict. Every job computes the same partition from the same inputs (the
inventory's paths and sizes), so no coordination is needed; each report
records a digest of those inputs and ``gate merge`` refuses shards that
partitioned different trees: a file no shard scanned must never pass.

Only the per-file checks (sast, secrets) are sliced: their findings for a
file depend on that file alone. The whole-tree checks (dependencies, iac,
plugins) may relate files to each other (a Terraform module spans files, a
lock file pairs with its manifest), so shard 1 runs them over every file and
the other shards skip them.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gate.errors import UsageError
from gate.result import RunResult, ShardInfo, Verdict
from gate.runner import CheckJob

__all__ = ["PER_FILE_CHECKS", "Shard", "ShardPlan", "apply_shard", "parse_shard", "plan_shard",
           "settle_shard", "shard_from_env"]

PER_FILE_CHECKS = frozenset({"sast", "secrets"})
"""Checks whose findings for a file depend on that file only: safe to run on a slice."""

_SPEC = re.compile(r"\A\s*(\d+)\s*/\s*(\d+)\s*\Z")


@dataclass(frozen=True)
class Shard:
    """Slice ``index`` (1-based) of ``total``."""

    index: int
    total: int

    def __post_init__(self) -> None:
        if self.total < 1 or not 1 <= self.index <= self.total:
            raise UsageError(f"shard {self.index}/{self.total}: expected I/N with 1 <= I <= N")

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> ``Shard(2, 4)``; :class:`UsageError` for anything else (``0/4`` included)."""
    match = _SPEC.match(text)
    if not match:
        raise UsageError(f"--shard {text!r}: expected I/N, e.g. 1/4 (I counts from 1)")
    return Shard(int(match.group(1)), int(match.group(2)))


def shard_from_env(env: Mapping[str, str]) -> Shard | None:
    """The shard GitLab's ``parallel: N`` assigns (``CI_NODE_INDEX`` is 1-based), if any."""
    index, total = env.get("CI_NODE_INDEX", "").strip(), env.get("CI_NODE_TOTAL", "").strip()
    if not index or not total:
        return None
    if not (index.isdigit() and total.isdigit()):
        raise UsageError(f"CI_NODE_INDEX={index!r}/CI_NODE_TOTAL={total!r}: not whole numbers")
    if int(index) == 0:
        raise UsageError("CI_NODE_INDEX=0: gate reads it as GitLab sets it, counting from 1; "
                         "pass --shard I/N explicitly for a CI that counts from 0")
    shard = Shard(int(index), int(total))
    return shard if shard.total > 1 else None


def _sizes(root: Path, files: Sequence[str]) -> list[tuple[str, int]]:
    sized = []
    for rel in files:
        try:
            size = (root / rel).stat().st_size
        except OSError:
            size = 0
        sized.append((rel, size))
    return sized


def partition(files: Sequence[tuple[str, int]], total: int) -> list[list[str]]:
    """Split (path, size) pairs into ``total`` slices of near-equal size, deterministically.

    Biggest file first, each into the lightest slice so far (ties: the lower
    slice); the result depends only on the set of pairs, not their order.
    """
    heap = [(0, index) for index in range(total)]
    slices: list[list[str]] = [[] for _ in range(total)]
    for path, size in sorted(set(files), key=lambda item: (-item[1], item[0])):
        load, index = heapq.heappop(heap)
        slices[index].append(path)
        heapq.heappush(heap, (load + max(size, 1), index))
    return [sorted(s) for s in slices]


def inventory_digest(files: Sequence[tuple[str, int]]) -> str:
    """What every shard must agree on: the inventory's paths and sizes."""
    h = hashlib.sha256()
    for path, size in sorted(files):
        h.update(f"{path}\0{size}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class ShardPlan:
    """What one shard scans: the slice for per-file checks, which checks run, the record."""

    files: frozenset[str]
    checks: tuple[str, ...]
    info: ShardInfo

    def files_for(self, check: str, files: Sequence[str]) -> tuple[str, ...]:
        """``files`` (a check's own selection) narrowed to this shard if the check is sliced."""
        if check not in PER_FILE_CHECKS:
            return tuple(files)
        return tuple(f for f in files if f in self.files)


def plan_shard(shard: Shard, root: Path, files: Sequence[str], checks: Sequence[str]) -> ShardPlan:
    """The plan for ``shard`` over the inventory ``files`` and the selected ``checks``."""
    sized = _sizes(root, files)
    mine = partition(sized, shard.total)[shard.index - 1]
    sliced = tuple(c for c in checks if c in PER_FILE_CHECKS)
    runs = tuple(c for c in checks if c in PER_FILE_CHECKS or shard.index == 1)
    info = ShardInfo(index=shard.index, total=shard.total, inventory=inventory_digest(sized),
                     files=len(mine), sliced=sliced)
    return ShardPlan(frozenset(mine), runs, info)


def apply_shard(shard: Shard | None, root: Path, files: Sequence[str],
                jobs: Sequence[CheckJob]) -> tuple[list[CheckJob], ShardInfo | None]:
    """The check jobs of this shard (sliced or dropped) and the record for its report.

    No shard, or ``1/1``, is an ordinary run: the jobs unchanged and no record.
    """
    if shard is None or shard.total == 1:
        return list(jobs), None
    plan = plan_shard(shard, root, files, [job.name for job in jobs])
    return [replace(job, scan=replace(job.scan, files=plan.files_for(job.name, job.scan.files)))
            for job in jobs if job.name in plan.checks], plan.info


def settle_shard(result: RunResult) -> RunResult:
    """A shard left with no check to run passes its own job; ``gate merge`` judges the whole.

    That happens to shards after the first when no per-file check is selected
    (the whole-tree checks all run in shard 1). Without this, the verdict
    stage would call the empty run an error and fail a job that had nothing to do.
    """
    if result.shard is None or result.checks:
        return result
    info = result.shard
    return replace(result, verdict=Verdict.PASS, reasons=(
        f"shard {info.index}/{info.total}: no check runs on this slice (the whole-tree "
        "checks run in shard 1); gate merge judges the run",))

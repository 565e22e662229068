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

Slices are balanced by estimated cost, not bytes (:mod:`gate.shard_cost`):
a ``.py`` file weighs what bandit, the dataflow pass and the secrets scan
spend on it, any other file what the secrets scan spends, and shard 1 starts
with the estimated cost of the whole-tree checks, so it gets a lighter slice.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gate.errors import UsageError
from gate.runner import CheckJob
from gate.shard_cost import per_file_costs, sizes, whole_tree_cost

if TYPE_CHECKING:  # the result model: only a sharded run, or its verdict, needs it
    from gate.result import RunResult, ShardInfo

__all__ = ["PER_FILE_CHECKS", "Shard", "ShardPlan", "apply_shard", "costs_of", "inventory_digest",
           "parse_shard", "partition", "plan_shard", "settle_shard", "shard_from_env"]

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


def partition(costs: Sequence[tuple[str, int]], total: int,
              head_start: int = 0) -> list[list[str]]:
    """Split (path, cost) pairs into ``total`` slices of near-equal cost, deterministically.

    Slice 1 starts with ``head_start`` already on it (the whole-tree checks it
    also runs). Costliest file first, each into the lightest slice so far (ties:
    the lower slice); the result depends only on the set of pairs, not their
    order.
    """
    heap = [(head_start if index == 0 else 0, index) for index in range(total)]
    heapq.heapify(heap)
    slices: list[list[str]] = [[] for _ in range(total)]
    for path, cost in sorted(set(costs), key=lambda item: (-item[1], item[0])):
        load, index = heapq.heappop(heap)
        slices[index].append(path)
        heapq.heappush(heap, (load + max(cost, 1), index))
    return [sorted(s) for s in slices]


def inventory_digest(files: Sequence[tuple[str, int]], costs: Sequence[tuple[str, int]] = (),
                     head_start: int = 0) -> str:
    """What every shard must agree on: the inventory's paths and sizes, and the costs and head
    start it partitioned by (a different policy or check selection gives other costs)."""
    h = hashlib.sha256()
    for path, size in sorted(files):
        h.update(f"{path}\0{size}\n".encode("utf-8", "surrogateescape"))
    if costs or head_start:
        h.update(f"head {head_start}\n".encode())
        for path, cost in sorted(costs):
            h.update(f"{path}\0{cost}\n".encode("utf-8", "surrogateescape"))
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


def costs_of(root: Path, files: Sequence[str], jobs: Sequence[CheckJob]
             ) -> tuple[dict[str, int], list[tuple[str, int]], int]:
    """Sizes, each file's estimated cost over the sliced checks, and the whole-tree head start."""
    size = sizes(root, files)
    cost = dict.fromkeys(files, 0)
    head = 0
    for job in jobs:
        if job.name in PER_FILE_CHECKS:
            for rel, spent in per_file_costs(job.name, job.scan.files, size).items():
                if rel in cost:
                    cost[rel] += spent
        else:
            head += whole_tree_cost(job.name, job.target, job.scan.files, job.scan.options, size)
    return size, sorted(cost.items()), head


def plan_shard(shard: Shard, root: Path, files: Sequence[str],
               jobs: Sequence[CheckJob]) -> ShardPlan:
    """The plan for ``shard`` over the inventory ``files`` and the selected check ``jobs``."""
    size, costs, head = costs_of(root, files, jobs)
    mine = partition(costs, shard.total, head)[shard.index - 1]
    names = [job.name for job in jobs]
    sliced = tuple(c for c in names if c in PER_FILE_CHECKS)
    runs = tuple(c for c in names if c in PER_FILE_CHECKS or shard.index == 1)
    from gate.result import ShardInfo

    info = ShardInfo(index=shard.index, total=shard.total,
                     inventory=inventory_digest(sorted(size.items()), costs, head),
                     files=len(mine), sliced=sliced)
    return ShardPlan(frozenset(mine), runs, info)


def apply_shard(shard: Shard | None, root: Path, files: Sequence[str],
                jobs: Sequence[CheckJob]) -> tuple[list[CheckJob], ShardInfo | None]:
    """The check jobs of this shard (sliced or dropped) and the record for its report.

    No shard, or ``1/1``, is an ordinary run: the jobs unchanged and no record.
    """
    if shard is None or shard.total == 1:
        return list(jobs), None
    plan = plan_shard(shard, root, files, jobs)
    out = []
    for job in jobs:
        if job.name not in plan.checks:
            continue
        aside = set(plan.files_for(job.name, [n.path for n in job.scan.set_aside]))
        out.append(replace(job, scan=replace(
            job.scan, files=plan.files_for(job.name, job.scan.files),
            set_aside=tuple(n for n in job.scan.set_aside if n.path in aside))))
    return out, plan.info


def settle_shard(result: RunResult) -> RunResult:
    """A shard left with no check to run passes its own job; ``gate merge`` judges the whole.

    That happens to shards after the first when no per-file check is selected
    (the whole-tree checks all run in shard 1). Without this, the verdict
    stage would call the empty run an error and fail a job that had nothing to do.
    """
    if result.shard is None or result.checks:
        return result
    from gate.result import Verdict

    info = result.shard
    return replace(result, verdict=Verdict.PASS, reasons=(
        f"shard {info.index}/{info.total}: no check runs on this slice (the whole-tree "
        "checks run in shard 1); gate merge judges the run",))

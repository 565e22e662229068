"""What scanning a file costs, estimated: the weights :mod:`gate.shard` balances shards by.

Bytes alone balance badly: bandit and the dataflow pass read only ``.py``
files and cost about three times what the secrets scan does per byte, and
shard 1 also carries the whole-tree checks (IaC, dependencies, plugins). So
each file weighs the estimated CPU time of every per-file check that scans
it, and shard 1 starts with the estimated time of the whole-tree checks
already on its scale.

The rates are CPU nanoseconds per byte measured single-threaded on real code
(site-packages: mypy, django, botocore...; IaC: aws-cloudformation-templates,
kubernetes/examples, terraform-aws-vpc; 2026-11-30, see docs/performance.md).
They only have to be right relative to each other, and every job of a
sharded run uses the same table, so the partition stays deterministic.
Everything here is integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gate.checks.registry import check_class

__all__ = ["CHECK_NS", "FILE_NS", "NS_PER_BYTE", "file_kind", "per_file_costs", "sizes",
           "whole_tree_cost"]

NS_PER_BYTE: Mapping[tuple[str, str], int] = {
    ("sast", "python"): 4100,  # bandit 3.4 + dataflow 0.7 s/MB
    ("sast", "terraform"): 0,  # sast reads .py files only
    ("sast", "other"): 0,
    ("secrets", "python"): 1900,
    ("secrets", "terraform"): 1300,
    ("secrets", "other"): 1300,
    ("iac", "terraform"): 11900,  # HCL parsing dominates
    ("iac", "python"): 0,
    ("iac", "other"): 400,  # YAML/JSON sniffed, CloudFormation/Kubernetes parsed
}
"""CPU ns per byte of a file of each kind, per check (0: the check does not read it)."""
DEFAULT_NS_PER_BYTE = 1300
"""A per-file check not in the table (a plugin's): as fast as the secrets scan."""
WHOLE_TREE_NS_PER_BYTE = 0
"""A whole-tree check not in the table (dependencies, a plugin): its ``reads`` says what it
*could* read (dependencies: every text file a ``-r`` include might name), far more than it
does, so only its fixed cost (:data:`CHECK_NS`) counts."""
FILE_NS = 1_000_000
"""Per file and check that reads it: opening, hashing, the cache lookup (1 ms)."""
CHECK_NS: Mapping[str, int] = {"dependencies": 500_000_000}
"""A whole-tree check's fixed cost (measured: dependencies took 0.05-0.2 s over 2,500-50,000
files with nine manifests and the offline database; IaC 0.2 s on 2,500 files)."""
DEFAULT_CHECK_NS = 1_000_000_000


def file_kind(path: str) -> str:
    """``python``, ``terraform`` or ``other``: what the rate of a file depends on."""
    lower = path.lower()
    if lower.endswith(".py"):
        return "python"
    name = lower.rsplit("/", 1)[-1]
    if lower.endswith((".tf", ".tf.json")) or name == "terraform.tfvars" \
            or name.endswith(".auto.tfvars"):
        return "terraform"
    return "other"


def _rate(check: str, path: str, default: int = DEFAULT_NS_PER_BYTE) -> int:
    return NS_PER_BYTE.get((check, file_kind(path)), default)


def sizes(root: Path, files: Sequence[str]) -> dict[str, int]:
    """Each file's size (0 when it cannot be stat'ed: the scan will say why)."""
    found = {}
    for rel in files:
        try:
            found[rel] = (root / rel).stat().st_size
        except OSError:
            found[rel] = 0
    return found


def per_file_costs(check: str, files: Sequence[str], size: Mapping[str, int]
                   ) -> dict[str, int]:
    """The estimated cost of ``check`` scanning each of ``files`` (files it skips cost 0)."""
    costs = {}
    for rel in files:
        rate = _rate(check, rel)
        costs[rel] = size.get(rel, 0) * rate + FILE_NS if rate else 0
    return costs


Reads = Callable[[str, Mapping[str, Any]], bool]


def _reader(target: str) -> Reads | None:
    """The check's ``reads`` (which files it picks by name), or None if it cannot be imported."""
    reads: Reads | None = getattr(check_class(target), "reads", None)
    return reads


def whole_tree_cost(check: str, target: str, files: Sequence[str],
                    options: Mapping[str, Any], size: Mapping[str, int]) -> int:
    """The estimated cost of a whole-tree check over ``files`` (the ones it reads by name)."""
    cost = CHECK_NS.get(check, DEFAULT_CHECK_NS)
    reads = _reader(target)
    if reads is None:
        return cost
    for rel in files:
        rate = _rate(check, rel, WHOLE_TREE_NS_PER_BYTE)
        if rate and reads(rel, options):
            cost += size.get(rel, 0) * rate + FILE_NS
    return cost

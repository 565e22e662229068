"""Shard weights: per-file costs by check and file kind, the whole-tree head start of shard 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.checks.interface import ScanTarget
from gate.runner import CheckJob
from gate.shard import Shard, apply_shard, costs_of, partition
from gate.shard_cost import (
    CHECK_NS,
    DEFAULT_CHECK_NS,
    FILE_NS,
    NS_PER_BYTE,
    file_kind,
    per_file_costs,
    sizes,
    whole_tree_cost,
)

IAC = "gate.checks.iac.check:IacCheck"


@pytest.mark.parametrize("path, kind", [
    ("a.py", "python"), ("pkg/M.PY", "python"), ("a.pyi", "other"), ("infra/main.tf", "terraform"),
    ("x.tf.json", "terraform"), ("env/terraform.tfvars", "terraform"),
    ("prod.auto.tfvars", "terraform"), ("k8s.yaml", "other"), ("README", "other"),
])
def test_file_kind(path: str, kind: str) -> None:
    assert file_kind(path) == kind


def test_per_file_costs_follow_what_each_check_reads() -> None:
    size = {"a.py": 1000, "b.txt": 3000, "gone.py": 0}
    assert per_file_costs("sast", list(size), size) == {
        "a.py": 1000 * 4100 + FILE_NS, "b.txt": 0, "gone.py": FILE_NS}
    assert per_file_costs("secrets", list(size), size) == {
        "a.py": 1000 * 1900 + FILE_NS, "b.txt": 3000 * 1300 + FILE_NS, "gone.py": FILE_NS}
    assert NS_PER_BYTE[("sast", "python")] > NS_PER_BYTE[("secrets", "python")]


def test_sizes_of_missing_files_are_zero(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"12345")
    assert sizes(tmp_path, ["a", "missing"]) == {"a": 5, "missing": 0}


def test_whole_tree_cost_counts_the_files_the_check_reads_by_name() -> None:
    size = {"main.tf": 100, "k8s.yaml": 200, "app.py": 5000, "notes.txt": 9000}
    cost = whole_tree_cost("iac", IAC, list(size), {}, size)
    assert cost == DEFAULT_CHECK_NS + 100 * 11900 + 200 * 400 + 2 * FILE_NS


def test_unmeasured_whole_tree_checks_count_their_fixed_cost_only() -> None:
    # dependencies "reads" every text file a -r include could name: not what it costs
    size = {"requirements.txt": 100, "notes.txt": 9000, "pyproject.toml": 300}
    target = "gate.checks.dependencies.check:DependenciesCheck"
    assert whole_tree_cost("dependencies", target, list(size), {}, size) \
        == CHECK_NS["dependencies"]


def test_whole_tree_cost_of_an_unloadable_check_is_its_fixed_cost() -> None:
    size = {"requirements.txt": 100}
    assert whole_tree_cost("mystery", "no.such.module:Check", list(size), {}, size) \
        == DEFAULT_CHECK_NS
    assert whole_tree_cost("dependencies", "no.such.module:Check", list(size), {}, size) \
        == CHECK_NS["dependencies"]


def test_head_start_gives_shard_one_a_lighter_slice() -> None:
    costs = [(f"f{n}", 10) for n in range(8)]
    assert partition(costs, 2, head_start=40) == [["f4", "f6"],
                                                  ["f0", "f1", "f2", "f3", "f5", "f7"]]
    assert partition(costs, 2) == [["f0", "f2", "f4", "f6"], ["f1", "f3", "f5", "f7"]]


def _job(name: str, target: str, files: tuple[str, ...], root: Path) -> CheckJob:
    return CheckJob(name=name, target=target, scan=ScanTarget(root=root, files=files),
                    timeout=60)


def _tree(root: Path, files: dict[str, int]) -> tuple[str, ...]:
    for rel, size in files.items():
        (root / rel).write_bytes(b"x" * size)
    return tuple(sorted(files))


def test_python_weighs_more_than_its_bytes(tmp_path: Path) -> None:
    files = _tree(tmp_path, {"a.py": 1000, "b.txt": 3000, "c.txt": 1000})
    jobs = [_job("sast", "x:sast", files, tmp_path), _job("secrets", "x:secrets", files, tmp_path)]
    size, costs, head = costs_of(tmp_path, files, jobs)
    assert size == {"a.py": 1000, "b.txt": 3000, "c.txt": 1000} and head == 0
    assert dict(costs) == {"a.py": 1000 * (4100 + 1900) + 2 * FILE_NS,
                           "b.txt": 3000 * 1300 + FILE_NS, "c.txt": 1000 * 1300 + FILE_NS}
    first, _ = apply_shard(Shard(1, 2), tmp_path, files, jobs)
    second, _ = apply_shard(Shard(2, 2), tmp_path, files, jobs)
    assert first[1].scan.files == ("a.py",)  # by bytes alone it would have had b.txt
    assert second[1].scan.files == ("b.txt", "c.txt")
    assert first[0].scan.files == ("a.py",) and second[0].scan.files == ("b.txt", "c.txt")


def test_the_whole_tree_checks_shape_the_partition_and_its_digest(tmp_path: Path) -> None:
    files = _tree(tmp_path, {f"m{n}.py": 200_000 for n in range(8)} | {"main.tf": 10})
    sliced = [_job("sast", "x:sast", files, tmp_path)]
    with_iac = [*sliced, _job("iac", IAC, files, tmp_path)]
    _, costs, head = costs_of(tmp_path, files, with_iac)
    assert head == DEFAULT_CHECK_NS + 10 * 11900 + FILE_NS
    assert dict(costs)["m0.py"] == 200_000 * 4100 + FILE_NS and dict(costs)["main.tf"] == 0
    plain = [apply_shard(Shard(i, 2), tmp_path, files, sliced) for i in (1, 2)]
    heavy = [apply_shard(Shard(i, 2), tmp_path, files, with_iac) for i in (1, 2)]
    py = [f for f in files if f.endswith(".py")]
    # each .py costs 0.82 s: the 1 s head start moves one file to shard 2
    assert [len(jobs[0].scan.files) for jobs, _ in plain] == [5, 4]  # main.tf (cost 0) too
    assert [sum(f in py for f in jobs[0].scan.files) for jobs, _ in plain] == [4, 4]
    assert [sum(f in py for f in jobs[0].scan.files) for jobs, _ in heavy] == [3, 5]
    assert heavy[0][0][1].scan.files == files  # iac: every file, in shard 1 only
    assert [j.name for j in heavy[1][0]] == ["sast"]
    assert sorted(f for jobs, _ in heavy for f in jobs[0].scan.files) == list(files)
    infos = [info for _, info in (*plain, *heavy)]
    assert None not in infos
    digests = [info.inventory for info in infos if info is not None]
    assert digests[0] == digests[1] and digests[2] == digests[3]  # every shard agrees
    assert digests[0] != digests[2]  # another check selection: another partition

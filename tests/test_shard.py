"""Sharding: parsing I/N, GitLab's CI_NODE_* variables, a deterministic balanced partition."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.checks.interface import NotScanned, ScanTarget
from gate.cli.main import main
from gate.errors import UsageError
from gate.pipeline import RunOptions, run
from gate.result import Verdict
from gate.runner import CheckJob
from gate.shard import (
    PER_FILE_CHECKS,
    Shard,
    apply_shard,
    inventory_digest,
    parse_shard,
    partition,
    shard_from_env,
)

MakeRepo = Callable[..., Path]


@pytest.mark.parametrize("text, expected", [("1/2", Shard(1, 2)), (" 3 / 4 ", Shard(3, 4)),
                                            ("1/1", Shard(1, 1))])
def test_parse_shard(text: str, expected: Shard) -> None:
    assert parse_shard(text) == expected
    assert str(expected) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "-1/2", ""])
def test_parse_shard_rejects(text: str) -> None:
    with pytest.raises(UsageError):
        parse_shard(text)


def test_gitlab_variables_are_one_based() -> None:
    assert shard_from_env({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"}) == Shard(1, 3)
    assert shard_from_env({"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"}) == Shard(3, 3)
    assert shard_from_env({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "1"}) is None
    assert shard_from_env({}) is None
    assert shard_from_env({"CI_NODE_TOTAL": "3"}) is None
    with pytest.raises(UsageError, match="counting from 1"):
        shard_from_env({"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"})
    with pytest.raises(UsageError):
        shard_from_env({"CI_NODE_INDEX": "4", "CI_NODE_TOTAL": "3"})
    with pytest.raises(UsageError):
        shard_from_env({"CI_NODE_INDEX": "x", "CI_NODE_TOTAL": "3"})


FILES = [(f"pkg/m{n:03}.py", (n * 7919) % 3000 + 10) for n in range(120)]


def test_partition_is_complete_disjoint_and_order_independent() -> None:
    slices = partition(FILES, 4)
    assert sorted(p for s in slices for p in s) == sorted(p for p, _ in FILES)
    assert len({p for s in slices for p in s}) == len(FILES)
    assert partition(list(reversed(FILES)), 4) == slices


def test_partition_is_balanced_by_size() -> None:
    sizes = dict(FILES)
    loads = [sum(sizes[p] for p in s) for s in partition(FILES, 3)]
    assert max(loads) - min(loads) <= max(sizes.values())


def test_more_shards_than_files() -> None:
    assert partition([("a", 5), ("b", 1)], 3) == [["a"], ["b"], []]


def test_inventory_digest_sees_paths_and_sizes() -> None:
    assert inventory_digest(FILES) == inventory_digest(list(reversed(FILES)))
    assert inventory_digest(FILES) != inventory_digest([*FILES[:-1], (FILES[-1][0], 1)])
    assert inventory_digest(FILES) != inventory_digest(FILES[:-1])


def _job(name: str, files: tuple[str, ...], root: Path) -> CheckJob:
    return CheckJob(name=name, target=f"x:{name}", scan=ScanTarget(root=root, files=files),
                    timeout=60)


def test_only_per_file_checks_are_sliced_and_whole_tree_checks_run_in_shard_one(
        tmp_path: Path) -> None:
    files = tuple(f"f{n}.py" for n in range(10))
    for rel in files:
        (tmp_path / rel).write_text("x" * (len(rel) * 10))
    jobs = [_job("sast", files, tmp_path), _job("iac", files, tmp_path),
            _job("secrets", files, tmp_path)]
    assert {"sast", "secrets"} == PER_FILE_CHECKS

    first, info1 = apply_shard(Shard(1, 2), tmp_path, files, jobs)
    second, info2 = apply_shard(Shard(2, 2), tmp_path, files, jobs)

    assert [j.name for j in first] == ["sast", "iac", "secrets"]
    assert [j.name for j in second] == ["sast", "secrets"]
    assert first[1].scan.files == files  # iac: everything
    sast = set(first[0].scan.files) | set(second[0].scan.files)
    assert sast == set(files) and not set(first[0].scan.files) & set(second[0].scan.files)
    assert first[0].scan.files == first[2].scan.files
    assert info1 is not None and info2 is not None
    assert (info1.index, info2.index, info1.total) == (1, 2, 2)
    assert info1.inventory == info2.inventory and info1.sliced == ("sast", "secrets")
    assert info1.files + info2.files == len(files)


def test_no_shard_and_one_of_one_change_nothing(tmp_path: Path) -> None:
    jobs = [_job("sast", ("a.py",), tmp_path)]
    assert apply_shard(None, tmp_path, ("a.py",), jobs) == (jobs, None)
    assert apply_shard(Shard(1, 1), tmp_path, ("a.py",), jobs) == (jobs, None)


def test_a_shard_with_nothing_to_run_passes_and_posts_nothing(
        fake_checks: dict[str, str], make_repo: MakeRepo,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_publishing(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("a shard must not publish")

    monkeypatch.setattr("gate.publish.publish", no_publishing)
    root = make_repo({"a.py": "x = 1  # FLAW-high\n"})
    first = run(RunOptions(path=root, checks=("flaw",), env={}, shard=Shard(1, 2)))
    second = run(RunOptions(path=root, checks=("flaw",), env={}, shard=Shard(2, 2)))
    assert first.verdict == Verdict.FAIL and first.shard is not None
    assert second.verdict == Verdict.PASS and second.checks == ()
    assert second.shard is not None and second.shard.index == 2


def test_cli_reads_gitlab_parallel_variables(make_repo: MakeRepo, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"a.py": "x = 1\n", "b.py": "y = 2\n", "c.txt": "z\n"})
    monkeypatch.setenv("CI_NODE_INDEX", "2")
    monkeypatch.setenv("CI_NODE_TOTAL", "2")
    out = tmp_path / "shard.json"
    code = main(["run", str(root), "--checks", "sast,secrets", "--no-post", "--no-cache",
                 "--report", f"json={out}", "--format", "json"])
    assert code == 0
    report = json.loads(out.read_text())
    assert report["shard"]["index"] == 2 and report["shard"]["total"] == 2
    assert "scanning shard 2/2" in capsys.readouterr().err
    code = main(["run", str(root), "--checks", "sast", "--no-post", "--no-cache",
                 "--shard", "1/1", "--report", f"json={out}", "--format", "json"])
    assert code == 0 and json.loads(out.read_text())["shard"] is None


def test_set_aside_files_are_listed_by_the_shard_that_holds_them(tmp_path: Path) -> None:
    files = tuple(f"f{n}.py" for n in range(6))
    for rel in files:
        (tmp_path / rel).write_text("x" * (len(rel) * 10))
    aside = tuple(NotScanned(rel, "over max_file_size") for rel in ("f1.py", "f4.py"))
    text = tuple(f for f in files if f not in ("f1.py", "f4.py"))
    jobs = [CheckJob(name="sast", target="x:sast", timeout=60,
                     scan=ScanTarget(root=tmp_path, files=text, set_aside=aside)),
            CheckJob(name="iac", target="x:iac", timeout=60,
                     scan=ScanTarget(root=tmp_path, files=text, set_aside=aside)),
            _job("secrets", files, tmp_path)]

    shards = [apply_shard(Shard(i, 2), tmp_path, files, jobs)[0] for i in (1, 2)]

    listed = [[n.path for n in jobs_of[0].scan.set_aside] for jobs_of in shards]
    held = [[p for p in ("f1.py", "f4.py") if p in jobs_of[-1].scan.files] for jobs_of in shards]
    assert listed == held
    assert sorted(listed[0] + listed[1]) == ["f1.py", "f4.py"]
    assert shards[0][1].name == "iac" and shards[0][1].scan.set_aside == aside

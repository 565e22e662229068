"""Finding the base: diffs, worktrees, and the shallow clones CI hands us."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gitrepo import Repo

from gate.git.changes import changes_since
from gate.git.interface import GitError
from gate.git.objects import read_at
from gate.git.refs import open_base


def _history(repo: Repo) -> Repo:
    """main: 5 commits; feature branches off the 3rd and adds 2; main moves on by 1."""
    for i in range(5):
        repo.write({f"f{i}.py": f"x = {i}\n"}).commit(f"main {i}")
        if i == 2:
            repo.git("branch", "feature")
    repo.git("checkout", "-q", "feature")
    repo.write({"p1.py": "a = 1\n"}).commit("feature 1")
    repo.write({"p2.py": "b = 2\n"}).commit("feature 2")
    return repo


def _clone(origin: Repo, tmp_path: Path, *args: str) -> Repo:
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", *args, f"file://{origin.root}", str(target)],
                   check=True, capture_output=True)
    return Repo(target)


def test_changes_since_sees_every_kind_of_change(repo: Repo) -> None:
    repo.write({"keep.py": "k = 1\n", "edit.py": "e = 1\n", "gone.py": "g = 1\n",
                "old/name.py": "def f():\n    return 'long enough to be recognised'\n"})
    base = repo.commit("base")
    (repo.root / "new").mkdir()
    repo.git("mv", "old/name.py", "new/name.py")
    repo.delete("gone.py").write({"edit.py": "e = 2\n", "added.py": "a = 1\n"}).commit()
    repo.write({"untracked.py": "u = 1\n", "edit.py": "e = 3\n"})
    changes = changes_since(repo.root, base)
    assert changes.modified == {"edit.py"}
    assert changes.added == {"added.py", "untracked.py"}
    assert changes.deleted == {"gone.py"}
    assert changes.renamed == (("old/name.py", "new/name.py"),)
    assert changes.base_path("new/name.py") == "old/name.py"
    assert changes.base_path("added.py") is None
    assert "keep.py" not in changes.all_paths


def test_read_at(repo: Repo) -> None:
    repo.write({"a.py": "one\n", "sub/b.py": "two\n"})
    base = repo.commit("base")
    assert read_at(repo.root, base, "a.py") == b"one\n"
    assert read_at(repo.root, base, "missing.py") is None
    assert read_at(repo.root / "sub", base, "b.py") == b"two\n"


def test_open_base_local_branch(repo: Repo) -> None:
    _history(repo)
    base = open_base(repo.root, "main")
    assert base.commit == repo.git("rev-parse", "main")
    assert base.merge_base == repo.git("rev-parse", "feature~2")
    assert base.changes.added == {"p1.py", "p2.py"}  # main's later commit is not the PR's
    assert base.branch == "main"


def test_open_base_remote_tracking_and_fetch(repo: Repo, tmp_path: Path) -> None:
    _history(repo)
    clone = _clone(repo, tmp_path, "--branch", "feature", "--single-branch")
    base = open_base(clone.root, "main")  # not fetched yet: fetched from origin
    assert base.commit == repo.git("rev-parse", "main")
    assert clone.git("rev-parse", "refs/remotes/origin/main") == base.commit
    assert open_base(clone.root, "origin/main").branch == "main"


def test_shallow_clone_is_deepened_from_the_remote(repo: Repo, tmp_path: Path) -> None:
    _history(repo)
    clone = _clone(repo, tmp_path, "--depth", "1", "--branch", "feature")
    assert clone.git("rev-parse", "--is-shallow-repository") == "true"
    base = open_base(clone.root, "main")
    assert base.merge_base == repo.git("rev-parse", "feature~2")
    assert base.changes.added == {"p1.py", "p2.py"}


def test_shallow_clone_of_a_detached_merge_commit(repo: Repo, tmp_path: Path) -> None:
    """What actions/checkout does for a pull request: HEAD is a merge commit on no branch."""
    _history(repo)
    repo.git("checkout", "-q", "--detach", "main")
    repo.git("merge", "-q", "--no-edit", "feature")
    merge = repo.git("rev-parse", "HEAD")
    repo.git("update-ref", "refs/pull/1/merge", merge)
    repo.git("checkout", "-q", "main")
    clone = _clone(repo, tmp_path, "--depth", "1", "--branch", "feature")
    clone.git("fetch", "-q", "--depth", "1", "origin", "refs/pull/1/merge")
    clone.git("checkout", "-q", "--detach", "FETCH_HEAD")
    base = open_base(clone.root, "main")
    assert base.merge_base == repo.git("rev-parse", "main")
    assert base.changes.added == {"p1.py", "p2.py"}


def test_shallow_clone_without_remote_says_fetch_depth(repo: Repo, tmp_path: Path) -> None:
    _history(repo)
    clone = _clone(repo, tmp_path, "--depth", "1", "--no-single-branch")
    clone.git("checkout", "-q", "feature")
    clone.git("remote", "remove", "origin")
    with pytest.raises(GitError, match="fetch-depth: 0"):
        open_base(clone.root, "main")


def test_missing_base_ref_without_remote(repo: Repo) -> None:
    repo.write({"a.py": "x\n"}).commit()
    with pytest.raises(GitError, match="base ref 'release/9' not found"):
        open_base(repo.root, "release/9")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="needs a git work tree"):
        open_base(tmp_path, "main")


def test_unrelated_histories(repo: Repo) -> None:
    repo.write({"a.py": "x\n"}).commit()
    repo.git("checkout", "-q", "--orphan", "other")
    repo.write({"b.py": "y\n"}).commit()
    with pytest.raises(GitError, match="share no history"):
        open_base(repo.root, "main")


def test_ci_base_prefers_the_remote_branch_over_a_stale_local_one(
        repo: Repo, tmp_path: Path) -> None:
    _history(repo)
    clone = _clone(repo, tmp_path, "--branch", "feature", "--no-single-branch")
    clone.git("branch", "main", "origin/main~1")  # a reused CI checkout with a stale main
    assert open_base(clone.root, "main").commit == repo.git("rev-parse", "main~1")
    ci = open_base(clone.root, "main", prefer_remote=True)
    assert ci.commit == repo.git("rev-parse", "main")


@pytest.mark.parametrize("ref", ["", "--upload-pack=touch /tmp/pwned"])
def test_option_like_refs_are_refused(repo: Repo, ref: str) -> None:
    repo.write({"a.py": "x\n"}).commit()
    with pytest.raises(GitError, match="not a usable base ref"):
        open_base(repo.root, ref)

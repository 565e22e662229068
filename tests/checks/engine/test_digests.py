"""Content identities: git's object ids for clean tracked files, bytes hashed for the rest."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from gate.checks.engine import digests
from gate.checks.engine.digests import file_sha256, snapshot


@pytest.fixture(autouse=True)
def _git_asked_for_any_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """These small trees stand for big ones: git is asked however few the files (a test
    about the few, or about remembering, sets its own REMEMBER_FROM)."""
    monkeypatch.setattr(digests, "REMEMBER_FROM", 0)


def content_ids(root: Path, files: list[str]) -> dict[str, str]:
    return dict(snapshot(root, files).ids)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c",
                           "user.email=t@example.com", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "r"
    (root / "sub").mkdir(parents=True)
    (root / "a.py").write_text("a = 1\n")
    (root / "sub" / "b.py").write_text("b = 1\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "x")
    return root


def test_clean_tracked_files_use_git_ids_the_rest_their_bytes(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "new.py").write_text("n = 1\n")
    ids = content_ids(root, ["a.py", "sub/b.py", "new.py", "missing.py"])
    blob = _git(root, "rev-parse", "HEAD:a.py")
    assert ids["a.py"].startswith(f"git:{blob}:")
    assert ids["sub/b.py"].startswith("git:")
    assert ids["new.py"] == "sha256:" + hashlib.sha256(b"n = 1\n").hexdigest()
    assert "missing.py" not in ids


def test_an_edited_file_is_hashed_not_trusted_from_the_index(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    before = content_ids(root, ["a.py"])["a.py"]
    (root / "a.py").write_text("a = 2  # edited, same length? no\n")
    after = content_ids(root, ["a.py"])["a.py"]
    assert after == file_sha256(root / "a.py") and after != before


def test_a_scan_root_below_the_top_gets_root_relative_paths(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    ids = content_ids(root / "sub", ["b.py"])
    assert ids["b.py"].startswith("git:" + _git(root, "rev-parse", "HEAD:sub/b.py"))


def test_gitattributes_change_every_git_identity(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    before = content_ids(root, ["a.py"])["a.py"]
    (root / ".gitattributes").write_text("*.py working-tree-encoding=UTF-16\n")
    after = content_ids(root, ["a.py", ".gitattributes"])["a.py"]
    assert after.split(":")[:2] == before.split(":")[:2] and after != before


def test_outside_git_everything_is_hashed(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text("x = 1\n")
    assert content_ids(tmp_path, ["x.py"]) == {
        "x.py": "sha256:" + hashlib.sha256(b"x = 1\n").hexdigest()}


def test_a_snapshot_stats_every_file_and_identifies_the_readable(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "link.py").symlink_to(root / "a.py")
    tree = snapshot(root, ["a.py", "link.py", "missing.py"])
    st = (root / "a.py").lstat()
    assert tree.stats["a.py"] == (st.st_size, st.st_mtime_ns, st.st_ino)
    assert set(tree.stats) == {"a.py", "link.py"}
    assert tree.ids["a.py"].startswith("git:")
    assert tree.ids["link.py"] == file_sha256(root / "a.py")  # untracked: its target's bytes
    assert set(tree.ids) == {"a.py", "link.py"}


def test_an_untracked_files_hash_is_remembered_under_its_stat(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.checks.engine import digests

    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)  # written just now: settled
    monkeypatch.setattr(digests, "REMEMBER_FROM", 2)  # as many untracked files as a big tree
    root, cache = _repo(tmp_path), tmp_path / "cache"
    (root / "new.py").write_text("n = 1\n")
    (root / "other.py").write_text("o = 1\n")
    hashed: list[str] = []
    real = digests.file_sha256

    def counting(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(digests, "file_sha256", counting)
    files = ["a.py", "new.py", "other.py"]
    first = snapshot(root, files, cache).ids
    assert sorted(hashed) == ["new.py", "other.py"]
    hashed.clear()
    assert snapshot(root, files, cache).ids == first
    assert hashed == []
    (root / "new.py").write_text("n = 2\n")  # same size: the stat still differs
    hashed.clear()
    again = snapshot(root, files, cache).ids
    assert hashed == ["new.py"]
    assert again["new.py"] == real(root / "new.py") != first["new.py"]
    assert again == content_ids(root, files)  # what an uncached snapshot says
    monkeypatch.setattr(digests, "REMEMBER_FROM", 3)
    hashed.clear()
    snapshot(root, files, cache)
    assert sorted(hashed) == ["new.py", "other.py"]  # too few to be worth an entry


@pytest.mark.parametrize("take", ["survey", "snapshot"])
def test_a_few_files_are_hashed_and_git_is_not_asked(take: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A change's few files (a pre-push, a new-findings run): hashing them costs less than
    git's look at the whole tree (``git diff-files`` reads every file of a fresh clone)."""
    root = _repo(tmp_path)
    monkeypatch.setattr(digests, "REMEMBER_FROM", 3)
    asked = _asking(monkeypatch)
    monkeypatch.setattr(digests, "tracked_files", lambda root: pytest.fail("git asked"))
    monkeypatch.setattr(digests, "toplevel", lambda root: pytest.fail("git asked"))
    snap = getattr(digests, take)(root, ["a.py", "sub/b.py"])
    assert asked == []
    assert dict(snap.ids) == {"a.py": file_sha256(root / "a.py"),
                              "sub/b.py": file_sha256(root / "sub" / "b.py")}
    assert snap.stats["a.py"] == _stat(root / "a.py")


def test_a_survey_is_the_snapshot_a_check_would_take(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / ".gitattributes").write_text("*.py text eol=lf\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "attrs")
    (root / "sub" / "b.py").write_text("b = 2\n")  # modified
    (root / "new.py").write_text("n = 1\n")  # untracked
    files = [".gitattributes", "a.py", "sub/b.py", "new.py", "missing.py"]
    plain = snapshot(root, files)
    surveyed = digests.survey(root, files)
    assert dict(surveyed.ids) == dict(plain.ids)
    assert dict(surveyed.stats) == dict(plain.stats)
    assert sorted(surveyed.ids) == [".gitattributes", "a.py", "new.py", "sub/b.py"]
    given = snapshot(root, ["a.py", "new.py"], given=surveyed)
    assert dict(given.ids) == {k: plain.ids[k] for k in ("a.py", "new.py")}
    assert dict(given.stats) == {k: plain.stats[k] for k in ("a.py", "new.py")}


def test_a_survey_takes_the_stats_it_is_given(tmp_path: Path) -> None:
    """The inventory's stats, taken before anything read the files, are the snapshot's."""
    root = _repo(tmp_path)
    taken = {"a.py": os.lstat(root / "a.py")}
    (root / "a.py").write_text("a = 2  # edited after the inventory took its stat\n")
    surveyed = digests.survey(root, ["a.py"], taken=taken)
    assert surveyed.stats["a.py"] == (taken["a.py"].st_size, taken["a.py"].st_mtime_ns,
                                      taken["a.py"].st_ino)
    assert surveyed.stats["a.py"] != _stat(root / "a.py")  # a scan reading it sees the change


def test_a_check_given_the_survey_asks_git_nothing(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    surveyed = digests.survey(root, ["a.py", "sub/b.py"])
    asked = _asking(monkeypatch)
    monkeypatch.setattr(digests, "toplevel", lambda root: pytest.fail("git asked"))
    snap = snapshot(root, ["sub/b.py"], given=surveyed)
    assert asked == []
    assert dict(snap.ids) == {"sub/b.py": surveyed.ids["sub/b.py"]}


def test_after_a_survey_a_file_edited_keeps_the_stat_that_goes_with_its_identity(
        tmp_path: Path) -> None:
    """The check's snapshot is the tree as the survey saw it: a scan that reads the edited
    file finds a stat other than the snapshot's, so it cannot take its bytes for the
    identity's content; a file the survey does not hold is identified by the check."""
    root = _repo(tmp_path)
    seen = os.lstat(root / "a.py")
    surveyed = digests.survey(root, ["a.py", "sub/b.py"])
    (root / "a.py").write_text("a = 2  # edited after the survey\n")
    (root / "late.py").write_text("l = 1\n")  # created after it: hashed now
    snap = snapshot(root, ["a.py", "late.py"], given=surveyed)
    assert snap.ids["a.py"].startswith("git:" + _git(root, "rev-parse", "HEAD:a.py"))
    assert snap.stats["a.py"] == (seen.st_size, seen.st_mtime_ns, seen.st_ino)
    assert snap.stats["a.py"] != _stat(root / "a.py")
    assert snap.ids["late.py"] == file_sha256(root / "late.py")
    assert snap.stats["late.py"] == _stat(root / "late.py")
    assert sorted(snap.ids) == ["a.py", "late.py"]


def _stat(path: Path) -> tuple[int, int, int]:
    st = os.lstat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _big_repo(tmp_path: Path, count: int = 80) -> Path:
    """More tracked files than REMEMBER_FROM, committed, with a .gitattributes."""
    root = _repo(tmp_path)
    for n in range(count):
        (root / "sub" / f"m{n}.py").write_text(f"m = {n}\n")
    (root / ".gitattributes").write_text("*.py text eol=lf\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "more")
    return root


def _asking(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count the times git's index is asked for clean ids."""
    asked: list[Path] = []
    real = digests.clean_index_ids

    def counting(root: Path) -> dict[str, str]:
        asked.append(root)
        return real(root)

    monkeypatch.setattr(digests, "clean_index_ids", counting)
    return asked


@pytest.fixture
def remembering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                ) -> tuple[Path, Path, list[str], list[Path]]:
    """A settled repository of more than REMEMBER_FROM files, its cache, its tracked files,
    and the list of times git's index is asked."""
    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)
    monkeypatch.setattr(digests, "REMEMBER_FROM", 64)
    root = _big_repo(tmp_path)
    return root, tmp_path / "cache", _git(root, "ls-files").splitlines(), _asking(monkeypatch)


def test_ids_remembered_under_each_stat_spare_asking_git_and_name_the_same_content(
        remembering: tuple[Path, Path, list[str], list[Path]]) -> None:
    root, cache, files, asked = remembering
    first = digests.survey(root, files, cache)
    (root / "a.py").write_text("a = 2  # edited: its stat is not the remembered one\n")
    second = digests.survey(root, files, cache)
    assert len(asked) == 1  # the second survey took the ids from the cache
    assert second.ids["a.py"] == file_sha256(root / "a.py")  # not vouched for: hashed
    assert {k: v for k, v in second.ids.items() if k != "a.py"} == \
        {k: v for k, v in first.ids.items() if k != "a.py"}
    assert first.ids["sub/m7.py"].startswith("git:" + _git(root, "rev-parse", "HEAD:sub/m7.py"))


def test_git_is_asked_again_when_many_files_changed_or_the_attributes_did(
        remembering: tuple[Path, Path, list[str], list[Path]]) -> None:
    root, cache, files, asked = remembering
    digests.survey(root, files, cache)
    for n in range(digests.REMEMBER_FROM + 1):  # a branch switch, say
        (root / "sub" / f"m{n}.py").write_text(f"m = {n}  # changed\n")
    digests.survey(root, files, cache)
    assert len(asked) == 2
    (root / ".gitattributes").write_text("*.py text eol=crlf\n")
    after = digests.survey(root, files, cache)
    assert len(asked) == 3  # other attributes: nothing remembered under the old ones serves
    assert dict(after.ids) == dict(snapshot(root, files).ids)  # what git alone says

"""Facts remembered under a file's stat: served while the stat is unchanged, never trusted else."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from cache_rows import rows, write

from gate.cache.entry import canonical
from gate.cache.facts import FileFacts, stat_key
from gate.cache.mac import sign

MODULES = ("gate.cache.facts",)


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled (the racy window is tested on its own)."""
    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)


def _facts(cache: Path | None, root: Path, purpose: str = "test") -> FileFacts:
    return FileFacts(cache, purpose, root, MODULES)


def _remember(cache: Path, root: Path, files: dict[str, object]) -> None:
    time.sleep(0.01)  # the files' times lie before the run's start
    facts = _facts(cache, root)
    for rel, value in files.items():
        assert facts.get(rel, os.stat(root / rel)) is None
        facts.put(rel, os.stat(root / rel), value)
    facts.save()


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "a.py").write_text("a = 1\n")
    (root / "b.py").write_text("b = 1\n")
    return root


@pytest.mark.usefixtures("settled")
def test_an_unchanged_file_is_served_a_changed_one_is_not(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": [None, False], "b.py": True})
    (root / "b.py").write_text("b = 22\n")
    facts = _facts(cache, root)
    assert facts.get("a.py", os.stat(root / "a.py")) == [None, False]
    assert facts.get("b.py", os.stat(root / "b.py")) is None
    assert facts.read == 1


@pytest.mark.usefixtures("settled")
def test_a_replaced_file_with_the_same_size_and_mtime_is_not_served(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": "old"})
    st = os.stat(root / "a.py")
    (root / "a.py").write_text("z = 9\n")  # same size
    os.utime(root / "a.py", ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: ctime moves
    assert stat_key(os.stat(root / "a.py")) != stat_key(st)
    assert _facts(cache, root).get("a.py", os.stat(root / "a.py")) is None


def test_a_file_changed_just_before_the_run_is_not_remembered(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": "fact"})  # written a moment ago: racy, not kept
    assert _facts(cache, root).get("a.py", os.stat(root / "a.py")) is None


@pytest.mark.usefixtures("settled")
def test_purposes_roots_and_no_cache_are_separate(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": "fact"})
    st = os.stat(root / "a.py")
    assert _facts(cache, root, "other").get("a.py", st) is None
    assert _facts(cache, tmp_path).get("a.py", st) is None
    assert _facts(None, root).get("a.py", st) is None
    assert _facts(cache, root).get("a.py", st) == "fact"


@pytest.mark.usefixtures("settled")
def test_a_forged_or_damaged_entry_remembers_nothing(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": "genuine"})
    [entry] = rows(cache, "facts")
    value = entry.entry()
    value["payload"]["files"][0][2] = "forged"
    forged = canonical(value)
    write(cache, replace(entry, body=forged, mac=sign(b"x" * 32, forged)))
    assert _facts(cache, root).get("a.py", os.stat(root / "a.py")) is None
    write(cache, replace(entry, body=b"{", mac="00"))
    assert _facts(cache, root).get("a.py", os.stat(root / "a.py")) is None


@pytest.mark.usefixtures("settled")
def test_deleted_files_are_dropped_unasked_ones_kept(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    (root / "c.py").write_text("c = 1\n")
    _remember(cache, root, {"a.py": 1, "b.py": 2, "c.py": 3})
    (root / "c.py").unlink()
    facts = _facts(cache, root)  # a run over a.py only
    assert facts.get("a.py", os.stat(root / "a.py")) == 1
    facts.save()
    [entry] = rows(cache, "facts")
    assert [row[0] for row in entry.entry()["payload"]["files"]] == ["a.py", "b.py"]
    assert _facts(cache, root).get("b.py", os.stat(root / "b.py")) == 2


@pytest.mark.usefixtures("settled")
def test_a_file_asked_about_and_read_again_racily_loses_its_fact(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": "old"})
    (root / "a.py").write_text("a = 22\n")
    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 2)  # the edit was just now
    facts = _facts(cache, root)
    assert facts.get("a.py", os.stat(root / "a.py")) is None
    facts.put("a.py", os.stat(root / "a.py"), "new")
    facts.save()
    assert _facts(cache, root).get("a.py", os.stat(root / "a.py")) is None


@pytest.mark.usefixtures("settled")
def test_an_edit_loop_of_racy_files_does_not_rewrite_the_entry(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    """Only racy files changed: nothing new to remember, so the entry is not written again;
    the edited file's old row serves nothing (its stat is gone)."""
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": "old", "b.py": "b"})
    (root / "a.py").write_text("a = 22\n")
    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 2)  # the edit was just now
    facts = _facts(cache, root)
    assert facts.get("a.py", os.stat(root / "a.py")) is None
    assert facts.get("b.py", os.stat(root / "b.py")) == "b"
    facts.put("a.py", os.stat(root / "a.py"), "new")
    facts.save()
    assert facts._cache is not None and facts._cache.stats.writes == 0
    again = _facts(cache, root)
    assert again.get("a.py", os.stat(root / "a.py")) is None
    assert again.get("b.py", os.stat(root / "b.py")) == "b"


@pytest.mark.usefixtures("settled")
def test_the_same_fact_put_again_does_not_rewrite_the_entry(tmp_path: Path) -> None:
    """A caller that reads a file it has a fact for (to parse it) and puts the fact again
    changes nothing: the entry is not written again."""
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _remember(cache, root, {"a.py": "kubernetes", "b.py": ["x", False]})
    facts = _facts(cache, root)
    for rel, value in (("a.py", "kubernetes"), ("b.py", ["x", False])):
        assert facts.get(rel, os.stat(root / rel)) == value
        facts.put(rel, os.stat(root / rel), value)
    facts.save()
    assert facts._cache is not None and facts._cache.stats.writes == 0
    facts = _facts(cache, root)
    assert facts.get("a.py", os.stat(root / "a.py")) == "kubernetes"
    facts.put("a.py", os.stat(root / "a.py"), "helm")  # another fact: written
    facts.save()
    assert facts._cache is not None and facts._cache.stats.writes == 1
    assert _facts(cache, root).get("a.py", os.stat(root / "a.py")) == "helm"

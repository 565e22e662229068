"""A base tree written from git's object store: only the wanted files, never outside the tree."""

from __future__ import annotations

import os
from pathlib import Path

from gitrepo import Repo

from gate.git.objects import list_tree, materialise


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_only_wanted_files_are_written_with_their_base_content(repo: Repo) -> None:
    repo.write({"app/a.py": "a = 1\n", "app/b.py": "b = 1\n", "infra/main.tf": "x = 1\n",
                "README.md": "hi\n"})
    base = repo.commit("base")
    repo.write({"app/a.py": "a = 2\n"}).commit("head")
    wanted = {"app/a.py", "infra/main.tf"}
    with materialise(repo.root, base, (), wanted.__contains__) as tree:
        assert tree.files == ("app/a.py", "infra/main.tf")
        assert _files(tree.root) == wanted
        assert (tree.root / "app/a.py").read_text() == "a = 1\n"
        kept = tree.root
    assert not kept.exists()


def test_renamed_files_appear_under_their_head_names(repo: Repo) -> None:
    repo.write({"old/name.py": "def f():\n    return 'long enough to be recognised'\n"})
    base = repo.commit("base")
    with materialise(repo.root, base, (("old/name.py", "new/name.py"),), lambda _p: True) as tree:
        assert tree.files == ("new/name.py",)
        assert "recognised" in (tree.root / "new/name.py").read_text()


def test_symlinks_and_paths_outside_the_scan_root_are_not_written(repo: Repo) -> None:
    repo.write({"sub/in.py": "i = 1\n", "top.py": "t = 1\n"})
    os.symlink("/etc/passwd", repo.root / "sub/link")
    base = repo.commit("base")
    assert set(list_tree(repo.root / "sub", base)) == {"in.py"}
    with materialise(repo.root / "sub", base, (), lambda _p: True) as tree:
        assert tree.files == ("in.py",)
        assert _files(tree.root) == {"in.py"}


def test_thousands_of_blobs_stream_without_blocking(repo: Repo) -> None:
    repo.write({f"pkg/m{i}.py": f"v = {i}\n" * 20 for i in range(2500)})
    base = repo.commit("many")
    with materialise(repo.root, base, (), lambda _p: True) as tree:
        assert len(tree.files) == 2500
        assert (tree.root / "pkg/m2499.py").read_text() == "v = 2499\n" * 20

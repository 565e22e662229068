"""Read a commit's files straight from git's object store, without a worktree.

A new-findings run needs the base versions of a handful of files (the ones
the change touched) and, for checks that read across files (IaC,
dependencies), the base versions of the files those checks look at. A full
``git worktree add`` writes every file of the tree (seconds on a big
repository, for a one-file change); this module lists the tree once
(``git ls-tree``) and writes only the wanted blobs through one
``git cat-file --batch`` process.

Paths are written under a fresh temporary directory, inside which only
regular files are created: symbolic links and submodules are listed, never
followed or created, and every path is checked to stay inside the directory,
whatever names the repository holds.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gate.git.command import git, start
from gate.git.interface import GitError

__all__ = ["BaseTree", "TreeEntry", "list_tree", "materialise", "read_at"]

_REGULAR_MODES = frozenset({"100644", "100755"})


@dataclass(frozen=True)
class TreeEntry:
    """One regular file of a commit, relative to the scan root."""

    path: str
    blob: str
    size: int


@dataclass(frozen=True)
class BaseTree:
    """The files written for a base scan and the directory that holds them."""

    root: Path
    files: tuple[str, ...]
    """Head names (renames replayed) of the files written, sorted."""


def read_at(root: Path, commit: str, rel: str) -> bytes | None:
    """The content of ``rel`` (relative to ``root``) at ``commit``; ``None`` if it is not there."""
    done = git(root, "cat-file", "blob", f"{commit}:./{rel}", check=False)
    return done.stdout if done.returncode == 0 else None


def _prefix(root: Path) -> str:
    return git(root, "rev-parse", "--show-prefix").stdout.decode("utf-8", "surrogateescape").strip()


def list_tree(root: Path, commit: str) -> dict[str, TreeEntry]:
    """Every regular file of ``commit`` below the scan root ``root``, by root-relative path."""
    prefix = _prefix(root)
    out = git(root, "ls-tree", "-r", "-z", "-l", "--full-tree", commit).stdout
    entries: dict[str, TreeEntry] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        parts = meta.split()
        if len(parts) != 4 or parts[0] not in _REGULAR_MODES or not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        entries[rel] = TreeEntry(rel, parts[2], int(parts[3]) if parts[3].isdigit() else 0)
    return entries


def _safe_target(base: Path, rel: str) -> Path | None:
    pure = PurePosixPath(rel)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts):
        return None
    return base.joinpath(*pure.parts)


def _write_blobs(root: Path, dest: Path, wanted: list[tuple[str, TreeEntry]]) -> list[str]:
    """Stream the wanted blobs out of one ``cat-file --batch`` and write them under ``dest``."""
    if not wanted:
        return []
    request = "".join(f"{entry.blob}\n" for _, entry in wanted).encode()
    proc = start(root, "cat-file", "--batch", stdin=True)
    assert proc.stdin is not None and proc.stdout is not None
    written: list[str] = []
    def feed() -> None:  # a thread, so a full stdout pipe can never block our writes
        assert proc.stdin is not None
        try:
            proc.stdin.write(request)
        except OSError:
            pass
        finally:
            proc.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        for head_name, _entry in wanted:
            header = proc.stdout.readline().decode("ascii", "replace").split()
            if len(header) != 3 or header[1] != "blob":
                raise GitError(f"git cat-file: unexpected answer for {head_name!r}")
            body = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)  # the newline after each object
            target = _safe_target(dest, head_name)
            if target is None:
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
            except OSError:
                continue  # a name clash made by replayed renames: the file is not scanned
            written.append(head_name)
    finally:
        proc.stdout.close()
        feeder.join(timeout=60)
        if proc.wait(timeout=60) not in (0, None):
            raise GitError("git cat-file --batch failed")
    return written


@contextmanager
def materialise(root: Path, commit: str, renames: tuple[tuple[str, str], ...],
                wanted: Callable[[str], bool]) -> Iterator[BaseTree]:
    """Write the files of ``commit`` that ``wanted(head_name)`` selects into a temporary tree.

    ``renames`` (base path, head path) put a moved file under its head name,
    so its fingerprints (which include the path) match the head's. The tree
    is removed on the way out, whatever happens.
    """
    tree = list_tree(root, commit)
    moved = {old: new for old, new in renames if old in tree}
    taken = set(moved.values())
    names: list[tuple[str, TreeEntry]] = []
    for base_path, entry in tree.items():
        head_name = moved.get(base_path, base_path)
        if (head_name != base_path or base_path not in taken) and wanted(head_name):
            names.append((head_name, entry))
    parent = Path(tempfile.mkdtemp(prefix="gate-base-"))
    try:
        dest = parent / "tree"
        dest.mkdir()
        written = _write_blobs(root, dest, names)
        yield BaseTree(dest, tuple(sorted(written)))
    finally:
        shutil.rmtree(parent, ignore_errors=True)

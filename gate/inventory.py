"""Which files a run scans: git's view of the tree, minus policy excludes, size and binaries.

In a git work tree the inventory is ``git ls-files`` (tracked plus untracked
files that are not ignored), so a local run sees what a push would carry and
never wanders into ``.venv`` or build output. Outside git, the tree is walked
with the usual vendored/tooling directories skipped.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gate.checks.interface import NotScanned
from gate.globs import matches_any

__all__ = ["Inventory", "InventoryError", "build_inventory", "select"]

_SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                        ".gate-cache", ".terraform"})
_SNIFF_BYTES = 8192


class InventoryError(Exception):
    """The path to scan is not usable (missing, not a directory)."""


@dataclass(frozen=True)
class Inventory:
    """The files to scan (repo-relative POSIX paths) and those set aside, with reasons."""

    root: Path
    files: tuple[str, ...]
    not_scanned: tuple[NotScanned, ...]
    git: bool


def _git_files(root: Path) -> list[str] | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--deduplicate"],
            capture_output=True, check=True, timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted({p for p in out.decode("utf-8", "surrogateescape").split("\0") if p})


def _walk(root: Path) -> list[str]:
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        rel = Path(dirpath).relative_to(root)
        files.extend((rel / name).as_posix() for name in filenames)
    return sorted(files)


def _is_binary(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"\0" in handle.read(_SNIFF_BYTES)


def build_inventory(root: Path, *, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (),
                    max_file_size: int = 2_000_000,
                    listed: tuple[str, ...] | None = None) -> Inventory:
    """List the files to scan under ``root``; unreadable, binary or large files are set aside.

    ``listed`` gives the candidate files instead of asking git or walking the tree (a base
    tree materialised from git's object store holds exactly the files it needs).
    """
    if not root.exists():
        raise InventoryError(f"path not found: {root}")
    if not root.is_dir():
        raise InventoryError(f"not a directory: {root}")
    root = root.resolve()
    if listed is None:
        found = _git_files(root)
        git = found is not None
        candidates = found if found is not None else _walk(root)
    else:
        git, candidates = False, list(listed)
    files: list[str] = []
    skipped: list[NotScanned] = []
    for rel in candidates:
        if exclude and matches_any(rel, exclude):
            continue
        if include and not matches_any(rel, include):
            continue
        path = root / rel
        try:
            if path.is_symlink():
                skipped.append(NotScanned(rel, "symbolic link (not followed)"))
                continue
            if not path.is_file():
                continue  # deleted in the work tree, or a submodule
            size = path.stat().st_size
            if size > max_file_size:
                skipped.append(NotScanned(rel, f"larger than the {max_file_size} byte limit"))
                continue
            if _is_binary(path):
                skipped.append(NotScanned(rel, "binary file"))
                continue
        except OSError as exc:
            skipped.append(NotScanned(rel, f"unreadable: {exc.strerror}"))
            continue
        files.append(rel)
    return Inventory(root=root, files=tuple(files), not_scanned=tuple(skipped), git=git)


def select(files: tuple[str, ...], include: tuple[str, ...],
           exclude: tuple[str, ...]) -> tuple[str, ...]:
    """A check's slice of the inventory (its own include/exclude globs)."""
    return tuple(f for f in files
                 if not (exclude and matches_any(f, exclude))
                 and (not include or matches_any(f, include)))

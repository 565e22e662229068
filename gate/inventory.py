"""Which files a run scans: git's view of the tree, minus policy excludes.

In a git work tree the inventory is ``git ls-files`` (tracked plus untracked
files that are not ignored), so a local run sees what a push would carry and
never wanders into ``.venv`` or build output. Outside git, the tree is walked
with the usual vendored/tooling directories skipped.

Nothing hides a file from the secrets check: binary files and files over
``max_file_size`` are set aside from the other checks (bandit has nothing to
say about a PNG) but still go to the checks in :data:`BYTE_CHECKS`, which
stream them. Only what no check can read is *not scanned*: a file over
:data:`HARD_CAP`, an unreadable one, a symbolic link leading out of the tree.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.artefacts import NAMED, recognise
from gate.cache.facts import FileFacts
from gate.checks.interface import NotScanned
from gate.git.files import listed_files
from gate.globs import matches_any

__all__ = ["BYTE_CHECKS", "HARD_CAP", "SYMLINK_OUTSIDE", "Inventory", "InventoryError",
           "build_inventory", "select"]

_SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                        ".gate-cache", ".terraform"})
_SNIFF_BYTES = 8192
_SNIFFERS = ("gate.inventory", "gate.artefacts")
"""The modules whose code decides what a file's bytes say (in the remembered facts' key)."""

HARD_CAP = 100 * 1024 * 1024
"""No check reads a larger file. GitHub refuses to store a file over 100 MiB, so
every file of a GitHub repository is read; a bigger one is listed as not scanned."""
BYTE_CHECKS = frozenset({"secrets"})
"""Checks that read any file as bytes, binary and oversized ones included."""
SYMLINK_OUTSIDE = "symbolic link leading outside the scanned tree (not followed)"


class InventoryError(Exception):
    """The path to scan is not usable (missing, not a directory)."""


@dataclass(frozen=True)
class Inventory:
    """The files to scan (repo-relative POSIX paths) and those no check can read, with reasons."""

    root: Path
    files: tuple[str, ...]
    """Text files within ``max_file_size``: every check gets them."""
    not_scanned: tuple[NotScanned, ...]
    """Files no check reads (over :data:`HARD_CAP`, unreadable, links out of the tree)."""
    git: bool
    set_aside: tuple[NotScanned, ...] = ()
    """Binary files and files over ``max_file_size``, with why only the :data:`BYTE_CHECKS`
    get them. Every other check lists those it would have scanned as not scanned (a ``.py``
    file padded past the limit is never a silent pass of the sast check)."""
    stats: Mapping[str, os.stat_result] = field(default_factory=dict, repr=False, compare=False)
    """Each regular file's ``lstat`` as the inventory took it (before anything read it): a
    later pass remembering facts under a file's stat (:mod:`gate.cache.facts`) need not take
    it again."""
    own: tuple[NotScanned, ...] = ()
    """The gate's own files (baseline, reports, cache entries; :mod:`gate.artefacts`): only
    the :data:`BYTE_CHECKS` get them, and only a live-format provider token found in one
    counts (the pipeline drops the rest); the run names them in its warnings."""

    @property
    def bytes_only(self) -> tuple[str, ...]:
        """The set-aside files' paths: only the :data:`BYTE_CHECKS` get them."""
        return tuple(n.path for n in self.set_aside)

    @property
    def all_files(self) -> tuple[str, ...]:
        """Every file some check reads, sorted."""
        return tuple(sorted((*self.files, *self.bytes_only)))

    def files_for(self, check: str) -> tuple[str, ...]:
        """The files check ``check`` is given (before its own include/exclude globs)."""
        if check in BYTE_CHECKS:
            return tuple(sorted((*self.all_files, *(n.path for n in self.own))))
        return self.files

    def set_aside_for(self, check: str) -> tuple[NotScanned, ...]:
        """The files check ``check`` is *not* given, with why (before its own globs)."""
        return () if check in BYTE_CHECKS else self.set_aside


def _walk(root: Path) -> list[str]:
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        rel = Path(dirpath).relative_to(root)
        files.extend((rel / name).as_posix() for name in filenames)
    return sorted(files)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_SNIFF_BYTES)


def _inside(root: Path, path: Path) -> bool:
    """Whether a symbolic link resolves to an existing file under ``root``."""
    target = Path(os.path.realpath(path))
    return target.is_file() and target.is_relative_to(root)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


@dataclass(frozen=True)
class _SetAside:
    """Binary or over the size limit: for the :data:`BYTE_CHECKS` only, and why."""

    reason: str


@dataclass(frozen=True)
class _Own:
    """One of the gate's own files: no check reads it."""

    kind: str


def _sniff(path: Path) -> list[Any]:
    """What a file's bytes say: ``[own kind or None, a null byte in its head]``."""
    head = _head(path)
    return [recognise(path, head), b"\0" in head]


_TEXT = "text"


def _classify(root: Path, rel: str, max_file_size: int, facts: FileFacts,
              stats: dict[str, os.stat_result], base: str = ""
              ) -> str | _SetAside | _Own | NotScanned | None:
    """:data:`_TEXT`, :class:`_SetAside`, :class:`_Own`, a :class:`NotScanned`, or ``None``.

    ``None``: nothing to read here (a deleted file, a submodule, or a link to
    a file inside the tree, which is read under its own name). What the bytes
    say is remembered under the file's stat (``facts``): an unchanged file is
    not read again. ``base``: ``root`` as a string ending in ``/`` (taken once per tree).
    """
    try:
        st = os.lstat(f"{base or os.fspath(root) + '/'}{rel}")  # pathlib costs more, per file
        if stat.S_ISLNK(st.st_mode):
            return None if _inside(root, root / rel) else NotScanned(rel, SYMLINK_OUTSIDE)
        if not stat.S_ISREG(st.st_mode):
            return None
        size = st.st_size
        stats[rel] = st
        if size > HARD_CAP:
            return NotScanned(rel, f"larger than the {HARD_CAP} byte hard cap: no check reads it")
        sniffed = facts.get(rel, st)
        if not (isinstance(sniffed, list) and len(sniffed) == 2
                and isinstance(sniffed[0], (str, type(None))) and isinstance(sniffed[1], bool)):
            sniffed = _sniff(root / rel)
            facts.put(rel, st, sniffed)
        kind, binary = sniffed
        if kind is not None:
            return _Own(kind)
        if size > max_file_size:
            return _SetAside(f"over max_file_size ({_size(size)} > {_size(max_file_size)}): "
                             "read by the secrets check only")
        if binary:
            return _SetAside("binary content (a null byte near the start): read by the "
                             "secrets check only")
        return _TEXT
    except OSError as exc:
        return NotScanned(rel, f"unreadable: {exc.strerror or type(exc).__name__}")


def build_inventory(root: Path, *, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (),
                    max_file_size: int = 2_000_000,
                    listed: tuple[str, ...] | None = None,
                    own: tuple[str, ...] = (), scope: str | None = None,
                    cache_dir: Path | None = None) -> Inventory:
    """List the files to scan under ``root``: text files, byte-only files, and what no check reads.

    ``listed`` gives the candidate files instead of asking git or walking the tree (a base
    tree materialised from git's object store holds exactly the files it needs). ``own``:
    root-relative paths (files, or directories ending in ``/``) the gate itself writes in
    this run (its reports, a result cache the user put inside the tree): left out whatever
    they hold now. ``scope``: a root-relative subdirectory or file; only it is listed, its
    paths still relative to ``root`` (``gate run tests/`` from anywhere in the repository).
    ``cache_dir``: the result cache, where what each file's bytes said is remembered under
    its stat (:mod:`gate.cache.facts`); ``None``: every file is read.
    """
    if not root.exists():
        raise InventoryError(f"path not found: {root}")
    if not root.is_dir():
        raise InventoryError(f"not a directory: {root}")
    root = root.resolve()
    if listed is None:
        found = listed_files(root)
        git = found is not None
        candidates = found if found is not None else _walk(root)
    else:
        git, candidates = False, list(listed)
    files: list[str] = []
    set_aside: list[NotScanned] = []
    skipped: list[NotScanned] = []
    mine: list[NotScanned] = []
    facts = FileFacts(cache_dir, "inventory", root, _SNIFFERS)
    stats: dict[str, os.stat_result] = {}
    if scope:
        candidates = [r for r in candidates if r == scope or r.startswith(scope + "/")]
    base = f"{os.fspath(root)}/"
    for rel in candidates:  # every file of the tree: the common case first, no work for none
        if exclude and matches_any(rel, exclude):
            continue
        if include and not matches_any(rel, include):
            continue
        if own and any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in own):
            mine.append(NotScanned(rel, NAMED))
            continue
        kind = _classify(root, rel, max_file_size, facts, stats, base)
        if kind is _TEXT:
            files.append(rel)
        elif isinstance(kind, NotScanned):
            skipped.append(kind)
        elif isinstance(kind, _Own):
            mine.append(NotScanned(rel, kind.kind))
        elif isinstance(kind, _SetAside):
            set_aside.append(NotScanned(rel, kind.reason))
    facts.save()
    return Inventory(root=root, files=tuple(files), not_scanned=tuple(skipped), git=git,
                     stats=stats,
                     set_aside=tuple(set_aside), own=tuple(mine))


def select(files: tuple[str, ...], include: tuple[str, ...],
           exclude: tuple[str, ...]) -> tuple[str, ...]:
    """A check's slice of the inventory (its own include/exclude globs)."""
    return tuple(f for f in files
                 if not (exclude and matches_any(f, exclude))
                 and (not include or matches_any(f, include)))

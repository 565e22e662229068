"""Content identities for cache keys, without reading files git already knows.

A warm re-run must not read and hash every file of the tree to learn that
nothing changed. For a file that git tracks and that the work tree has not
modified since it was checked out, git's index already holds its object id
(the hash of its content), and ``git diff-files`` tells from the index's stat
data (without reading the files) which work-tree files differ from it. Those
ids come from the runner's own checkout: the index lives in ``.git/``, which a
commit cannot carry, so a pull request cannot choose them.

The work-tree bytes of a tracked file also depend on its attributes (``eol``,
``working-tree-encoding``, ``ident``), and ``.gitattributes`` files are part of
the commit, so their content goes into every git-derived identity: a change to
them changes every key.

Everything else (untracked files, modified files, trees outside git) is hashed
from its bytes; with a result cache, that hash is remembered under the file's
stat (:mod:`gate.cache.facts`: device, inode, mode, size, modification and
change times, the data git's index trusts for its own ids), so an untracked
file is hashed again only when its stat changes. Identities are prefixed (``git:`` / ``sha256:``), so
the two kinds can never be confused.

:func:`snapshot` also keeps each file's ``lstat`` (size, mtime, inode), taken
*before* its identity: a scan that finds the same stat after reading the file
knows it read the content the identity names. One snapshot can serve several
scans of a run (bandit's and the dataflow pass's, say): the tree is listed and
hashed once.

:func:`prefetch` does the git part ahead of time: a standby worker (:mod:`gate.standby`),
while the gate is still planning its run, stats the tracked files and asks git's index
for their ids; the check's :func:`snapshot` of that tree then starts from what it
learnt (in the same order: every stat before the ids), and stats and hashes only the
files it did not know. What the snapshot says is then the tree as it was a moment
earlier, which is what any run reports anyway; the scans' stat-after-read check holds.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gate.cache.facts import FileFacts, stat_key
from gate.git.index import clean_index_ids, toplevel, tracked_files

__all__ = ["Snapshot", "Stat", "file_sha256", "prefetch", "snapshot"]

Stat = tuple[int, int, int]
"""What tells a file changed: size, mtime (ns) and inode."""

_READ_CHUNK = 1 << 20
_BLOB = re.compile(r"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
"""A git object id (SHA-1, or SHA-256 in a repository that uses it)."""
REMEMBER_FROM = 64
"""Fewer files to hash (an edit or two) are hashed: cheaper than reading a remembered list."""


def file_sha256(path: Path) -> str:
    """``sha256:`` + the hash of the file's bytes, read in chunks; raises ``OSError``."""
    h = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def _attribute_files(root: Path, files: Sequence[str], base: Path | None) -> list[Path]:
    """Every ``.gitattributes`` among ``files``, then (``base``: the work tree's top) those
    above the scan root and the clone's own ``info/attributes``."""
    paths = [root / rel for rel in sorted(files)
             if rel == ".gitattributes" or rel.endswith("/.gitattributes")]
    if base is not None:
        paths += [base / ".gitattributes", base / ".git" / "info" / "attributes"]
    return paths


def _attributes(root: Path, files: Sequence[str], base: Path | None) -> str:
    """A short digest of every ``.gitattributes`` that shapes the checkout (they are tiny)."""
    h = hashlib.sha256()
    for path in _attribute_files(root, files, base):
        try:
            h.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + path.read_bytes())
        except OSError:
            continue
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Snapshot:
    """The tree's files as a run found them: content identities, and the stats taken first."""

    ids: Mapping[str, str]
    """Readable file -> content identity (unreadable files are left out)."""
    stats: Mapping[str, Stat]
    """File -> its ``lstat`` taken before its identity (files that could not be stat'ed are
    left out)."""


@dataclass(frozen=True)
class _Prefetched:
    """What :func:`prefetch` learnt of a tree ahead of its scan."""

    stats: Mapping[str, os.stat_result]
    """Each tracked file's ``lstat``, taken before ``known``."""
    known: Mapping[str, str]
    """:func:`gate.git.index.clean_index_ids`."""
    top: Path | None
    """The work tree's top (:func:`gate.git.index.toplevel`)."""


_prefetched: dict[str, _Prefetched] = {}


def prefetch(root: Path, cache_dir: Path | None = None) -> None:
    """Stat the files git tracks under ``root`` and read their ids from git's index now, for
    a later :func:`snapshot` of ``root`` in this process. Reads no file's content.

    With a result cache (``cache_dir``), the ids git gave are remembered under each file's
    stat (:mod:`gate.cache.facts`, the trust git's index gives its own stat data, with the
    same rule for files changed just before a run), in an entry keyed by every
    ``.gitattributes`` of the tree: when all but a few tracked files still have the stat
    an id was remembered under, git is not asked (in a fresh clone, whose index marks its
    files as racily clean, ``git diff-files`` re-reads every file: ~30 ms a run on a tree
    of 2,800). The few are hashed by :func:`snapshot`, as any file git does not vouch for.
    """
    listed = tracked_files(root)
    if listed is None:
        return
    stats = _lstat(root, listed)
    top = toplevel(root)
    known = _clean_ids(root, listed, stats, cache_dir, top)
    _prefetched[os.path.realpath(root)] = _Prefetched(stats, known, top if known else None)


def _attributes_state(root: Path, files: Sequence[str], base: Path) -> str:
    """Which ``.gitattributes`` shape the checkout, by their stats, not their bytes (this runs
    before any limit applies: :meth:`gate.checks.interface.Check.prepare`)."""
    h = hashlib.sha256()
    for path in _attribute_files(root, files, base):
        try:
            state = stat_key(path.lstat())
        except OSError:
            state = "-"
        h.update(f"{path}\0{state}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:16]


def _clean_ids(root: Path, listed: Sequence[str], stats: Mapping[str, os.stat_result],
               cache_dir: Path | None, top: Path | None) -> Mapping[str, str]:
    """:func:`~gate.git.index.clean_index_ids`, or the ids it gave before for the files whose
    stat (taken before, in ``stats``) is the one they were remembered under."""
    if cache_dir is None or top is None:
        return clean_index_ids(root)
    facts = FileFacts(cache_dir, "git-id:" + _attributes_state(root, listed, top), root,
                      ("gate.checks.engine.digests", "gate.git.index"))
    known: dict[str, str] = {}
    for rel in listed:
        st = stats.get(rel)
        if st is not None and stat.S_ISREG(st.st_mode):
            found = facts.get(rel, st)
            if isinstance(found, str) and _BLOB.match(found):
                known[rel] = found
    if len(listed) - len(known) > REMEMBER_FROM:
        known = dict(clean_index_ids(root))
        for rel, blob in known.items():
            st = stats.get(rel)
            if st is not None and stat.S_ISREG(st.st_mode):
                facts.put(rel, st, blob)  # the stat was taken before git was asked
    facts.save()
    return known


def _lstat(root: Path, files: Sequence[str],
           known: Mapping[str, os.stat_result] | None = None) -> dict[str, os.stat_result]:
    """Each file's ``lstat`` (``known`` ones as given); files that cannot be stat'ed are left
    out."""
    full: dict[str, os.stat_result] = {}
    base = os.fspath(root)
    lstat, join = os.lstat, os.path.join  # a stat per file: kept lean
    for rel in files:
        st = known.get(rel) if known is not None else None
        if st is None:
            try:
                st = lstat(join(base, rel))
            except OSError:
                continue
        full[rel] = st
    return full


def snapshot(root: Path, files: Sequence[str], cache_dir: Path | None = None) -> Snapshot:
    """Stat every file, then identify each readable one's content: git's object id where it
    can be trusted, else the SHA-256 of its bytes, remembered under the file's stat in
    ``cache_dir`` (:mod:`gate.cache.facts`: an untracked file is not hashed again while its
    stat is unchanged, the trust git's index gives its own ids). What :func:`prefetch`
    learnt of ``root`` in this process is used instead of asking again."""
    early = _prefetched.get(os.path.realpath(root))
    full = _lstat(root, files, early.stats if early is not None else None)
    stats: dict[str, Stat] = {rel: (st.st_size, st.st_mtime_ns, st.st_ino)
                              for rel, st in full.items()}
    links = {rel for rel, st in full.items() if stat.S_ISLNK(st.st_mode)}
    known = early.known if early is not None else clean_index_ids(root)
    attributes = _attributes(root, files, early.top if early is not None else toplevel(root)) \
        if known else ""
    ids: dict[str, str] = {}
    rest: list[str] = []
    for rel in files:
        found = known.get(rel)
        if found is not None and rel in stats and rel not in links:
            ids[rel] = f"git:{found}:{attributes}"
        else:
            rest.append(rel)
    hashed = FileFacts(cache_dir, "sha256", root, ("gate.checks.engine.digests",)) \
        if cache_dir is not None and len(rest) >= REMEMBER_FROM else None
    for rel in rest:
        before = full.get(rel)
        if before is not None and hashed is not None:
            remembered = hashed.get(rel, before)
            if isinstance(remembered, str) and remembered.startswith("sha256:"):
                ids[rel] = remembered
                continue
        try:
            ids[rel] = file_sha256(root / rel)
        except OSError:
            continue
        if hashed is not None and before is not None:
            hashed.put(rel, before, ids[rel])  # the stat was taken before the bytes were read
    if hashed is not None:
        hashed.save()
    return Snapshot(ids, stats)

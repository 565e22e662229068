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
knows it read the content the identity names. One snapshot serves every scan of
a run: the gate takes it once, in its own process, with :func:`survey`, before it
hands the files to its checks (:attr:`gate.checks.interface.ScanTarget.tree`),
reusing the stats its inventory took; a check's :func:`snapshot` takes what that
one holds and stats and identifies only the files it does not. What the snapshot
says is then the tree as it was a moment before the checks started, which is what
any run reports anyway; the scans' stat-after-read check holds.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from gate.cache.facts import FileFacts, stat_key
from gate.checks.interface import Snapshot, Stat
from gate.git.index import clean_index_ids, toplevel, tracked_files

__all__ = ["Snapshot", "Stat", "file_sha256", "snapshot", "survey"]

_READ_CHUNK = 1 << 20
_BLOB = re.compile(r"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
"""A git object id (SHA-1, or SHA-256 in a repository that uses it)."""
REMEMBER_FROM = 64
"""Fewer files to hash (an edit or two, a change's files) are hashed: cheaper than reading a
remembered list or asking git, whose ``diff-files`` reads every file of a fresh clone; and
the identity an edited file had before its commit (its bytes' hash: git did not vouch for
it then) is the one it keeps in a pre-push run of that commit."""


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


def survey(root: Path, files: Sequence[str], cache_dir: Path | None = None,
           taken: Mapping[str, os.stat_result] | None = None) -> Snapshot:
    """The snapshot of ``files`` the gate takes once, in its own process, before it hands
    them to its checks (each job's :attr:`~gate.checks.interface.ScanTarget.tree`).

    ``taken``: the ``lstat`` the inventory already took of some of them (before anything
    read them), used instead of a new one. Git is asked which files it tracks; with a result
    cache (``cache_dir``), the ids git gave for them are remembered under each file's stat
    (:mod:`gate.cache.facts`, the trust git's index gives its own stat data, with the same
    rule for files changed just before a run), in an entry keyed by every ``.gitattributes``
    of the tree: when all but a few of the tracked files still have the stat an id was
    remembered under, git's index is not asked (in a fresh clone, whose index marks its
    files as racily clean, ``git diff-files`` re-reads every file: ~30 ms a run on a tree
    of 2,800). The few are hashed, as any file git does not vouch for.
    """
    full = _lstat(root, files, taken)
    if cache_dir is None or len(files) < REMEMBER_FROM:
        return _from_index(root, files, full, cache_dir)
    listed = tracked_files(root)
    top = toplevel(root) if listed else None
    if listed is None or top is None:
        return _identify(root, files, full, {}, None, cache_dir)
    wanted = set(files)
    tracked = [rel for rel in listed if rel in wanted]
    known = _clean_ids(root, tracked, full, cache_dir, _attributes_state(root, listed, top))
    return _identify(root, files, full, known, top, cache_dir)


def _attributes_state(root: Path, files: Sequence[str], base: Path) -> str:
    """Which ``.gitattributes`` shape the checkout (``files``: every tracked file), by their
    stats, not their bytes."""
    h = hashlib.sha256()
    for path in _attribute_files(root, files, base):
        try:
            state = stat_key(path.lstat())
        except OSError:
            state = "-"
        h.update(f"{path}\0{state}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:16]


def _clean_ids(root: Path, listed: Sequence[str], stats: Mapping[str, os.stat_result],
               cache_dir: Path, attributes: str) -> Mapping[str, str]:
    """:func:`~gate.git.index.clean_index_ids`, or the ids it gave before for the ``listed``
    files whose stat (taken before, in ``stats``) is the one they were remembered under, in
    the entry of the ``attributes`` state (:func:`_attributes_state`)."""
    facts = FileFacts(cache_dir, "git-id:" + attributes, root,
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


def snapshot(root: Path, files: Sequence[str], cache_dir: Path | None = None, *,
             given: Snapshot | None = None) -> Snapshot:
    """Stat every file, then identify each readable one's content: git's object id where it
    can be trusted, else the SHA-256 of its bytes, remembered under the file's stat in
    ``cache_dir`` (:mod:`gate.cache.facts`: an untracked file is not hashed again while its
    stat is unchanged, the trust git's index gives its own ids).

    ``given``: the gate's own snapshot of the tree (:func:`survey`); the files it holds are
    taken from it as they are, and only the others (a file it could not read) are stat'ed
    and identified here. Fewer than :data:`REMEMBER_FROM` files are hashed, git is not
    asked (as in :func:`survey`).
    """
    if given is not None:
        held = [rel for rel in files if rel in given.ids]
        ids = {rel: given.ids[rel] for rel in held}
        stats = {rel: given.stats[rel] for rel in held if rel in given.stats}
        if len(held) == len(files):
            return Snapshot(ids, stats)
        rest = [rel for rel in files if rel not in given.ids]
        more = _from_index(root, rest, _lstat(root, rest), cache_dir)
        return Snapshot({**ids, **more.ids}, {**stats, **more.stats})
    return _from_index(root, files, _lstat(root, files), cache_dir)


def _from_index(root: Path, files: Sequence[str], full: Mapping[str, os.stat_result],
                cache_dir: Path | None) -> Snapshot:
    """The snapshot of ``files`` (``full``: their stats, taken first) with the ids git's index
    vouches for now; fewer than :data:`REMEMBER_FROM` files are hashed, git is not asked (a
    change's few files: hashing them costs less than ``git diff-files``, which reads every
    file of a fresh clone)."""
    if len(files) < REMEMBER_FROM:
        return _identify(root, files, full, {}, None, cache_dir)
    known = clean_index_ids(root)
    return _identify(root, files, full, known, toplevel(root) if known else None, cache_dir)


def _identify(root: Path, files: Sequence[str], full: Mapping[str, os.stat_result],
              known: Mapping[str, str], top: Path | None, cache_dir: Path | None) -> Snapshot:
    """The snapshot of ``files`` from their stats (``full``, taken first) and the ids git
    vouches for (``known``; ``top``: the work tree's top, for its attributes)."""
    stats: dict[str, Stat] = {rel: (st.st_size, st.st_mtime_ns, st.st_ino)
                              for rel, st in full.items()}
    links = {rel for rel, st in full.items() if stat.S_ISLNK(st.st_mode)}
    attributes = _attributes(root, files, top) if known else ""
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

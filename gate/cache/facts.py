"""Facts about a file that change only when its bytes do, remembered under its stat.

Some per-run work reads every file of the tree for a small fact: the
inventory sniffs each file's head (binary? one of the gate's own reports?),
the unused-suppression pass looks for ``gate:ignore[`` in each Python file. A
warm run on an unchanged tree must not pay for that again. So each purpose
keeps one cache entry per scan root: for each file, its stat and the fact. A
file whose stat is unchanged is not read; any other is read and the fact
remembered again.

The stat is what git's index uses to decide a file is unchanged without
reading it: device, inode, mode, size, and modification *and* status-change
times to the nanosecond. Setting the modification time back (``touch -d``)
sets the change time to now, which nobody but the kernel writes, so a
rewritten file keeps its old stat only if it was rewritten within the file
system's timestamp granularity of the read. Hence git's "racily clean" rule:
a file changed less than :data:`RACY_SECONDS` before this run started is never
remembered (it is read again next time). Its old row, if any, stays in the
entry as it was: it is keyed by a stat the file no longer has (its change time
moved on, and only the kernel sets that), so it serves nothing, and an edit
loop that only ever touches files just before each run does not rewrite the
whole entry on every run. Entries are HMAC-authenticated and
live outside the scanned tree like every cache entry (:mod:`gate.cache.store`);
one that is absent, forged or malformed remembers nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from gate.cache import open_cache
from gate.cache.keys import code_identity, key_for

__all__ = ["RACY_SECONDS", "FileFacts", "StatKey", "stat_key"]

RACY_SECONDS = 2
_VERSION = 1
StatKey = str


def stat_key(st: os.stat_result) -> StatKey:
    """What tells that a file may have changed: device, inode, mode, size, mtime, ctime (ns)."""
    return f"{st.st_dev}:{st.st_ino}:{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


class FileFacts:
    """One purpose's remembered facts for the files under one root (JSON-serialisable values).

    With no cache directory, nothing is remembered and every lookup misses.
    """

    def __init__(self, cache_dir: Path | None, purpose: str, root: Path,
                 modules: tuple[str, ...]) -> None:
        """``modules``: the gate modules that compute the fact (their source is in the key)."""
        self._cache = open_cache(cache_dir) if cache_dir is not None else None
        self._root = root
        self._started = time.time_ns()
        self._old: dict[str, tuple[StatKey, Any]] = {}
        self._new: dict[str, tuple[StatKey, Any]] = {}
        self._changed = False
        self._seen: set[str] = set()
        self.read = 0
        """Files whose fact was not remembered (the caller read them)."""
        if self._cache is None:
            return
        self._key = key_for("facts", {"version": _VERSION, "purpose": purpose,
                                      "root": str(root.resolve()),
                                      "code": code_identity(modules)})
        self._old = _decode(self._cache.get(self._key))

    def get(self, rel: str, st: os.stat_result) -> Any | None:
        """The fact remembered for ``rel`` at stat ``st``, or ``None`` (read the file)."""
        self._seen.add(rel)
        known = self._old.get(rel)
        if known is not None and known[0] == stat_key(st):
            self._new[rel] = known
            return known[1]
        self.read += 1
        return None

    def put(self, rel: str, st: os.stat_result, value: Any) -> None:
        """Remember ``value`` (not ``None``) for ``rel`` as read after stat ``st`` was taken;
        a file changed just before the run is not remembered (see the module's text)."""
        if self._cache is None:
            return
        if max(st.st_mtime_ns, st.st_ctime_ns) >= self._started - RACY_SECONDS * 1_000_000_000:
            old = self._old.get(rel)  # racy: not remembered; an old row (under a stat the
            if old is not None:       # file no longer has) is kept as it is
                self._new[rel] = old
            return
        entry = (stat_key(st), value)
        if self._old.get(rel) != entry:  # the same fact again is no change to write
            self._changed = True
        self._new[rel] = entry

    def save(self) -> None:
        """Write the facts when any changed or a file disappeared. Files this run did not ask
        about (a run over one directory) keep theirs while they exist."""
        if self._cache is None:
            return
        base = os.fspath(self._root)
        for rel in self._old.keys() - self._seen:
            if os.path.lexists(f"{base}/{rel}"):
                self._new[rel] = self._old[rel]
        if not (self._changed or self._new.keys() != self._old.keys()) \
                or not (self._new or self._old):
            return
        self._cache.put(self._key, {"version": _VERSION,
                                    "files": [[rel, st, value] for rel, (st, value)
                                              in sorted(self._new.items())]})
        if self._cache.stats.writes:
            self._cache.prune()


def _decode(value: Any) -> dict[str, tuple[StatKey, Any]]:
    """The remembered facts, or nothing at all when the entry is not exactly as written."""
    if not isinstance(value, dict) or value.get("version") != _VERSION \
            or not isinstance(value.get("files"), list):
        return {}
    out: dict[str, tuple[StatKey, Any]] = {}
    for row in value["files"]:
        if not (type(row) is list and len(row) == 3 and type(row[0]) is str
                and type(row[1]) is str and row[2] is not None):
            return {}
        out[row[0]] = (row[1], row[2])
    return out

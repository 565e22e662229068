"""The result cache on disk: one SQLite database, rows authenticated, writes batched.

Layout: ``<dir>/v4/cache.sqlite`` (with its WAL files; see
:mod:`gate.cache.database`), and ``.gitignore`` and ``CACHEDIR.TAG`` in
``<dir>``. One row per entry: its namespace and digest, its canonical JSON body
and that body's MAC (:mod:`gate.cache.entry`), its size, and when it was
created, expires and was last used. A row is only trusted once its MAC holds
under the key from :mod:`gate.cache.mac`, checked on the bytes before they are
parsed: a row written without the key (a forged "no findings"), a bit flip or
a row copied under another key is a miss, counted as rejected, and the next
``put`` rewrites it.

Cost: a cold run writes thousands of entries. ``put`` queues rows in memory
and writes them in one short transaction per batch (every :data:`BATCH` rows or
:data:`BATCH_BYTES`, after :data:`BATCH_SECONDS`, and at ``prune``, ``close``,
a ``get`` of a queued key and when the store is dropped or the process exits), with
no ``fsync``. The write lock is held only while a batch is written, never while
the caller computes, so the processes of a run and concurrent runs take turns.

Failure: a database that is busy for longer than the busy timeout, unwritable
or unreadable makes this process's store a miss for every ``get`` and a
``write_errors`` count for every ``put``; a damaged file (not SQLite, truncated,
another schema) is deleted and recreated once per process. A failing cache
makes the gate slower, never wrong and never broken.

Processes: the gate forks (standby and pool workers). A connection is never
used across a fork: before one, every connection is closed (an
``os.register_at_fork`` hook), and each process connects lazily on first use. A
store used in a process other than the one that queued its rows drops the
inherited queue unwritten: the parent writes it.

Connections: a process opens one connection per database file and shares it
between its stores (:class:`_Link`; opening one, with its checks and settings,
costs about a millisecond, and a run's processes open several stores each: the
facts, the markers, each scan's). Each store keeps its own write queue,
batching and statistics. The connection stays open when a store is dropped (the
next store of the process uses it) and is closed by :meth:`SqliteStore.close`,
when the file is found damaged or unusable (every store of the process then
reconnects), before a fork, and at exit.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.cache.database import DB_NAME, connect, discard, is_damage
from gate.cache.entry import REJECTED, encode, open_body
from gate.cache.interface import CacheKey, ResultCache
from gate.cache.mac import cache_key

if TYPE_CHECKING:
    import sqlite3

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_ENTRY_BYTES", "SqliteStore"]

LAYOUT = "v4"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_ENTRY_BYTES = DEFAULT_MAX_BYTES // 8
"""No entry may be larger: one huge entry (a whole-result entry of a huge tree) would otherwise
crowd out everything else, and cost more to read than the per-file entries it stands for."""
BATCH = 64
BATCH_BYTES = 1024 * 1024
BATCH_SECONDS = 1.0
_TOUCH_BATCH = 1024
_PRUNE_TO = 0.8
"""Prune down to this fraction of the bound, so that the next run does not prune again."""
_TOUCH_AFTER = 3600.0
"""Refresh an entry's last use on a hit at most this often: "recently used" within the hour."""
_VACUUM_FREE = 0.125
"""Give free pages back to the file system once they are this fraction of the file."""
BUSY_TIMEOUT = 10.0
_DIGEST = re.compile(r"\A[0-9a-f]{16,128}\Z")
_NAMESPACE = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
_OLD_LAYOUT, _OLD_LEDGER = "v3", ".usage"
"""The previous store's per-entry files and the ledger it rewrote after each run that wrote."""
_OLD_UNUSED = 7 * 86400.0
"""Remove them once no gate has written them for this long (an older gate sharing the
directory, say on another branch's CI, keeps them alive and its cache warm)."""
_IGNORE = "# Created by gate: a result cache, not source.\n*\n"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by gate (https://bford.info/cachedir/).\n")

_Row = tuple[str, str, int, float, "float | None", float, str, bytes]


class _Unusable(Exception):
    """This process cannot use the database (busy, unwritable, damaged twice)."""


class _Link:
    """This process's connection to one database file, shared by its stores' handles (and
    the lock their calls take: one connection, one transaction at a time)."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self.pid = os.getpid()
        self.lock = threading.RLock()
        self.conn: sqlite3.Connection | None = None

    def close(self, *, checkpoint: bool = True) -> None:
        """Close the connection (without a WAL checkpoint when asked not to); the next use
        reconnects."""
        conn, self.conn = self.conn, None
        if conn is None or self.pid != os.getpid():
            return
        if not checkpoint:
            import sqlite3

            option = getattr(sqlite3, "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE", None)
            setconfig = getattr(conn, "setconfig", None)
            if option is not None and setconfig is not None:
                with contextlib.suppress(Exception):
                    setconfig(option, True)
        with contextlib.suppress(Exception):
            conn.close()


_LINKS: dict[tuple[str, float], _Link] = {}
"""This process's connections, by database file and busy timeout."""


def _link(path: Path, busy_timeout: float) -> _Link:
    """This process's link to ``path`` (made now, with its closing at exit, if need be)."""
    key = (os.fspath(path), busy_timeout)
    link = _LINKS.get(key)
    if link is None or link.pid != os.getpid():
        link = _LINKS[key] = _Link(path, busy_timeout)
        weakref.finalize(link, link.close)  # at exit, after the stores' (made later) flushes
    return link


class _Handle:
    """One store's write queue, and the link to its process's connection (what a finaliser
    may flush: no store ref)."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self.link = _link(path, busy_timeout)
        self.lock = self.link.lock
        self.pid = os.getpid()
        self.queue: dict[tuple[str, str], _Row] = {}
        self.queued_bytes = 0
        self.queued_at = 0.0
        self.touches: dict[tuple[str, str], float] = {}
        self.broken: str | None = None
        """Why this process stopped using the database, once it has."""
        self.replaced = False
        self.on_lost: list[tuple[int, str]] = []
        """Rows a failed batch lost, with why (the store folds them into its stats)."""

    def adopt(self) -> None:
        """In a forked child: forget the parent's connection and queue (the parent owns them)."""
        if self.pid != os.getpid():
            self.pid = os.getpid()
            if self.link.pid != self.pid:  # never closed here: the parent's SQLite state
                self.link = _link(self.path, self.busy_timeout)
                self.lock = self.link.lock
            self.queue.clear()
            self.queued_bytes = 0
            self.touches.clear()

    def connection(self, *, create: bool) -> sqlite3.Connection | None:
        """The open connection (opened now if need be); ``None``: no database to read."""
        self.adopt()
        if self.broken is not None:
            raise _Unusable(self.broken)
        link = self.link
        if link.conn is None:
            link.conn = self._open(create=create)
        return link.conn

    def _open(self, *, create: bool) -> sqlite3.Connection | None:
        try:
            return connect(self.path, create=create, busy_timeout=self.busy_timeout)
        except Exception as exc:
            if not is_damage(exc):
                self.broken = _reason(exc)
                raise _Unusable(self.broken) from exc
            self.damaged(exc)
        try:
            return connect(self.path, create=create, busy_timeout=self.busy_timeout)
        except Exception as exc:
            self.broken = _reason(exc)
            raise _Unusable(self.broken) from exc

    def damaged(self, exc: BaseException) -> None:
        """Replace the damaged file, once per process; after that, stop using it."""
        self.close(checkpoint=False)
        if self.replaced:
            self.broken = _reason(exc)
            raise _Unusable(self.broken) from exc
        self.replaced = True
        discard(self.path)

    def fail(self, exc: BaseException) -> None:
        """An operation failed: replace a damaged file, or stop using an unusable one."""
        if isinstance(exc, _Unusable):
            return
        if is_damage(exc):
            with contextlib.suppress(_Unusable):
                self.damaged(exc)
            return
        self.close(checkpoint=False)
        self.broken = _reason(exc)

    def flush(self) -> None:
        """Write the queued rows and use times in one transaction (rows lost: ``on_lost``)."""
        self.adopt()
        if not self.queue and not self.touches:
            return
        rows = list(self.queue.values())
        touches = [(at, ns, digest, at) for (ns, digest), at in self.touches.items()]
        self.queue.clear()
        self.queued_bytes = 0
        self.touches.clear()
        try:
            self._write(rows, touches)
        except Exception as exc:
            self.fail(exc)
            if rows and not isinstance(exc, _Unusable) and is_damage(exc) \
                    and self.broken is None:
                try:  # the file was replaced: write the batch into the new one
                    self._write(rows, [])
                    return
                except Exception as again:
                    self.fail(again)
                    exc = again
            if rows:
                self.on_lost.append((len(rows), self.broken or _reason(exc)))

    def _write(self, rows: list[_Row], touches: list[tuple[float, str, str, float]]) -> None:
        conn = self.connection(create=True)
        if conn is None:  # not with create=True
            raise _Unusable("no database")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             rows)
            conn.executemany("UPDATE entries SET used = ? WHERE namespace = ? AND digest = ?"
                             " AND used < ?", touches)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            raise

    def close(self, *, checkpoint: bool = True) -> None:
        """Close this process's connection to the file (every store of the process
        reconnects on its next use), without a WAL checkpoint when asked not to."""
        if self.pid == os.getpid():
            self.link.close(checkpoint=checkpoint)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _finish(handle: _Handle) -> None:
    """The store is gone (or the process exits): write its queue. The connection stays for
    the process's next store (closed at exit: :func:`_link`)."""
    with handle.lock:
        if handle.pid != os.getpid():
            return
        handle.flush()


_HANDLES: weakref.WeakSet[_Handle] = weakref.WeakSet()


def _before_fork() -> None:
    """No open connection may cross a fork: close them (quickly: no checkpoint, no write that
    could wait for another process's lock), each once no call of this process is using it.
    Queued rows stay with the parent, which writes them later; the child drops its copy
    (:meth:`_Handle.adopt`)."""
    for link in list(_LINKS.values()):
        with link.lock:
            if link.pid == os.getpid():
                link.close(checkpoint=False)


def _after_fork_in_child() -> None:
    """The child starts with fresh locks (another thread of the parent may have held one
    at the fork) and without the parent's connections or queues."""
    _LINKS.clear()  # the parent's: dropped, never closed here
    for handle in list(_HANDLES):
        handle.link = _link(handle.path, handle.busy_timeout)
        handle.lock = handle.link.lock
        handle.adopt()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


class SqliteStore(ResultCache):
    """A bounded, self-healing cache in one SQLite database (``.gate-cache/`` by default)."""

    def __init__(self, directory: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 key: bytes | None = None, max_entry_bytes: int | None = None,
                 busy_timeout: float = BUSY_TIMEOUT) -> None:
        super().__init__()
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_entry_bytes = DEFAULT_MAX_ENTRY_BYTES if max_entry_bytes is None \
            else max_entry_bytes
        self._key = key if key is not None else cache_key()
        self.path = directory / LAYOUT / DB_NAME
        self._handle = _Handle(self.path, busy_timeout)
        self._prepared = False
        _HANDLES.add(self._handle)
        self._finalizer = weakref.finalize(self, _finish, self._handle)

    @staticmethod
    def _names(key: CacheKey) -> tuple[str, str]:
        if not _DIGEST.match(key.digest) or not _NAMESPACE.match(key.namespace):
            raise ValueError(f"unsafe cache key {key!r}")
        return key.namespace, key.digest

    def get(self, key: CacheKey, *, max_age: float | None = None) -> Any | None:
        """The payload under ``key`` if present, authentic, for this key and not expired."""
        names = self._names(key)
        handle = self._handle
        with handle.lock:
            handle.adopt()
            if names in handle.queue:
                self._flush()
            row = None
            try:
                conn = handle.connection(create=False)
                if conn is not None:
                    row = conn.execute("SELECT mac, body, used FROM entries"
                                       " WHERE namespace = ? AND digest = ?", names).fetchone()
            except Exception as exc:
                handle.fail(exc)
        if row is None:
            self.stats.misses += 1
            return None
        mac, body, used = row
        payload = open_body(self._key, key, body, mac, max_age=max_age)
        if payload is REJECTED:
            self.stats.rejected += 1
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        now = time.time()
        if not isinstance(used, (int, float)) or now - used > _TOUCH_AFTER:
            with handle.lock:
                handle.touches[names] = now
                if len(handle.touches) >= _TOUCH_BATCH:
                    self._flush()
        return payload

    def put(self, key: CacheKey, value: Any, *, ttl: float | None = None) -> None:
        """Queue the entry (written with its batch); an entry over :attr:`max_entry_bytes`
        is not kept, and an I/O failure is counted, never raised."""
        names = self._names(key)
        now = time.time()
        body, mac = encode(self._key, key, value, now=now, ttl=ttl)
        if len(body) > self.max_entry_bytes:
            self.stats.oversized += 1  # not kept: its lookups miss, as for any absent entry
            return
        handle = self._handle
        with handle.lock:
            handle.adopt()
            try:
                self._prepare()
            except Exception as exc:
                handle.fail(exc)
            if handle.broken is not None:
                self._lost(1, handle.broken)
                return
            size = len(body) + len(mac)
            if not handle.queue:
                handle.queued_at = now
            handle.queue[names] = (*names, size, now, now + ttl if ttl is not None else None,
                                   now, mac, body)
            handle.queued_bytes += size
            self.stats.writes += 1
            if (len(handle.queue) >= BATCH or handle.queued_bytes >= BATCH_BYTES
                    or now - handle.queued_at >= BATCH_SECONDS):
                self._flush()

    def _prepare(self) -> None:
        """Create the directory (with a ``.gitignore`` so git and the inventory skip it, and
        a cache tag) and the database, on this store's first write."""
        if self._prepared:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _IGNORE), ("CACHEDIR.TAG", _TAG)):
            marker = self.directory / name
            if not marker.exists():
                with contextlib.suppress(OSError):
                    marker.write_text(text, encoding="utf-8")
        self._handle.connection(create=True)
        self._prepared = True

    def _lost(self, rows: int, why: str) -> None:
        self.stats.write_errors += rows
        self.stats.last_write_error = f"{why}: {self.directory}"

    def _flush(self) -> None:
        """Write the queue now; rows a failed batch lost move from writes to write errors."""
        handle = self._handle
        handle.flush()
        for rows, why in handle.on_lost:
            self.stats.writes -= rows
            self._lost(rows, why)
        handle.on_lost.clear()

    def close(self) -> None:
        """Write what is queued and close the connection (the store reconnects if used)."""
        with self._handle.lock:
            self._flush()
            self._handle.close()

    def prune(self) -> None:
        """Write the queue, then delete the least recently used entries until the store is
        well under its bound, and give freed pages back to the file system.

        Cheap when under the bound: the pages the file holds are an upper bound of
        the entries' sizes, so only a file larger than the bound sums them.
        """
        handle = self._handle
        with handle.lock:
            self._flush()
            try:
                conn = handle.connection(create=False)
                if conn is not None:
                    self._shrink(conn)
            except Exception as exc:
                handle.fail(exc)
        self._remove_old_layouts()

    def _shrink(self, conn: sqlite3.Connection) -> None:
        (pages,), = conn.execute("PRAGMA page_count")
        (free,), = conn.execute("PRAGMA freelist_count")
        (page,), = conn.execute("PRAGMA page_size")
        if (pages - free) * page > self.max_bytes:
            (total,), = conn.execute("SELECT coalesce(sum(size), 0) FROM entries")
            if total > self.max_bytes:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._delete_least_used(conn, total)
                    conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(Exception):
                        conn.execute("ROLLBACK")
                    raise
                (pages,), = conn.execute("PRAGMA page_count")
                (free,), = conn.execute("PRAGMA freelist_count")
        if pages and free > pages * _VACUUM_FREE:
            conn.execute("PRAGMA incremental_vacuum").fetchall()

    def _delete_least_used(self, conn: sqlite3.Connection, total: int) -> None:
        """Expired entries first, then the least recently used, down to the target."""
        target = self.max_bytes * _PRUNE_TO
        doomed: list[tuple[str, str]] = []
        now = time.time()
        rows = conn.execute("SELECT namespace, digest, size, expires FROM entries"
                            " ORDER BY (expires IS NOT NULL AND expires < ?) DESC, used",
                            (now,)).fetchall()
        for namespace, digest, size, _ in rows:
            if total <= target:
                break
            doomed.append((namespace, digest))
            total -= size if isinstance(size, int) else 0
        conn.executemany("DELETE FROM entries WHERE namespace = ? AND digest = ?", doomed)

    def _remove_old_layouts(self) -> None:
        """Delete the previous layout (``v3/``, one file per entry, never read by this store)
        once nothing has written it for :data:`_OLD_UNUSED`."""
        old, ledger = self.directory / _OLD_LAYOUT, self.directory / _OLD_LEDGER
        try:
            st = old.lstat()
        except OSError:
            return
        last = st.st_mtime
        with contextlib.suppress(OSError):
            last = max(last, ledger.lstat().st_mtime)
        if not stat.S_ISDIR(st.st_mode) or time.time() - last < _OLD_UNUSED:
            return
        shutil.rmtree(old, ignore_errors=True)
        with contextlib.suppress(OSError):
            ledger.unlink()

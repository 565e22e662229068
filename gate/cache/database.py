"""The cache's SQLite database file: opened, configured and checked; replaced when damaged.

One file, ``<dir>/v4/cache.sqlite`` (plus its ``-wal`` and ``-shm`` files), one
table. The cache directory is trusted (:mod:`gate.cache.location` never uses one
the scanned change controls) but may be damaged: a truncated or foreign file, a
database with another schema. :func:`connect` checks the schema exactly and
raises :class:`Damaged` for anything but an empty database or ours; the store
then deletes the file and starts afresh (:func:`discard`). Whatever a row holds
is still only trusted once its MAC holds (:mod:`gate.cache.entry`).

Settings, and why:

* ``journal_mode=WAL``: readers never wait for a writer, and a commit appends
  to one file instead of creating one per entry.
* ``synchronous=OFF``: no ``fsync`` at all. It is a cache: a process killed at
  any point cannot damage a WAL database, and an operating-system crash that
  does is detected (a damaged file is replaced; a damaged row fails its MAC).
* ``auto_vacuum=INCREMENTAL``: pages freed by pruning are given back to the
  file system (``PRAGMA incremental_vacuum`` in the store's ``prune``).
* ``trusted_schema=OFF``, ``cell_size_check=ON`` and, where Python exposes it,
  ``SQLITE_DBCONFIG_DEFENSIVE``: a damaged file is read defensively.
* a busy timeout: concurrent gate processes take turns to write (each write
  transaction is one short batch of rows).

Never share a connection across ``fork``: the store connects lazily, per process.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

__all__ = ["DB_NAME", "SCHEMA", "Damaged", "connect", "discard", "is_damage"]

DB_NAME = "cache.sqlite"
USER_VERSION = 4
APPLICATION_ID = 0x67617465  # "gate"
SCHEMA = ("CREATE TABLE entries (namespace TEXT NOT NULL, digest TEXT NOT NULL, "
          "size INTEGER NOT NULL, created REAL NOT NULL, expires REAL, used REAL NOT NULL, "
          "mac TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (namespace, digest))")
"""Small columns first: summing sizes or sorting by use reads no body's overflow pages.
``created``, ``expires`` and ``used`` only steer pruning; what a hit trusts is in the body."""
_EXPECTED = {("table", "entries", "entries", SCHEMA),
             ("index", "sqlite_autoindex_entries_1", "entries", None)}
_WAL_LIMIT = 16 * 1024 * 1024
_PAGE = 8192
"""Entries are mostly 0.3-3 KB: 4 KB pages would hold one 2.2 KB entry each, half empty."""
_CORRUPT, _NOTADB = 11, 26


class Damaged(Exception):
    """The file is not (or no longer) a cache database this gate can use."""


def is_damage(exc: BaseException) -> bool:
    """Whether an SQLite error says the file is damaged (not merely busy or unwritable)."""
    if isinstance(exc, Damaged):
        return True
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return code & 0xFF in (_CORRUPT, _NOTADB)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _check(conn: sqlite3.Connection) -> bool:
    """Whether the database is ours (``True``) or empty (``False``); raises :class:`Damaged`."""
    rows = {tuple(r) for r in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master")}
    if not rows:
        return False
    if rows != _EXPECTED:
        raise Damaged("unexpected schema")
    (version,), = conn.execute("PRAGMA user_version")
    (app,), = conn.execute("PRAGMA application_id")
    if version != USER_VERSION or app != APPLICATION_ID:
        raise Damaged("another format")
    return True


def connect(path: Path, *, create: bool, busy_timeout: float) -> sqlite3.Connection | None:
    """A configured connection to the database at ``path`` with its schema checked.

    ``None`` when it does not exist and ``create`` is false. Raises
    :class:`Damaged` for a file that is not ours, ``sqlite3.Error`` or
    ``OSError`` for the rest (busy, unwritable, ...).
    """
    import sqlite3

    if not create and not path.exists():
        return None  # (if it goes before the next line, an empty file: no schema, a miss)
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None,
                           check_same_thread=False)
    try:
        setconfig = getattr(conn, "setconfig", None)  # Python 3.12+
        defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
        if setconfig is not None and defensive is not None:
            setconfig(defensive, True)
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA cell_size_check=ON")
        conn.execute(f"PRAGMA page_size={_PAGE}")  # these two take effect only on a new file
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        if not _check(conn):
            if not create:
                conn.close()
                return None
            _create(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT}")
    except BaseException:
        conn.close()
        raise
    return conn


def _create(conn: sqlite3.Connection) -> None:
    """Create the schema in an empty database (a concurrent process may be doing the same)."""
    conn.execute("PRAGMA journal_mode=WAL")  # first: it writes the header, auto_vacuum with it
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not _check(conn):
            conn.execute(SCHEMA)
            conn.execute(f"PRAGMA user_version={USER_VERSION}")
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise


def discard(path: Path) -> None:
    """Delete a damaged database and its WAL files (best effort: a later open recreates it)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()

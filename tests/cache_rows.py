"""The result cache's rows as tests see them (``<cache>/v4/cache.sqlite``, table ``entries``).

Tests that damage, forge or count entries go through these helpers, not through the store;
a store that is still open must have been closed (or pruned) first, so that its queued rows
are written.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Row:
    namespace: str
    digest: str
    size: int
    created: float
    expires: float | None
    used: float
    mac: str
    body: bytes

    def entry(self) -> Any:
        """The parsed body."""
        return json.loads(self.body)


def db_path(cache: Path) -> Path:
    return cache / "v4" / "cache.sqlite"


@contextlib.contextmanager
def connection(cache: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db_path(cache), isolation_level=None, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def rows(cache: Path, namespace: str | None = None) -> list[Row]:
    """Every row (of ``namespace``), by namespace and digest; none when there is no database."""
    if not db_path(cache).exists():
        return []
    with connection(cache) as conn:
        found = conn.execute("SELECT namespace, digest, size, created, expires, used, mac, body"
                             " FROM entries ORDER BY namespace, digest").fetchall()
    return [Row(*r) for r in found if namespace is None or r[0] == namespace]


def write(cache: Path, row: Row) -> None:
    """Store ``row`` as it is (insert or replace), bypassing the store and its MAC."""
    with connection(cache) as conn:
        conn.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (row.namespace, row.digest, row.size, row.created, row.expires, row.used,
                      row.mac, row.body))


def execute(cache: Path, sql: str, *params: Any) -> None:
    with connection(cache) as conn:
        conn.execute(sql, params)

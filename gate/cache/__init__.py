"""The result cache: per file and per check, keyed by everything it depends on.

Besides per-file entries: one whole-result entry per scan (:mod:`gate.cache.whole`) and
facts about files remembered under their stat (:mod:`gate.cache.facts`).

See :mod:`gate.cache.interface` for the contract, :mod:`gate.cache.store` for
the store (one SQLite database), :mod:`gate.cache.entry` for an entry's
authenticated body, :mod:`gate.cache.database` for the database file,
:mod:`gate.cache.keys` for what goes into a key,
:mod:`gate.cache.mac` for the key entries are authenticated with and
:mod:`gate.cache.location` for where the cache may live (never a directory the
scanned change controls).
"""

from __future__ import annotations

from pathlib import Path

from gate.cache.interface import CacheKey, CacheStats, NullCache, ResultCache
from gate.cache.store import DEFAULT_MAX_BYTES, SqliteStore

__all__ = ["CacheKey", "CacheStats", "NullCache", "ResultCache", "SqliteStore",
           "open_cache"]


def open_cache(directory: Path | None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ResultCache:
    """The store in ``directory``, or a :class:`NullCache` when caching is off (``None``)."""
    if directory is None:
        return NullCache()
    return SqliteStore(directory, max_bytes=max_bytes)

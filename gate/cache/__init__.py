"""The result cache (``.gate-cache/``): per file and per check, keyed by everything it depends on.

See :mod:`gate.cache.interface` for the contract, :mod:`gate.cache.store` for
the file-system store and :mod:`gate.cache.keys` for what goes into a key.
"""

from __future__ import annotations

from pathlib import Path

from gate.cache.interface import CacheKey, CacheStats, NullCache, ResultCache
from gate.cache.store import DEFAULT_MAX_BYTES, FileStore

__all__ = ["DEFAULT_DIR", "CacheKey", "CacheStats", "FileStore", "NullCache", "ResultCache",
           "open_cache"]

DEFAULT_DIR = ".gate-cache"
"""Created in the scanned repository's root unless ``--cache-dir`` says otherwise."""


def open_cache(directory: Path | None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ResultCache:
    """The store in ``directory``, or a :class:`NullCache` when caching is off (``None``)."""
    if directory is None:
        return NullCache()
    return FileStore(directory, max_bytes=max_bytes)

"""The result cache's contract: keys, the abstract store, and a store that remembers nothing.

A cache entry is a JSON value stored under a :class:`CacheKey` whose digest
covers *everything* the value depends on (file content, tool version, rule
configuration, the gate's own code). A key never needs invalidating: when an
input changes, the key changes, and stale entries age out through pruning.

The cache is an optimisation, never a source of truth: a store returns
``None`` for anything it cannot vouch for (missing, corrupt, expired,
unreadable), and a store that cannot write only says so in :class:`CacheStats`.
A failing cache makes the gate slower, never wrong and never broken.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

__all__ = ["CacheKey", "CacheStats", "NullCache", "ResultCache"]


@dataclass(frozen=True)
class CacheKey:
    """Where an entry lives: a namespace (a check name) and a hex digest of its inputs."""

    namespace: str
    digest: str


@dataclass
class CacheStats:
    """What one process's use of a cache amounted to (for warnings and benchmarks)."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    rejected: int = 0
    """Entries found but not trusted (corrupt, wrong key, wrong format); counted as misses too."""
    write_errors: int = 0
    oversized: int = 0
    """Entries not written because they exceeded the store's per-entry bound."""
    last_write_error: str | None = None


class ResultCache(ABC):
    """A key-value store of JSON values, safe to share between concurrent gate runs."""

    def __init__(self) -> None:
        self.stats = CacheStats()

    @abstractmethod
    def get(self, key: CacheKey, *, max_age: float | None = None) -> Any | None:
        """The value stored under ``key``, or ``None`` if absent, expired or not trustworthy.

        ``max_age``: also a miss when the entry was written more than that many seconds ago.
        """

    @abstractmethod
    def put(self, key: CacheKey, value: Any, *, ttl: float | None = None) -> None:
        """Store ``value`` (JSON-serialisable) under ``key``; ``ttl`` seconds, else forever.

        Never raises for an I/O problem: the failure is counted in :attr:`stats`.
        """

    def prune(self) -> None:  # noqa: B027 - optional: stores without a bound need nothing
        """Shrink the store to its size bound (a no-op for stores without one)."""

    def close(self) -> None:  # noqa: B027 - optional: stores that hold nothing need nothing
        """Write anything still pending and release the store's resources (it may be used
        again). Stores also do this when dropped: callers need not call it."""


class NullCache(ResultCache):
    """``--no-cache``: every lookup misses and nothing is kept."""

    def get(self, key: CacheKey, *, max_age: float | None = None) -> Any | None:
        """Always a miss."""
        self.stats.misses += 1
        return None

    def put(self, key: CacheKey, value: Any, *, ttl: float | None = None) -> None:
        """Forget ``value``."""

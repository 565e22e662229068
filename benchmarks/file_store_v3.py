"""The previous result store (layout v3: one file per entry), kept verbatim (but for this
line) for ``benchmarks/cache_store.py`` to compare against; the gate no longer uses it.

The file-system result cache: one small JSON file per entry, written atomically.

Layout: ``<dir>/v3/<namespace>/<digest[:2]>/<digest>.json``. Each entry is
one line ``gate-cache 3 <mac>`` and then its JSON body (its own key, times and
payload), the MAC being an HMAC-SHA256 of the body's bytes under a key kept
outside the scanned tree (:mod:`gate.cache.mac`): checked on the bytes as
read, before they are parsed, and never by re-encoding them. So a truncated
write, a bit
flip, a file copied to the wrong name, and an entry written by anyone without
the key (a forged "no findings" committed by a pull request) are detected on
read and treated as a miss (the next ``put`` rewrites it): a bad entry is
never trusted. A plain checksum would not do: anyone can recompute one.

Concurrent runs (two CI jobs on one runner, a developer's terminal and an
editor plugin) share the directory safely: writes go to a temporary file in
the entry's own directory and are published with ``os.replace``, which is
atomic on POSIX and Windows, so a reader sees the old entry, the new one, or
none; never half of one. Pruning only ever deletes whole files, and a reader
that loses an entry to pruning just misses.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.cache.interface import CacheKey, ResultCache
from gate.cache.mac import cache_key, sign, verify

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_ENTRY_BYTES", "FileStore"]

FORMAT = 3
_HEADER = b"gate-cache 3 "
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_ENTRY_BYTES = DEFAULT_MAX_BYTES // 8
"""No entry may be larger: one huge entry (a whole-result entry of a huge tree) would otherwise
crowd out everything else, and cost more to read than the per-file entries it stands for."""
_PRUNE_TO = 0.8
"""Prune down to this fraction of the bound, so that the next run does not prune again."""
_TOUCH_AFTER = 3600.0
"""Refresh an entry's mtime on a hit at most this often: "recently used" within the hour."""
_STALE_TEMP = 3600.0
_WALK_EVERY = 3600.0
"""Between full walks of the store, its size is estimated from a ledger (see ``prune``)."""
_LEDGER = ".usage"
_DIGEST = re.compile(r"\A[0-9a-f]{16,128}\Z")
_NAMESPACE = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
_IGNORE = "# Created by gate: a result cache, not source.\n*\n"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by gate (https://bford.info/cachedir/).\n")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place (atomic:
    readers see the old file or the new one); raises ``OSError``, leaving no temporary."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@dataclass(frozen=True)
class _Entry:
    path: Path
    size: int
    mtime: float


class FileStore(ResultCache):
    """A bounded, self-healing cache in a directory (``.gate-cache/`` by default)."""

    def __init__(self, directory: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 key: bytes | None = None,
                 max_entry_bytes: int | None = None) -> None:
        super().__init__()
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_entry_bytes = DEFAULT_MAX_ENTRY_BYTES if max_entry_bytes is None \
            else max_entry_bytes
        self._key = key if key is not None else cache_key()
        self._root = directory / f"v{FORMAT}"
        self._prepared = False
        self._written = 0
        """Bytes this store wrote since it last walked or updated the ledger."""

    def _path(self, key: CacheKey) -> Path:
        if not _DIGEST.match(key.digest) or not _NAMESPACE.match(key.namespace):
            raise ValueError(f"unsafe cache key {key!r}")
        return self._root / key.namespace / key.digest[:2] / f"{key.digest}.json"

    def get(self, key: CacheKey, *, max_age: float | None = None) -> Any | None:
        """The payload under ``key`` if present, intact, for this key and not expired."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            self.stats.misses += 1
            return None
        payload = self._verified(raw, key, max_age)
        if payload is None:
            self.stats.rejected += 1
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        self._touch(path)
        return payload

    def _verified(self, raw: bytes, key: CacheKey, max_age: float | None) -> Any | None:
        """The entry's payload, or ``None`` if anything about it is off."""
        head, newline, body = raw.partition(b"\n")
        if not newline or not head.startswith(_HEADER):
            return None
        try:
            mac = head[len(_HEADER):].decode("ascii")
        except UnicodeDecodeError:
            return None
        if not verify(self._key, body, mac):
            return None  # not written with our key: forged, copied from elsewhere, or damaged
        try:
            entry = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        if entry.get("namespace") != key.namespace or entry.get("key") != key.digest:
            return None
        expires = entry.get("expires")
        if expires is not None and (not isinstance(expires, (int, float)) or expires < time.time()):
            return None
        created = entry.get("created")
        if max_age is not None and (not isinstance(created, (int, float))
                                    or created + max_age < time.time()):
            return None
        return entry.get("payload")

    def _touch(self, path: Path) -> None:
        """Mark the entry as recently used (best effort: a read-only cache still serves)."""
        try:
            if time.time() - path.stat().st_mtime > _TOUCH_AFTER:
                os.utime(path)
        except OSError:
            pass

    def put(self, key: CacheKey, value: Any, *, ttl: float | None = None) -> None:
        """Write the entry atomically; an I/O failure is counted, never raised, and so is an
        entry over :attr:`max_entry_bytes` (not written)."""
        path = self._path(key)
        entry = {
            "format": FORMAT, "namespace": key.namespace, "key": key.digest,
            "created": time.time(), "expires": time.time() + ttl if ttl is not None else None,
            "payload": value,
        }
        body = _canonical(entry)
        if len(body) > self.max_entry_bytes:
            self.stats.oversized += 1  # not kept: its lookups miss, as for any absent entry
            return
        data = _HEADER + sign(self._key, body).encode("ascii") + b"\n" + body
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        except OSError as exc:
            self.stats.write_errors += 1
            self.stats.last_write_error = f"{exc.strerror or type(exc).__name__}: {self.directory}"
            return
        self.stats.writes += 1
        self._written += len(data)

    def _prepare(self) -> None:
        """Create the directory with a ``.gitignore`` (so git, and the inventory, skip it)."""
        if self._prepared:
            return
        self._root.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _IGNORE), ("CACHEDIR.TAG", _TAG)):
            marker = self.directory / name
            if not marker.exists():
                with contextlib.suppress(OSError):
                    marker.write_text(text, encoding="utf-8")
        self._prepared = True

    def _entries(self) -> list[_Entry]:
        """Every entry file, plus the leftovers of killed writers (deleted when stale)."""
        found: list[_Entry] = []
        now = time.time()
        for dirpath, _, filenames in os.walk(self._root):
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    st = path.stat()
                except OSError:
                    continue  # pruned or replaced under our feet
                if name.startswith(".tmp-"):
                    if now - st.st_mtime > _STALE_TEMP:
                        with contextlib.suppress(OSError):
                            path.unlink()
                    continue
                found.append(_Entry(path, st.st_size, st.st_mtime))
        return found

    def _ledger(self) -> tuple[int, float] | None:
        """(bytes, time) of the last full walk plus writes since; ``None`` if unreadable."""
        try:
            value = json.loads((self.directory / _LEDGER).read_bytes())
            size, at = int(value["bytes"]), float(value["walked"])
        except (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError):
            return None
        return (size, at) if size >= 0 else None

    def _record(self, size: int, walked: float) -> None:
        with contextlib.suppress(OSError):
            _write_atomic(self.directory / _LEDGER, _canonical({"bytes": size, "walked": walked}))
        self._written = 0

    def prune(self) -> None:
        """Delete the least recently used entries until the store is well under its bound.

        Walking a large store costs a ``stat`` per entry, every run. So a walk
        records the store's size in a ledger, and for an hour after it each
        prune only adds what was written to the ledger, walking again as soon as
        that estimate passes the bound (rewrites count twice: the estimate only
        errs high). The ledger is advisory: lost, damaged or forged, it can delay
        a walk by an hour at most, never serve or delete an entry.
        """
        ledger = self._ledger()
        now = time.time()
        if ledger is not None and 0 <= now - ledger[1] < _WALK_EVERY:
            estimate = ledger[0] + self._written
            if estimate <= self.max_bytes:
                self._record(estimate, ledger[1])
                return
        entries = self._entries()
        total = sum(e.size for e in entries)
        if total > self.max_bytes:
            target = self.max_bytes * _PRUNE_TO
            for entry in sorted(entries, key=lambda e: e.mtime):
                if total <= target:
                    break
                with contextlib.suppress(OSError):
                    entry.path.unlink()
                total -= entry.size
        self._record(total, now)

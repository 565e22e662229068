"""Cache key material: what a cached result depends on, hashed.

A per-file result depends on the file's bytes and path (findings carry the
path, fingerprints hash it), the tool's version, the effective rule
configuration, the gate's own code that maps tool output to findings, and
the key that secret fingerprints are derived with. All of it goes into the
digest, so none of it can go stale: a bandit upgrade, a new detect-secrets
plugin, an edited gate module or a new ``GATE_FINGERPRINT_KEY`` simply
produce keys that were never written.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gate.cache.interface import CacheKey

__all__ = ["code_identity", "digest_of", "fingerprint_key_id", "key_for"]

def digest_of(value: Any) -> str:
    """SHA-256 of a JSON-serialisable value in canonical form (sorted keys, no spaces)."""
    data = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def key_for(namespace: str, material: Any) -> CacheKey:
    """The cache key for ``material`` (everything the value depends on) in ``namespace``."""
    return CacheKey(namespace, digest_of(material))


@functools.lru_cache(maxsize=64)
def _module_digest(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not Path(spec.origin).is_file():
        return f"{module}:unknown"
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()


def code_identity(modules: Iterable[str]) -> str:
    """A digest of the source of the gate modules that shape a check's findings.

    Finer than the gate's version number: a development build whose mapping
    code changed must not reuse results computed by the old code. Each module's
    source is read once per process, and so is each set's digest (a standby worker
    takes its check's before the job arrives).
    """
    return _identity(tuple(sorted(set(modules))))


@functools.lru_cache(maxsize=32)
def _identity(modules: tuple[str, ...]) -> str:
    return digest_of({name: _module_digest(name) for name in modules})


def fingerprint_key_id() -> str:
    """Which ``GATE_FINGERPRINT_KEY`` secret fingerprints are made with, without revealing it.

    An HMAC of a fixed label under the key: equal keys give equal ids, and
    the id (stored in cache keys) says nothing usable about the key itself.
    """
    key = os.environ.get("GATE_FINGERPRINT_KEY", "").encode()
    if not key:
        return "default"
    return hmac.new(key, b"gate-cache-key-id", hashlib.sha256).hexdigest()[:16]

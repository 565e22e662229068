"""One cache entry's bytes: its canonical JSON body, and the MAC that vouches for it.

A body is ``{"format", "namespace", "key", "created", "expires", "payload"}`` as
canonical JSON (sorted keys, no spaces), so the bytes are a function of the
value. It names its own key: a body moved to another key is rejected even though
its MAC holds. The MAC (HMAC-SHA256 under :func:`gate.cache.mac.cache_key`) is
checked on the bytes as stored, *before* they are parsed, and never by
re-encoding them: whoever cannot sign (a forged row, a bit flip, a body
written under another key) gets nothing parsed, let alone trusted.
"""

from __future__ import annotations

import json
import time
from typing import Any

from gate.cache.interface import CacheKey
from gate.cache.mac import sign, verify

__all__ = ["FORMAT", "REJECTED", "canonical", "encode", "open_body"]

FORMAT = 4
REJECTED: Any = object()
"""What :func:`open_body` returns for a body it does not vouch for (``None`` is a payload)."""


def canonical(value: Any) -> bytes:
    """``value`` as canonical JSON bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def encode(mac_key: bytes, key: CacheKey, value: Any, *, now: float,
           ttl: float | None) -> tuple[bytes, str]:
    """The body for ``value`` under ``key``, and its MAC."""
    body = canonical({"format": FORMAT, "namespace": key.namespace, "key": key.digest,
                      "created": now, "expires": now + ttl if ttl is not None else None,
                      "payload": value})
    return body, sign(mac_key, body)


def open_body(mac_key: bytes, key: CacheKey, body: object, mac: object, *,
              max_age: float | None) -> Any:
    """The payload of a stored body, or :data:`REJECTED` if anything about it is off: not
    signed with ``mac_key``, not JSON, another format or key, expired, or older than
    ``max_age`` seconds."""
    if not isinstance(body, bytes) or not verify(mac_key, body, mac):
        return REJECTED  # not written with our key: forged, copied from elsewhere, or damaged
    try:
        entry = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return REJECTED
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return REJECTED
    if entry.get("namespace") != key.namespace or entry.get("key") != key.digest:
        return REJECTED
    now = time.time()
    expires = entry.get("expires")
    if expires is not None and (not isinstance(expires, (int, float)) or expires < now):
        return REJECTED
    created = entry.get("created")
    if max_age is not None and (not isinstance(created, (int, float))
                                or created + max_age < now):
        return REJECTED
    return entry.get("payload")

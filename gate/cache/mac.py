"""The key that authenticates cache entries, kept where the scanned repository cannot reach.

Every entry carries an HMAC-SHA256 of its key and payload under this key
(:mod:`gate.cache.store`). Whoever can write the cache directory but does not
hold the key (a pull request that commits one, a build step that drops files
into it) cannot make an entry the gate will read: a forged or copied entry
fails its MAC and is a miss.

The key is ``GATE_CACHE_KEY`` when set (a CI secret), else 32 random bytes in
``<user config dir>/gate/cache.key``, created with mode 0600 on first use.
A key file that is not a regular file, or is readable by group or others,
is not used: the run gets a fresh in-memory key (a cold cache, never a
trusted forgery).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

__all__ = ["KEY_ENV", "cache_key", "key_file", "sign", "verify"]

KEY_ENV = "GATE_CACHE_KEY"
_KEY_BYTES = 32
_session_key: bytes | None = None


def key_file() -> Path:
    """Where the generated key lives (``~/.config/gate/cache.key`` on Linux)."""
    import platformdirs

    return platformdirs.user_config_path("gate") / "cache.key"


def _read_private(path: Path) -> bytes | None:
    """The key file's bytes if it is a private regular file of the right size, else ``None``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode) or (os.name == "posix" and st.st_mode & 0o077):
            return None
        data = handle.read(_KEY_BYTES + 1)
    return data if len(data) == _KEY_BYTES else None


def _create(path: Path) -> bytes | None:
    """Write a new random key with mode 0600 (exclusively: a concurrent run's key wins)."""
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_private(path)
    except OSError:
        return None
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def cache_key(env: Mapping[str, str] | None = None) -> bytes:
    """The MAC key: ``GATE_CACHE_KEY``, else the key file (created on first use).

    Never fails: when no key can be read or stored, a random key for this
    process only is returned (every lookup then misses; nothing is trusted).
    """
    global _session_key
    environ = os.environ if env is None else env
    given = environ.get(KEY_ENV, "")
    if given:
        return hashlib.sha256(b"gate-cache-key\x00" + given.encode()).digest()
    path = key_file()
    key = _read_private(path)
    if key is None and not path.exists():
        key = _create(path)
    if key is None:
        if _session_key is None:
            _session_key = secrets.token_bytes(_KEY_BYTES)
        key = _session_key
    return key


def sign(key: bytes, data: bytes) -> str:
    """HMAC-SHA256 of ``data`` under ``key``, hex."""
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def verify(key: bytes, data: bytes, mac: object) -> bool:
    """Whether ``mac`` is the MAC of ``data`` under ``key`` (constant-time)."""
    return isinstance(mac, str) and hmac.compare_digest(sign(key, data), mac)

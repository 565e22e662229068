"""CPU tokens: all the checks' pools together never run more than ``--jobs`` chunks at once.

The runner runs every check at once, and two checks each starting ``--jobs``
busy processes would oversubscribe the machine. Each chunk holds one of
``--jobs`` tokens while it computes, so whichever check still has work gets
every core. A token is an ``flock`` on a file: the kernel releases it when its
holder dies, so a killed or crashed worker cannot leak it.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no tokens, the pools just share the cores
    fcntl = None  # type: ignore[assignment]

__all__ = ["CpuTokens", "held"]

_POLL_START = 0.01
_POLL_MAX = 0.2


@dataclass(frozen=True)
class CpuTokens:
    """``count`` CPU tokens as lock files in ``directory`` (created by the runner)."""

    directory: Path
    count: int

    @classmethod
    def create(cls, directory: Path, count: int) -> CpuTokens:
        """Lay out the token files in an existing directory."""
        for index in range(count):
            (directory / f"{index}.token").touch()
        return cls(directory, count)

    @classmethod
    def found_in(cls, directory: Path | None) -> CpuTokens | None:
        """The tokens in ``directory`` (``None``: none to honour, or no ``flock`` here)."""
        if directory is None or fcntl is None:
            return None
        count = len(list(directory.glob("*.token")))
        return cls(directory, count) if count else None

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Block until one token is free, hold it for the ``with`` block."""
        assert fcntl is not None
        start = random.randrange(self.count)  # noqa: S311 - spreading contention, not security
        delay = _POLL_START
        while True:
            for step in range(self.count):
                path = self.directory / f"{(start + step) % self.count}.token"
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)
                return
            time.sleep(delay)
            delay = min(delay * 2, _POLL_MAX)


def held(tokens: CpuTokens | None) -> contextlib.AbstractContextManager[None]:
    """Hold one of ``tokens`` for a ``with`` block (no-op without tokens)."""
    return tokens.hold() if tokens is not None else contextlib.nullcontext()

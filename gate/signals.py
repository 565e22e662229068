"""Stopping a run cleanly: SIGTERM, SIGINT and SIGHUP become one exception.

A cancelled CI job sends SIGTERM, a closed terminal SIGHUP, Ctrl-C SIGINT.
Each is turned into :class:`Interrupted`, raised in the main thread wherever
it is (usually waiting on the check workers), so that every ``finally`` on the
way out runs: the runner kills each check worker's process group (its pool
included), temporary worktrees are removed, and no report is written, since
the run never reached a verdict. The exit code is ``128 + signal number``
(130 SIGINT, 143 SIGTERM, 129 SIGHUP), as shells report a death by signal.

A second signal during that cleanup is ignored rather than allowed to
interrupt the cleanup itself. Workers that outlive even this (the gate was
SIGKILLed) die by themselves: see :mod:`gate.limits`.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["STOP_SIGNALS", "Interrupted", "exit_code_for", "stop_on_signals"]

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP")
                     if hasattr(signal, name))


class Interrupted(BaseException):
    """The run was stopped by a signal; no verdict exists. A ``BaseException``, so that no
    ``except Exception`` on the way up can mistake it for a failure to recover from."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """``SIGTERM``, ``SIGINT``..."""
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"


def exit_code_for(signum: int) -> int:
    """The documented exit code of a run stopped by ``signum``: ``128 + signum``."""
    return 128 + signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, a stop signal raises :class:`Interrupted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if received:
            return  # cleanup of the first one is under way: let it finish
        received.append(signum)
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)

"""Stopping a run cleanly: SIGTERM, SIGINT and SIGHUP become one exception.

A cancelled CI job sends SIGTERM, a closed terminal SIGHUP, Ctrl-C SIGINT.
Each is turned into :class:`Interrupted`, raised in the main thread wherever
it is (usually waiting on the check workers), so that every ``finally`` on the
way out runs: the runner kills each check worker's process group (its pool
included), temporary worktrees are removed, and no report is written, since
the run never reached a verdict. The exit code is ``128 + signal number``
(130 SIGINT, 143 SIGTERM, 129 SIGHUP), as shells report a death by signal.

Ctrl-C reaches every process in the terminal's foreground group, workers
included. Workers never see it: :func:`starting_workers` blocks SIGINT while a
worker is started, and a spawned process inherits the blocked mask through
``exec``, so a worker (and every pool worker or tool it starts) has SIGINT
blocked from its first instruction; the parent, which gets SIGINT as soon as
the start is over, stops them. No worker prints a ``KeyboardInterrupt``
traceback, however early the Ctrl-C.

A second signal during that cleanup is ignored rather than allowed to
interrupt the cleanup itself. A signal is never lost: when its handler happens to
run inside a weakref callback or a finaliser, Python drops the exception it raises
("Exception ignored in ...") and goes on; the gate notes it instead
(:func:`noting_dropped`) and raises it again before it writes a report or
returns (:func:`raise_pending`). Workers that outlive even this (the gate was
SIGKILLed) die by themselves: see :mod:`gate.limits`.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = ["STOP_SIGNALS", "Interrupted", "exit_code_for", "interrupt", "noting_dropped",
           "raise_pending", "starting_workers", "stop_on_signals"]

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


def interrupt(signum: int, frame: FrameType | None) -> None:
    """A signal handler: raise :class:`Interrupted` (the CLI's SIGINT handler before a run)."""
    raise Interrupted(signum)


_dropped: list[int] = []
"""Stop signals whose :class:`Interrupted` Python dropped (see :func:`noting_dropped`)."""


@contextlib.contextmanager
def noting_dropped() -> Iterator[None]:
    """Within the block, an :class:`Interrupted` that Python drops is noted, not printed.

    A signal's handler runs wherever the main thread is; inside a weakref callback or a
    finaliser, Python hands the exception it raises to ``sys.unraisablehook`` ("Exception
    ignored in ...") and carries on, and the run would go on to a verdict after a Ctrl-C.
    :func:`raise_pending` raises it again.
    """
    previous = sys.unraisablehook

    def note(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, Interrupted):
            _dropped.append(unraisable.exc_value.signum)
        else:
            previous(unraisable)

    sys.unraisablehook = note
    try:
        yield
    except BaseException:
        _dropped.clear()  # something is on its way out already
        raise
    finally:
        sys.unraisablehook = previous


def raise_pending() -> None:
    """Raise :class:`Interrupted` again for a stop signal whose first one Python dropped
    (:func:`noting_dropped`); nothing when there is none. The run calls it before it judges,
    writes a report or returns."""
    if _dropped:
        signum = _dropped[0]
        _dropped.clear()
        raise Interrupted(signum)


def exit_code_for(signum: int) -> int:
    """The documented exit code of a run stopped by ``signum``: ``128 + signum``."""
    return 128 + signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, a stop signal raises :class:`Interrupted` (main thread only)."""
    import threading  # here: the CLI imports this module before anything else (gate.cli.main)

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
        with noting_dropped():
            yield
            raise_pending()  # the block ended although a signal's exception went nowhere
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def starting_workers() -> Iterator[None]:
    """Within the block, SIGINT is held back from this process and from the processes it starts.

    The processes started inside inherit a blocked SIGINT and keep it for
    their whole life. Here, a SIGINT that arrives meanwhile (another thread may
    take it while this one blocks it) is only recorded, and handed to the
    previous handler (:func:`stop_on_signals`'s) when the block ends: never
    between a worker's start and the caller noting it down to stop it later.
    """
    import threading

    if not hasattr(signal, "pthread_sigmask") \
            or threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if held and callable(previous):
            previous(held[0], None)

"""How the gate starts a worker process: fork where it is safe, spawn everywhere else.

A spawned worker is a fresh interpreter: it re-imports the gate and its
check (about 0.35 CPU-s each, before it reads a file) and the parent blocks
while each one starts, so five checks cost more than scanning a small change.
A forked worker starts in milliseconds with everything its parent imported.

Fork is safe only when no other thread can hold a lock at the moment of the
fork: such a lock stays held in the child forever. So the gate forks only on
Linux, and only when the kernel (``/proc/self/task``, which also sees threads
a library started) counts no thread besides the caller's own and the
watchdog of :mod:`gate.limits`. The watchdog is registered here
(:func:`quiet_thread`): it only sleeps and reads ``getppid()``, holds no
lock, and is gone in the child (which starts its own). CPython's warning
about forking a multi-threaded process is silenced for that case only.
Anywhere else the gate spawns, as before.

What a forked child must undo (:func:`forked_child`): the parent's Python
signal handlers (a stop signal raises :class:`gate.signals.Interrupted` in
the parent; a worker must die by it, as a spawned one does) and a crash
dumper the parent enabled (:mod:`faulthandler`). The signal mask
(SIGINT blocked while a worker starts, :func:`gate.signals.starting_workers`)
is inherited through fork as through exec.

Before forking, the parent moves what it holds into the collector's
permanent generation (:func:`gc.freeze`), so that a child's collections never
walk, and so never copy, the pages of its parent's objects.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import multiprocessing
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, SpawnContext

    WorkerContext: TypeAlias = ForkContext | SpawnContext

__all__ = ["FORK_ALLOWED", "PIPE_BYTES", "can_fork", "defer_collection", "forked_child",
           "freezing", "quiet_thread", "restore_collection", "resume_collection", "widen_pipe",
           "worker_context"]

FORK_ALLOWED = sys.platform.startswith("linux")
"""Only Linux: ``/proc`` counts the threads, and the start method is known to work there."""

_TASKS = "/proc/self/task"
_RESET = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


_quiet: list[threading.Thread] = []


def quiet_thread(thread: threading.Thread) -> None:
    """Record a thread that never holds a lock another thread could need (the watchdog)."""
    _quiet.append(thread)


def can_fork() -> bool:
    """Whether this process may fork a worker: Linux, and no thread but quiet ones."""
    if not FORK_ALLOWED:
        return False
    try:
        threads = sum(1 for _ in Path(_TASKS).iterdir())
    except OSError:
        return False
    return threads == 1 + sum(1 for thread in _quiet if thread.is_alive())


def worker_context() -> WorkerContext:
    """The multiprocessing context for the next worker this process starts."""
    if can_fork():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def freezing(ctx: WorkerContext) -> Iterator[None]:
    """Around starting workers: for a fork, freeze the parent's objects for the collector."""
    if ctx.get_start_method() != "fork":
        yield
        return
    gc.freeze()
    try:
        with warnings.catch_warnings():  # only quiet threads besides ours: see can_fork
            warnings.filterwarnings("ignore", category=DeprecationWarning,
                                    message=r".*multi-threaded, use of fork\(\)")
            yield
    finally:
        gc.unfreeze()


_held = False
"""Whether :func:`defer_collection` holds the collector (inherited by a forked child)."""


def defer_collection() -> bool:
    """Hold the cyclic garbage collector while a run starts up (:func:`resume_collection`
    ends it).

    Start-up allocates tens of thousands of objects that live until exit
    (modules, classes, functions, the policy, the file list) and almost no
    cyclic garbage; collecting meanwhile is pure cost (about 25 CPU-ms of a
    warm run's parent, a tenth of it). It is the pattern the :mod:`gc` docs
    give for a process that forks: disable early in the parent, freeze, enable
    early in each child. A standby worker forked meanwhile keeps the collector
    held while it loads its scanner, and resumes it when its job arrives.

    Returns whether it held it (it was running): the caller then owes a
    :func:`restore_collection` when the command is over.
    """
    global _held
    if not gc.isenabled():
        return False
    gc.disable()
    _held = True
    return True


def resume_collection() -> None:
    """Collect again, with what start-up made moved out of the collector's way
    (:func:`gc.freeze`: it is never traversed again, and a forked child does not
    copy its pages by touching it). A no-op unless :func:`defer_collection` held it (here,
    or in the parent this worker was forked from): a caller's own choice stands."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def restore_collection() -> None:
    """The collector as it was before :func:`defer_collection`: running, nothing frozen (a
    program that runs the CLI in-process, a test suite, gets it back as it lent it)."""
    global _held
    _held = False
    gc.unfreeze()
    gc.enable()


def forked_child() -> None:
    """First thing in a worker: put back the default handlers of the stop signals.

    A spawned worker has them already; a forked one has its parent's, which
    raise in the parent's code (the worker must die, as the runner expects).
    """
    for signum in _RESET:
        with contextlib.suppress(OSError, ValueError):
            signal.signal(signum, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    faulthandler.disable()  # a parent's crash dumper (pytest's) would print the child's crash


PIPE_BYTES = 1 << 20
"""What a widened pipe holds: a job (its file list) for a tree of ~15,000 files."""


def widen_pipe(connection: Connection) -> None:
    """Let ``connection``'s pipe hold :data:`PIPE_BYTES` (Linux), so that sending a job does
    not wait for the other end to start reading. Best effort: where the platform or the
    user's pipe quota says no, sending just waits for the reader, as it always may."""
    try:
        import fcntl
    except ImportError:  # Windows
        return
    option = getattr(fcntl, "F_SETPIPE_SZ", None)
    if option is None:
        return
    with contextlib.suppress(OSError, ValueError):
        fcntl.fcntl(connection.fileno(), option, PIPE_BYTES)

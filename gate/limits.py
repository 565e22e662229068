"""Bounds on every process the gate starts: memory, time per file, and life after the parent.

The files a gate scans are written by the change it judges, so any of them
may be built to exhaust a tool (a YAML alias bomb, a pathological regex
input, a parser's worst case). Each check worker (:mod:`gate.runner`) and
each pool worker (:mod:`gate.checks.engine.pool`) therefore:

* runs under an address-space limit (``RLIMIT_AS``): it may map at most
  ``memory_mb`` (default 2048) beyond what it started with (a forked worker
  starts with its parent's mappings, shared copy-on-write). An allocation past
  it raises ``MemoryError`` in that process instead of swapping or
  OOM-killing the runner;
* is given a time budget per file (pool workers; default 60 s), after which
  it is killed and replaced and the file is reported as not scanned;
* dies with its parent: ``PR_SET_PDEATHSIG`` (Linux) sends it ``SIGKILL``
  when the process that started it dies, even by ``SIGKILL``, and a
  watchdog thread that polls ``getppid()`` covers other systems and the
  race before ``prctl`` took effect.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from gate.processes import quiet_thread

__all__ = ["DEFAULT_FILE_SECONDS", "DEFAULT_MEMORY_MB", "WorkerLimits", "harden_worker",
           "kill_with_parent", "memory_budget", "preload_hardening"]

DEFAULT_MEMORY_MB = 2048
DEFAULT_FILE_SECONDS = 60.0
_PR_SET_PDEATHSIG = 1
_WATCHDOG_INTERVAL = 0.5


@dataclass(frozen=True)
class WorkerLimits:
    """What every worker process may use (policy ``limits:``, CLI ``--memory-limit``...)."""

    memory_mb: int = DEFAULT_MEMORY_MB
    """Address-space limit of each worker process, in MiB."""
    file_seconds: float = DEFAULT_FILE_SECONDS
    """Time budget of one file (and of one batch of files) in a pool worker."""


def kill_with_parent() -> None:
    """Ask the kernel for ``SIGKILL`` when this process's parent dies (Linux; elsewhere
    nothing). Async-signal-safe enough for a ``preexec_fn``: one ``prctl`` call."""
    if sys.platform.startswith("linux"):
        import ctypes  # a worker's or a tool's, not the gate's: see harden_worker

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)  # this process's own libc
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel for ``SIGKILL`` when the parent dies; exit now if it already has."""
    kill_with_parent()
    if os.getppid() != parent_pid:  # the parent died before prctl: nobody would notice
        os._exit(1)


_budget: list[int] = []
"""The memory budget (MiB) this process was hardened under, if it was (:func:`memory_budget`)."""


def _address_space() -> int:
    """Bytes of address space this process maps already (``VmSize``; 0 where unknown)."""
    try:
        with Path("/proc/self/status").open("rb") as status:
            for line in status:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the process maps now plus ``memory_mb`` (soft limit,
    never above an existing hard limit).

    Relative, because a forked worker starts with its parent's mappings (shared
    copy-on-write, costing nothing until written): an absolute cap would give a
    worker forked from a big parent less room than a fresh one. The hard limit is
    left alone, so a worker this one forks can set its own cap the same way.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    limit = _address_space() + memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        _budget[:] = [memory_mb]


def memory_budget() -> int | None:
    """The ``memory_mb`` this process runs under (:func:`harden_worker`), ``None`` if none."""
    return _budget[0] if _budget else None


def _watchdog(parent_pid: int, group_leader: bool) -> None:
    """A daemon thread that ends this process (and its group, if it leads one) when orphaned."""

    def watch() -> None:
        while True:
            time.sleep(_WATCHDOG_INTERVAL)
            if os.getppid() != parent_pid:
                if group_leader and hasattr(os, "killpg"):
                    with contextlib.suppress(OSError):
                        os.killpg(os.getpid(), signal.SIGKILL)  # takes this process too
                os._exit(1)

    thread = threading.Thread(target=watch, name="gate-watchdog", daemon=True)
    thread.start()
    quiet_thread(thread)  # it holds no lock: this process may still fork (gate.processes)


def preload_hardening() -> None:
    """Import what :func:`harden_worker` imports (``ctypes``, ``resource``: a worker's, not the
    gate's) ahead of it: a standby worker does so while it waits for its job."""
    if sys.platform.startswith("linux"):
        import ctypes  # noqa: F401  (kill_with_parent's)
    with contextlib.suppress(ImportError):
        import resource  # noqa: F401  (_limit_memory's)


def harden_worker(parent_pid: int, limits: WorkerLimits, *, group_leader: bool = False) -> None:
    """Apply the memory limit and die-with-parent guards to the calling worker process."""
    _die_with_parent(parent_pid)
    _limit_memory(limits.memory_mb)
    _watchdog(parent_pid, group_leader)

"""The check interface: what every scanner (built-in or plugin) implements.

A check receives a :class:`ScanTarget` (the repository root, the inventoried
files and its slice of the policy) and returns a :class:`CheckResult`. It runs
in its own worker process, so everything here must be picklable; raw secret
values must never be part of a result.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from gate.findings import Finding
from gate.limits import WorkerLimits, preload_hardening

__all__ = ["Check", "CheckError", "CheckResult", "CheckStatus", "HistoryRange", "NotScanned",
           "ScanTarget", "Snapshot", "Stat"]

Stat = tuple[int, int, int]
"""What tells a file changed: size, mtime (ns) and inode."""


class CheckError(Exception):
    """A check could not complete (tool missing, crashed, bad configuration for the tool).

    The runner turns it into a check whose status is ``error``; the policy's
    ``on_error`` decides whether that fails the gate.
    """


@dataclass(frozen=True)
class NotScanned:
    """A file (or requirement) the check looked at but could not judge, and why.

    Reported, never silently dropped: a file bandit cannot parse is not a pass.
    """

    path: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class HistoryRange:
    """The commits a change adds (``base..HEAD``), for checks that also read history.

    Set when a base is known (``--base``, a PR/MR); the secrets check scans
    the lines each of those commits added.
    """

    base: str
    """The merge-base commit id."""
    scopes: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    """(include, exclude) glob pairs a path must all pass (the policy's, then the check's)."""


@dataclass(frozen=True)
class Snapshot:
    """The tree's files as a run found them: content identities, and the stats taken first
    (:mod:`gate.checks.engine.digests`)."""

    ids: Mapping[str, str]
    """Readable file -> content identity (unreadable files are left out)."""
    stats: Mapping[str, Stat]
    """File -> its ``lstat`` taken before its identity (files that could not be stat'ed are
    left out)."""


@dataclass(frozen=True)
class ScanTarget:
    """Everything a check needs to know about what to scan.

    ``files`` are repo-relative POSIX paths, already filtered by the policy's
    include/exclude globs (global and per check) and by the size and binary
    limits. A check picks the ones it understands.
    """

    root: Path
    files: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    """Check-specific policy options (e.g. ``files`` for dependencies, ``frameworks`` for iac)."""
    jobs: int = 1
    vuln_db: Path | None = None
    history: HistoryRange | None = None
    """The change's commits, when a base is known (see :class:`HistoryRange`)."""
    timeout: float | None = None
    cache_dir: Path | None = None
    """The result cache's directory (outside the scanned tree); ``None`` means no cache."""
    cache_ttl: float = 24 * 3600.0
    """Seconds an online answer (PyPI's advisories) stays in the result cache."""
    cpu_tokens: Path | None = None
    """Set by the runner: the CPU tokens all pools share (:mod:`gate.checks.engine.pool`)."""
    limits: WorkerLimits = field(default_factory=WorkerLimits)
    """Memory and per-file time limits of the check's worker processes (:mod:`gate.limits`)."""
    set_aside: tuple[NotScanned, ...] = ()
    """Files this check is not given (binary, or over the policy's ``max_file_size``), with
    why. The check lists the ones it would have scanned as not scanned: never a silent pass."""
    tree: Snapshot | None = field(default=None, repr=False, compare=False)
    """The snapshot the gate took of the run's files before handing them over (with a result
    cache: :func:`gate.checks.engine.digests.survey`); a check whose scans key a cache by
    content takes its identities from it (:func:`~gate.checks.engine.digests.snapshot`)
    instead of taking its own. ``None``: there is none, the check takes its own."""


class CheckStatus:
    """Status strings of a check (kept as plain strings: they go straight into reports)."""

    OK = "ok"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckResult:
    """What a check returns: its findings and everything that limits trust in them."""

    check: str
    tool: str
    tool_version: str
    findings: tuple[Finding, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()
    errors: tuple[str, ...] = ()
    """Why the check did not complete; non-empty means status ``error``."""
    warnings: tuple[str, ...] = ()
    duration: float = 0.0
    files_scanned: int = 0

    @property
    def status(self) -> str:
        """``error`` when the check did not complete, else ``ok``."""
        return CheckStatus.ERROR if self.errors else CheckStatus.OK


class Check(ABC):
    """A scanner behind the gate.

    Subclasses set ``name`` (the id used in policies, ``--checks`` and
    reports) and ``tool``, and implement :meth:`run`. ``run`` raises
    :class:`CheckError` when it cannot complete; per-file problems go into
    ``CheckResult.not_scanned`` instead.
    """

    name: ClassVar[str]
    tool: ClassVar[str]
    description: ClassVar[str] = ""
    reports_unchanged: ClassVar[bool] = False
    """Whether this check's findings can change while no file it reads does (new advisories
    for unchanged pins): in ``mode: new`` it then always runs, and lists the findings of
    files the change did not touch as old, instead of being given no file at all
    (:mod:`gate.triage.scope`)."""
    preload_modules: ClassVar[tuple[str, ...]] = ()
    """Modules every :meth:`run` imports (its scanner's), which :meth:`preload` loads early."""
    reads_history: ClassVar[bool] = True
    """Whether :meth:`run` reads ``target.history`` (the change's commits) when it is set.
    A check that never does says ``False``, so that it can be idle in a run with a base
    (:mod:`gate.checks.idle`)."""
    identifies_files: ClassVar[bool] = False
    """Whether :meth:`run` keys its cache by the content identities of its files
    (:func:`gate.checks.engine.digests.snapshot`): with a result cache, the gate then
    takes the tree's snapshot once for every such check (``target.tree``)."""

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        """Whether this check could read ``path`` (with its policy ``options``).

        Used to write only the files a check needs when the base of a change is
        materialised from git's object store. The default, every file, is always
        correct; a check that picks its files by name narrows it.
        """
        return True

    @classmethod
    def reads_any(cls, paths: Iterable[str], tree: Sequence[str],
                  options: Mapping[str, Any]) -> bool:
        """Whether a change to any of ``paths`` can change this check's result over a tree of
        ``tree`` files (the base and head scans use it to skip a check the change does not
        concern). The default asks :meth:`reads` of each path; a check that also reads files
        it cannot name one by one (a Helm chart's ``files/``) overrides it."""
        return any(cls.reads(path, options) for path in paths)

    @classmethod
    def preload(cls) -> None:
        """Load, ahead of :meth:`run`, what every run of this check needs: its scanner's
        modules, patterns it compiles whatever the target.

        Called in a standby worker (:mod:`gate.standby`) while the gate is still
        planning the run, before the check's target, policy and limits exist: it
        must read nothing from the scanned tree and change nothing outside its own
        process. A failure is ignored there (:meth:`run` meets it again and
        reports it). The default imports :attr:`preload_modules`, and what the
        worker imports to harden itself when the job arrives
        (:func:`gate.limits.preload_hardening`).
        """
        for module in cls.preload_modules:
            importlib.import_module(module)
        preload_hardening()

    def nothing_to_read(self, target: ScanTarget) -> CheckResult:
        """The result of a run of ``target`` in which no file satisfies :meth:`reads` (none in
        ``files`` nor in ``set_aside``, and no history to read).

        The runner asks for it instead of starting a worker for the check, so
        it must be what :meth:`run` returns for such a target (timing aside);
        a check whose run warns when it finds nothing overrides it to say so.
        """
        return CheckResult(check=self.name, tool=self.tool, tool_version=self.tool_version())

    @abstractmethod
    def tool_version(self) -> str:
        """The version of the underlying tool (goes into reports and cache keys)."""

    @abstractmethod
    def run(self, target: ScanTarget) -> CheckResult:
        """Scan ``target`` and return the result; raise :class:`CheckError` on failure."""

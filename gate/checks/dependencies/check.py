"""The ``dependencies`` check: known vulnerabilities in pinned Python dependencies.

It reads manifests as data (never installs or builds the project, whose
``setup.py`` is untrusted code) and asks a pip-audit vulnerability service
about each exact pin: an offline OSV database when ``--vuln-db`` names one or
``gate db update`` wrote one, else PyPI's JSON API, pip-audit's default.

The class is cheap to import (the parent process asks it :meth:`DependenciesCheck.reads`
and its tool version before any worker starts): the manifest readers, the offline
database and the result cache are imported by :meth:`DependenciesCheck.run`, and
pip-audit with ``requests`` only when the online service is asked
(:mod:`gate.checks.dependencies.audit`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import gate
from gate.checks.dependencies.names import INCLUDABLE_SUFFIXES, ManifestKind, manifest_kind
from gate.checks.interface import Check, CheckError, CheckResult, NotScanned, ScanTarget
from gate.versions import PackageNotFoundError, installed_version

if TYPE_CHECKING:
    from gate.checks.dependencies.audit import AuditOutcome
    from gate.checks.dependencies.model import Pin

__all__ = ["DependenciesCheck"]

_MODULES = (*(f"gate.checks.dependencies.{m}" for m in (
    "audit", "check", "coverage", "lockfiles", "manifests", "model", "names", "offline",
    "osv_index", "osv_record", "osv_source", "requirements", "results", "severity")),
    "gate.findings")
"""The code that shapes a dependencies finding: its source goes into the result cache's key."""

ServiceFactory = Callable[[float | None], Any]
"""Builds the online service from the per-check timeout (tests pass a loopback one)."""


def _patterns(options: dict[str, Any]) -> list[str] | None:
    """The policy's ``files`` option: ``None`` (discover) or a list of paths/globs.

    Absent and empty both mean "discover": the policy model's default is ``[]``.
    """
    value = options.get("files")
    if not value:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip()
                                                       for v in value):
        raise CheckError("dependencies: option 'files' must be a list of paths or globs")
    return [v.strip() for v in value]


NO_MANIFEST = ("no dependency manifest found (requirements*.txt, pyproject.toml, pylock.toml, "
               "poetry.lock, uv.lock)")


class DependenciesCheck(Check):
    """Audits pinned dependencies in requirements files, pyproject.toml and lock files."""

    name = "dependencies"
    reads_history = False
    reports_unchanged = True  # an advisory published today is about a pin nobody touched
    tool = "pip-audit"
    description = "known vulnerabilities (OSV/PyPI advisories) in pinned Python dependencies"

    def __init__(self, online_service: ServiceFactory | None = None) -> None:
        """``online_service`` replaces pip-audit's ``PyPIService`` (for tests and mirrors)."""
        self._online_service = online_service

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        """Manifests by name, and any text file a ``-r``/``-c`` include could name; everything
        when the policy lists its own ``files`` (a listed pattern that matches nothing is
        reported by :meth:`run`, so the check must run whatever the tree holds).

        Without ``files``, the check reads nothing unless a manifest is found by name: an
        include (of any name) is only ever read through a manifest that named it."""
        if options.get("files"):  # as _patterns: absent and empty both mean "discover"
            return True
        return manifest_kind(path) is not None or path.endswith(INCLUDABLE_SUFFIXES)

    def nothing_to_read(self, target: ScanTarget) -> CheckResult:
        """No manifest among the files: the run's warning, and nothing else."""
        return CheckResult(check=self.name, tool=self.tool, tool_version=self.tool_version(),
                           warnings=(NO_MANIFEST,))

    def tool_version(self) -> str:
        """pip-audit's version (its installed metadata: pip-audit itself is not imported, an
        offline run never needs it): its service layer is what answers the queries."""
        try:
            return installed_version("pip-audit")
        except PackageNotFoundError as exc:
            raise CheckError(f"pip-audit is not installed: {exc}") from exc

    def _factory(self) -> ServiceFactory:
        """The online service's factory: the one given, else pip-audit's ``PyPIService``."""
        if self._online_service is not None:
            return self._online_service
        from gate.checks.dependencies.audit import pypi_service

        return pypi_service

    def _manifests(self, target: ScanTarget
                   ) -> tuple[Sequence[tuple[str, ManifestKind]], list[NotScanned]]:
        """Manifests from the policy's ``files`` option, else discovered by name."""
        from gate.checks.dependencies.manifests import discover_manifests, select_manifests

        patterns = _patterns(target.options)
        if patterns is None:
            return discover_manifests(target.files), []
        return select_manifests(target.root, target.files, patterns)

    def _service(self, target: ScanTarget) -> tuple[Any, list[str]]:
        """The vulnerability service for this run, and warnings about it."""
        from gate.checks.dependencies.offline import OfflineOsvService, cached_database

        if target.vuln_db is None:
            return self._factory()(target.timeout), []
        if target.cache_dir is not None:  # read package by package through a remembered index
            from gate.checks.dependencies.osv_index import indexed_database

            database: Any = indexed_database(target.vuln_db, target.cache_dir)
        else:
            database = cached_database(target.vuln_db)
        stats = database.stats
        warnings = []
        if stats.unreadable:
            example = f" (first: {stats.problems[0]})" if stats.problems else ""
            warnings.append(f"offline vulnerability database: {stats.unreadable} unreadable "
                            f"file(s) skipped{example}")
        return OfflineOsvService(database), warnings

    def _audit(self, target: ScanTarget, pins: Sequence[Pin]) -> tuple[AuditOutcome, list[str]]:
        """Ask the vulnerability service about every pin; fail closed when it cannot answer."""
        from gate.checks.dependencies.audit import audit
        from gate.checks.dependencies.model import VulnerabilityServiceError

        service, warnings = self._service(target)
        try:
            return audit(service, pins, online=target.vuln_db is None), warnings
        except VulnerabilityServiceError as exc:
            if target.vuln_db is not None:
                raise
            raise VulnerabilityServiceError(
                f"{exc}. Without vulnerability data the check cannot pass: allow HTTPS to "
                "pypi.org, or set vuln_db to an offline OSV database") from exc

    def _audit_cached(self, target: ScanTarget,
                      pins: Sequence[Pin]) -> tuple[AuditOutcome, list[str]]:
        """:meth:`_audit`, answered from the result cache when the same pins were audited.

        The key is the pin set (with where each is written) and the database's
        identity: an offline database's files, or the online service, whose
        answers expire after ``target.cache_ttl`` seconds (new advisories appear).
        """
        if target.cache_dir is None:
            return self._audit(target, pins)
        from gate.cache import open_cache
        from gate.cache.codec import CodecError, decode_file_result, encode_file_result
        from gate.cache.identity import path_identity
        from gate.cache.keys import code_identity, key_for
        from gate.checks.dependencies.audit import AuditOutcome

        cache = open_cache(target.cache_dir)
        factory = self._factory()
        service = (path_identity(target.vuln_db) if target.vuln_db is not None else
                   f"{getattr(factory, '__module__', '')}."
                   f"{getattr(factory, '__qualname__', type(factory).__qualname__)}")
        key = key_for(self.name, {
            "pins": sorted((p.canonical_name, p.name, str(p.version), p.path, p.line or 0)
                           for p in pins),
            "service": service, "tool": self.tool_version(), "gate": gate.__version__,
            "code": code_identity(_MODULES)})
        online = target.vuln_db is None
        cached = cache.get(key, max_age=target.cache_ttl if online else None)
        if isinstance(cached, dict):
            try:
                findings, skipped = decode_file_result(cached["outcome"])
                return AuditOutcome(findings, skipped), [str(w) for w in cached["warnings"]]
            except (CodecError, KeyError, TypeError):
                pass
        outcome, warnings = self._audit(target, pins)
        cache.put(key, {"outcome": encode_file_result(outcome.findings, outcome.not_scanned),
                        "warnings": warnings})
        return outcome, warnings

    def run(self, target: ScanTarget) -> CheckResult:
        """Read the manifests, audit every exact pin, report the rest as not audited."""
        from gate.checks.dependencies.audit import AuditOutcome
        from gate.checks.dependencies.coverage import judge_unanswered
        from gate.checks.dependencies.manifests import read_manifests
        from gate.checks.dependencies.model import VulnerabilityServiceError
        from gate.checks.dependencies.offline import resolve_database
        from gate.checks.dependencies.vulndb.location import DEFAULT_MAX_AGE_DAYS

        started = time.monotonic()
        max_age = target.options.get("vuln_db_max_age", DEFAULT_MAX_AGE_DAYS)
        vuln_db, db_warnings = resolve_database(target.vuln_db, float(max_age))
        target = replace(target, vuln_db=vuln_db)
        if target.vuln_db is not None and not target.vuln_db.exists():
            raise VulnerabilityServiceError(
                f"vulnerability database {target.vuln_db} does not exist")
        manifests, unmatched = self._manifests(target)
        scan = read_manifests(target.root, manifests)
        warnings: list[str] = []
        errors: tuple[str, ...] = ()
        outcome = AuditOutcome()
        if scan.pins:
            outcome, warnings = self._audit_cached(target, scan.pins)
            errors, gaps = judge_unanswered(
                outcome.not_scanned, len({(p.canonical_name, str(p.version), p.path, p.line)
                                          for p in scan.pins}),
                str(target.options.get("not_scanned", "auto")))
            warnings = [*db_warnings, *warnings, *gaps]
        elif not manifests:
            warnings.append(NO_MANIFEST)
        return CheckResult(
            check=self.name,
            tool=self.tool,
            tool_version=self.tool_version(),
            findings=outcome.findings,
            not_scanned=(*unmatched, *scan.not_scanned, *outcome.not_scanned,
                         *(n for n in target.set_aside if manifest_kind(n.path) is not None)),
            warnings=tuple(warnings),
            errors=errors,
            duration=time.monotonic() - started,
            files_scanned=len(scan.files_read),
        )

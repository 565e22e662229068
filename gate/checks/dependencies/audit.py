"""Asking a pip-audit ``VulnerabilityService`` about pins, failing closed on any service error.

Each distinct ``name==version`` is queried once, however many manifests pin
it; each pin then gets its own findings (one per manifest location). The
online service is pip-audit's ``PyPIService``; its failures (no network, a
timeout, a malformed answer) become :class:`VulnerabilityServiceError`, so an
unreachable feed makes the check an error, never an empty pass.

pip-audit and ``requests`` are imported only for the online service: an offline
database is asked with the gate's own :class:`Query` (pip-audit's
``ResolvedDependency`` shape) and raises nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packaging.version import Version

from gate.checks.dependencies.model import NO_ANSWER, Pin, VulnerabilityServiceError, not_audited
from gate.checks.dependencies.results import advisory_from_result, merge_aliases, to_finding
from gate.checks.interface import NotScanned
from gate.findings import Finding

__all__ = ["MAX_REQUEST_TIMEOUT", "AuditOutcome", "Query", "audit", "online_errors",
           "pypi_service"]

MAX_REQUEST_TIMEOUT = 30.0
"""Seconds per PyPI request at most: the check's own timeout (600 s by default) bounds the
whole check, and one hung request should fail with a clear message long before that."""


@dataclass(frozen=True)
class AuditOutcome:
    """Findings for the pins, and pins the service could not judge."""

    findings: tuple[Finding, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()


@dataclass(frozen=True)
class Query:
    """One pin as the offline service is asked about it (pip-audit's ``ResolvedDependency``
    shape, without importing pip-audit)."""

    name: str
    version: Version

    @property
    def canonical_name(self) -> str:
        """The name, already canonical (pins are keyed by their canonical name)."""
        return self.name

    def is_skipped(self) -> bool:
        """A query is never a skipped dependency (the service answers with one)."""
        return False


def pypi_service(timeout: float | None) -> Any:
    """pip-audit's default online service (PyPI's JSON API) with a per-request timeout."""
    from pip_audit._service import PyPIService

    per_request = MAX_REQUEST_TIMEOUT if timeout is None else min(timeout, MAX_REQUEST_TIMEOUT)
    return PyPIService(timeout=per_request)


def online_errors() -> tuple[type[BaseException], ...]:
    """What pip-audit's online services raise when they cannot answer."""
    import requests
    from pip_audit._service import ServiceError

    return ServiceError, requests.RequestException


def audit(service: Any, pins: Sequence[Pin], *, online: bool = False) -> AuditOutcome:
    """Query ``service`` once per distinct pin; a service failure raises a CheckError.

    ``online``: the service is pip-audit's (or stands in for it): it is asked with
    pip-audit's ``ResolvedDependency`` and its errors (:func:`online_errors`) are caught.
    """
    wanted = {(p.canonical_name, p.version): p for p in pins}
    errors: tuple[type[BaseException], ...] = (ValueError, KeyError, TypeError)
    spec: Any = Query
    if online:
        from pip_audit._service import ResolvedDependency

        spec, errors = ResolvedDependency, (*online_errors(), *errors)
    specs = (spec(name=name, version=version) for name, version in wanted)
    answers: dict[tuple[str, str], list[Any] | str] = {}
    try:
        # query_all answers in query order; a skipped answer carries no version to key it by
        for (name, version), (dep, results) in zip(wanted, service.query_all(specs), strict=False):
            answers[(name, str(version))] = (
                str(dep.skip_reason) if dep.is_skipped() else list(results))
    except errors as exc:
        raise VulnerabilityServiceError(
            f"vulnerability service {type(service).__name__} failed: {exc or type(exc).__name__}"
        ) from exc
    findings: dict[tuple[str, str, str, str], Finding] = {}
    skipped: list[NotScanned] = []
    for pin in pins:
        answer = answers.get((pin.canonical_name, str(pin.version)))
        if answer is None or isinstance(answer, str):
            why = answer or "the vulnerability service returned no answer for it"
            skipped.append(not_audited(pin.path, f"{NO_ANSWER} {pin.name}=={pin.version}: {why}",
                                       pin.line))
            continue
        for advisory in merge_aliases(advisory_from_result(r) for r in answer):
            finding = to_finding(pin, advisory)
            key = (finding.rule_id, pin.path, pin.canonical_name, str(pin.version))
            findings.setdefault(key, finding)  # the same pin twice in one file: first line wins
    return AuditOutcome(findings=tuple(findings.values()), not_scanned=tuple(skipped))

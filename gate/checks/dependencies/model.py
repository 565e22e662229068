"""The data the dependencies check passes between its modules.

Manifest readers produce :class:`Pin` objects (one exact ``name==version`` at a
known place) and :class:`~gate.checks.interface.NotScanned` entries for
everything they could not turn into a pin. Vulnerability services never see a
manifest, and manifest readers never see a service: this module is the seam.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.version import Version

from gate.checks.interface import CheckError, NotScanned

__all__ = ["NO_ANSWER", "ManifestScan", "Pin", "VulnerabilityServiceError", "excerpt", "not_audited"]

_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")
_MAX_EXCERPT = 120


class VulnerabilityServiceError(CheckError):
    """The vulnerability data could not be obtained (offline DB unusable, PyPI unreachable).

    A subclass of :class:`CheckError` so the runner fails closed on it: a gate
    that cannot look advisories up must not pass.
    """


@dataclass(frozen=True)
class Pin:
    """One exact requirement found in a manifest.

    ``path`` and ``line`` are where the pin is written (for ``-r`` includes,
    the included file), so a finding points at the line to edit.
    """

    name: str
    """The name as written (``PyYAML``); use :attr:`canonical_name` to compare."""
    version: Version
    path: str
    line: int | None = None

    @property
    def canonical_name(self) -> str:
        """The PEP 503 name (``pyyaml``): advisories are indexed by it."""
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class ManifestScan:
    """Everything read from the repository's manifests."""

    pins: tuple[Pin, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()
    files_read: tuple[str, ...] = ()
    """Repo-relative paths of the manifests actually read (includes followed)."""
    ranges: tuple[tuple[str, NotScanned], ...] = ()
    """``pyproject.toml`` requirements that are ranges, not pins: (canonical name, the
    not-audited entry). A lock file read beside (or above) it that pins the package covers
    it: the entry is dropped, the lock's pin is what gets audited."""


def excerpt(text: str) -> str:
    """Manifest text fit for a report: one line, URL credentials masked, shortened.

    Requirement lines can carry index URLs with ``user:token@host`` credentials,
    and reports may be public (a PR comment).
    """
    one_line = _URL_CREDENTIALS.sub("***@", " ".join(text.split()))
    return one_line if len(one_line) <= _MAX_EXCERPT else one_line[: _MAX_EXCERPT - 1] + "…"


NO_ANSWER = "no answer from the vulnerability service for"
"""Marks a pin the service could not judge (``not_scanned`` counts these; ``docs/policy.md``)."""


def not_audited(path: str, why: str, line: int | None = None) -> NotScanned:
    """A :class:`NotScanned` with the ``not audited:`` prefix every reason of this check carries."""
    return NotScanned(path=path, reason=f"not audited: {why}", line=line)

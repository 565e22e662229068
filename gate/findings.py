"""The one data model every stage shares: a normalised finding.

Every check, whatever its tool, turns what it found into :class:`Finding`
objects. Nothing downstream (triage, verdict, reports, publishing) ever looks
at a tool's own output again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field, fields
from datetime import date
from enum import IntEnum
from typing import Any

__all__ = [
    "CONTEXTS",
    "Confidence",
    "Finding",
    "FlowStep",
    "Location",
    "RelatedLocation",
    "Severity",
    "Suppression",
    "content_fingerprint",
    "secret_fingerprint",
]


class Severity(IntEnum):
    """One severity scale for all checks, ordered so that ``>=`` means "at least as bad"."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Parse a case-insensitive severity name; raise ``ValueError`` on anything else."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None

    @property
    def label(self) -> str:
        """The lower-case name used in policies and reports."""
        return self.name.lower()


class Confidence(IntEnum):
    """How sure the tool is; only some tools have an opinion (bandit does)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, value: str) -> Confidence:
        """Parse a case-insensitive confidence name; raise ``ValueError`` on anything else."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(c.label for c in cls)
            raise ValueError(f"unknown confidence {value!r} (expected one of: {names})") from None

    @property
    def label(self) -> str:
        """The lower-case name used in policies and reports."""
        return self.name.lower()


@dataclass(frozen=True)
class Location:
    """Where a finding is: a repo-relative POSIX path and an inclusive line span.

    Lines are ``None`` for findings about a whole file (a dependency manifest
    whose requirement line is unknown, say).
    """

    path: str
    start_line: int | None = None
    end_line: int | None = None


CONTEXTS: tuple[str, ...] = ("code", "test", "docs", "example", "ci", "generated", "vendored", "iac")
"""Where a finding lives, decided from its path (``gate/triage/context.py``) and the policy's
``contexts:`` globs. The policy can set ``fail_on`` per context."""


@dataclass(frozen=True)
class RelatedLocation:
    """Another place that explains a finding: the resource an IaC setting points at, the
    ``module`` call a Terraform resource was instantiated through (SARIF ``relatedLocations``,
    "via" in Markdown)."""

    location: Location
    message: str


@dataclass(frozen=True)
class FlowStep:
    """One step of a dataflow path from a source to a sink (SARIF ``codeFlows``)."""

    location: Location
    message: str


@dataclass(frozen=True)
class Suppression:
    """Why a finding does not count against the gate.

    ``kind`` is one of ``inline`` (a comment or metadata in the scanned file),
    ``waiver`` (the policy), or ``baseline``. Checks may attach an ``inline``
    suppression they saw in the source; the triage stage decides whether the
    policy honours it.
    """

    kind: str
    reason: str | None = None
    source: str | None = None
    """Who or where: the comment text's location, the waiver's owner, the baseline file."""
    expires: date | None = None
    rules: tuple[str, ...] = ()
    """Rule ids the suppression names (empty for a bare ``# nosec``)."""


@dataclass(frozen=True)
class Finding:
    """A single normalised finding.

    ``fingerprint`` identifies the finding across runs without using line
    numbers, so that moving code does not make an old finding look new. Use
    :func:`content_fingerprint` or :func:`secret_fingerprint` to build it.
    """

    check: str
    rule_id: str
    severity: Severity
    message: str
    location: Location
    fingerprint: str
    title: str | None = None
    confidence: Confidence | None = None
    help_url: str | None = None
    cwe: tuple[str, ...] = ()
    """CWE ids in ``CWE-78`` form."""
    aliases: tuple[str, ...] = ()
    """Other ids for the same thing: CVE/GHSA for advisories, Checkov ids for IaC rules."""
    fix: str | None = None
    """A one-line hint on how to fix it."""
    package: str | None = None
    version: str | None = None
    fixed_versions: tuple[str, ...] = ()
    suppression: Suppression | None = None
    new: bool | None = None
    """Whether the finding is absent on the base ref; ``None`` when there is no base."""
    extra: tuple[tuple[str, str], ...] = field(default=())
    """Check-specific string facts (e.g. the IaC resource name), kept hashable."""
    context: str = "code"
    """One of :data:`CONTEXTS`; set by triage from the path, not by checks."""
    related: tuple[RelatedLocation, ...] = ()
    flow: tuple[FlowStep, ...] = ()
    """Source to sink, in order, for dataflow findings; empty otherwise."""

    @property
    def suppressed(self) -> bool:
        """True when triage (or an inline marker the policy honours) suppressed it."""
        return self.suppression is not None

    def changed(self, **fields: Any) -> Finding:
        """This finding with ``fields`` replaced: :func:`dataclasses.replace` without its
        per-call walk of the fields (judging changes every finding of a run two or three
        times: 47,000 on Saleor). A name that is not a field raises :class:`TypeError`."""
        unknown = fields.keys() - _FINDING_FIELDS
        if unknown:
            raise TypeError(f"Finding has no field {sorted(unknown)[0]!r}")
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__, **fields)
        return new

    @property
    def path(self) -> str:
        """Shortcut for ``location.path``."""
        return self.location.path

    @property
    def start_line(self) -> int | None:
        """Shortcut for ``location.start_line``."""
        return self.location.start_line

    @property
    def end_line(self) -> int | None:
        """Shortcut for ``location.end_line``."""
        return self.location.end_line


_WS = re.compile(r"\s+")


_FINDING_FIELDS = frozenset(f.name for f in fields(Finding))


def _normalise(content: str) -> str:
    """Collapse all whitespace so re-indenting or re-wrapping code keeps the fingerprint."""
    return _WS.sub(" ", content).strip()


def content_fingerprint(check: str, rule_id: str, path: str, content: str) -> str:
    """Fingerprint from the tool, rule, path and the flagged content (never the line number)."""
    h = hashlib.sha256()
    for part in (check, rule_id, path, _normalise(content)):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


# The key only has to make the fingerprint useless as a password-cracking
# oracle: detect-secrets' own ``hashed_secret`` is an unsalted SHA-1, which
# falls to a dictionary attack in seconds. Using a slow, salted, keyed KDF
# means a published fingerprint costs an attacker a PBKDF2 run per guess per
# location. Teams that want more set ``GATE_FINGERPRINT_KEY`` in CI.
_DEFAULT_SECRET_KEY = b"gate-secret-fingerprint-v1"
_SECRET_KDF_ITERATIONS = 20_000


def secret_fingerprint(check: str, rule_id: str, path: str, secret: str) -> str:
    """Fingerprint for a secret: a keyed, salted, slow hash; the value is never stored."""
    key = os.environ.get("GATE_FINGERPRINT_KEY", "").encode() or _DEFAULT_SECRET_KEY
    salt = hmac.new(key, f"{check}\x00{rule_id}\x00{path}".encode(), hashlib.sha256).digest()
    derived = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8", "surrogatepass"), salt,
                                  _SECRET_KDF_ITERATIONS)
    return derived.hex()[:32]

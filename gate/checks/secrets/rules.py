"""Severity of each detect-secrets type (detect-secrets has none), the ranking between
detectors, and what a finding says when one of our detectors rated it.

The table is documented, with its reasons, in ``docs/checks/secrets.md``;
keep the two in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gate.checks.secrets.detectors.interface import Classification, Note
from gate.findings import Severity

__all__ = ["GENERIC_TYPES", "KNOWN_TYPES", "OUR_PREFIX", "cwe_for", "finding_fields", "rank",
           "severity_for"]

OUR_PREFIX = "GATE-SECRET-"
"""Rule ids of the gate's own detectors (detect-secrets' types are plain names)."""

_CRITICAL = frozenset({
    # A private key or a cloud provider account credential opens infrastructure
    # directly, is harvested from public repositories within minutes, and has
    # no remedy but rotation.
    "Private Key",
    "AWS Access Key",
    "Azure Storage Account access key",
    "IBM Cloud IAM Key",
    "IBM COS HMAC Credentials",
    "SoftLayer Credentials",
})

_HIGH = frozenset({
    # A live credential for one service: serious, but scoped to that service.
    "Artifactory Credentials",
    "Basic Auth Credentials",
    "Cloudant Credentials",
    "Discord Bot Token",
    "GitHub Token",
    "GitLab Token",
    "JSON Web Token",
    "Mailchimp Access Key",
    "NPM tokens",
    "OpenAI Token",
    "PyPI Token",
    "SendGrid API Key",
    "Slack Token",
    "Square OAuth Secret",
    "Stripe Access Key",
    "Telegram Bot Token",
    "Twilio API Key",
})

GENERIC_TYPES = frozenset({
    # Heuristics rather than a known credential format: often a real secret,
    # often a hash, a test vector or a placeholder.
    "Secret Keyword",
    "Base64 High Entropy String",
    "Hex High Entropy String",
})

_LOW = frozenset({
    # Not a credential: worth knowing, rarely worth blocking a merge.
    "Public IP (ipv4)",
})

KNOWN_TYPES = _CRITICAL | _HIGH | GENERIC_TYPES | _LOW
"""Every type the table rates; a test checks it covers all of detect-secrets' built-in plugins."""

UNKNOWN_SEVERITY = Severity.HIGH
"""A type added by a newer detect-secrets: it is a specific format, so assume it matters."""


def severity_for(secret_type: str) -> Severity:
    """The gate severity of a detect-secrets type (unknown types fail closed at ``high``)."""
    if secret_type in _CRITICAL:
        return Severity.CRITICAL
    if secret_type in _HIGH:
        return Severity.HIGH
    if secret_type in GENERIC_TYPES:
        return Severity.MEDIUM
    if secret_type in _LOW:
        return Severity.LOW
    return UNKNOWN_SEVERITY


def cwe_for(secret_type: str) -> tuple[str, ...]:
    """CWE-798 (hard-coded credentials) for every credential type; nothing for an IP address."""
    return () if secret_type in _LOW else ("CWE-798",)


def rank(secret_type: str) -> tuple[int, int, int]:
    """Sort key to pick one type when several detectors flag the same value on one line.

    Our own detector wins (it knows the format: checksum, example values);
    then the most severe; at equal severity a specific format beats a heuristic.
    """
    return (1 if secret_type.startswith(OUR_PREFIX) else 0, int(severity_for(secret_type)),
            0 if secret_type in GENERIC_TYPES else 1)


_FIX = "Remove it from the repository and its history, rotate it, and load it at run time."


def finding_fields(types: Sequence[str], note: Note | None) -> dict[str, Any]:
    """The rule-dependent fields of a secrets :class:`~gate.findings.Finding`.

    ``types`` are every detector that flagged this value on this line, the
    winner (:func:`rank`) first; ``note`` is how the gate rated it, if it did.
    The other types stay in ``aliases`` and ``extra["also_detected_as"]``, so
    every detect-secrets hit is still in the report.
    """
    kind, others = types[0], tuple(types[1:])
    extra: list[tuple[str, str]] = []
    if others:
        extra.append(("also_detected_as", ", ".join(others)))
    fields: dict[str, Any] = {
        "rule_id": kind, "severity": severity_for(kind), "message": f"{kind} found",
        "title": kind, "cwe": cwe_for(kind), "fix": _FIX, "aliases": others}
    if note is None:
        fields["extra"] = tuple(extra)
        return fields
    extra.append(("classification", note.classification.value))
    if note.reason:
        extra.append(("reason", note.reason))
    if note.live_format:
        extra.append(("live_format", "true"))
    if note.classification is Classification.DEV_CREDENTIAL:
        extra.append(("dev_credential", "true"))
    if note.verified is not None:
        extra.append(("verified", note.verified))
    fields["severity"] = note.severity
    detector = note.detector
    if detector is not None:
        extra.insert(0, ("provider", detector.provider))
        fields.update(title=detector.title, help_url=detector.help_url, cwe=("CWE-798",),
                      fix=f"{detector.revoke} {_FIX}",
                      message=f"{detector.title} ({note.classification.value})")
    else:
        fields["message"] = f"{kind} found ({note.classification.value})"
    fields["extra"] = tuple(extra)
    return fields

"""Severity of each detect-secrets type (detect-secrets has none) and the ranking between them.

The table is documented, with its reasons, in ``docs/checks/secrets.md``;
keep the two in step.
"""

from __future__ import annotations

from gate.findings import Severity

__all__ = ["GENERIC_TYPES", "KNOWN_TYPES", "cwe_for", "rank", "severity_for"]

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


def rank(secret_type: str) -> tuple[int, int]:
    """Sort key to pick one type when several detectors flag the same value on one line.

    The most severe wins; at equal severity a specific format beats a heuristic.
    """
    return (int(severity_for(secret_type)), 0 if secret_type in GENERIC_TYPES else 1)

"""Values that look like credentials and are not: placeholders, documented examples, digests.

Used two ways: on a value one of our detectors matched (a ``ghp_xxxx...``
placeholder never fails), and on a value detect-secrets reports alone (a
``password = "changeme"`` keyword hit is a ``low`` placeholder). Only the
value and its own line are looked at.
"""

from __future__ import annotations

import re

from gate.checks.secrets.detectors.aws import EXAMPLES as AWS_EXAMPLES
from gate.checks.secrets.detectors.interface import Classification

__all__ = ["DOCUMENTED_EXAMPLES", "digest_reason", "placeholder_reason"]

DOCUMENTED_EXAMPLES = frozenset(AWS_EXAMPLES)
"""Exact values providers publish as examples (more are recognised by the markers below)."""

_PLACEHOLDER = re.compile(
    r"(?i)(?:x{5,}|\*{3,}|#{4,}|\.\.\.|…|<[^<>]{1,80}>|\$\{[^}]{0,80}\}|\$\([^)]{0,80}\)"
    r"|\{\{.{0,80}?\}\}|%\([^)]{0,40}\)s|%[A-Z_]{3,}%"
    r"|example|sample|dummy|placeholder|redacted|fake|notreal|not[_-]a[_-]real"
    r"|replace[_-]?(?:me|this|with)|change[_-]?(?:me|it|this)|your[_-]|[_-]here\b|insert[_-]"
    r"|put[_-]your|todo|fixme|test[_-]?(?:token|key|secret|password)|secret[_-]?here"
    r"|0123456789|123456789|abcdefgh|qwerty)"
)
_ENV_REFERENCE = re.compile(r"^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$")
_REPEATED = re.compile(r"(.)\1{7,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}")
_DIGEST_CONTEXT = re.compile(
    r"(?i)(?:sha(?:1|224|256|384|512)?|md5|integrity|checksum|digest|commit|rev(?:ision)?|hash"
    r"|etag|fingerprint)")


def placeholder_reason(value: str) -> Classification | None:
    """``EXAMPLE``/``PLACEHOLDER`` when the value is a documentation or template stand-in."""
    if value in DOCUMENTED_EXAMPLES or "EXAMPLE" in value:
        return Classification.EXAMPLE
    if _ENV_REFERENCE.match(value) or _PLACEHOLDER.search(value) or _REPEATED.search(value):
        return Classification.PLACEHOLDER
    return None


def digest_reason(value: str, line: str) -> Classification | None:
    """``DIGEST`` for a UUID, an integrity/image digest, or a hex digest named as one on its line."""
    if _UUID.fullmatch(value):
        return Classification.DIGEST
    if re.search(r"(?i)(?:sha(?:1|224|256|384|512)[:-]|md5[:-])" + re.escape(value), line):
        return Classification.DIGEST
    if _HEX_DIGEST.fullmatch(value) and _DIGEST_CONTEXT.search(line):
        return Classification.DIGEST
    return None

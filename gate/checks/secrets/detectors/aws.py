"""Amazon Web Services: access key ids, secret access keys, session tokens.

Source: AWS IAM "Understanding unique ID prefixes" (``AKIA`` access key,
``ASIA`` temporary key, ``ABIA`` STS service bearer token, ``ACCA``
context-specific credential) and "Managing access keys" (a secret access
key is 40 characters next to its key id). Key ids are base32: only
``A-Z`` and ``2-7`` after the prefix.
"""

from __future__ import annotations

import base64
import binascii

from gate.checks.secrets.detectors.common import assigned, entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector, Validation
from gate.checks.secrets.detectors.lazyre import lazy
from gate.findings import Severity

__all__ = ["DETECTORS", "account_id"]

_HELP = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"
_REVOKE = ("Deactivate and delete the key in IAM (Users > Security credentials > Access keys), "
           "then review CloudTrail for its use.")
EXAMPLES = ("AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
            "0PN5J17HBGZHT7JJ3X82", "uV3F3YluFJax1cknvbcGwgjvx4QpvB+leU8dUj2o")
"""Published in AWS's own documentation: the IAM user guide and CLI configuration guide, and
the Amazon S3 Developer Guide's request-signing examples (2006-03-01, the last pair), which
client libraries' signing tests still reproduce (Scrapy, boto)."""
_BASE32 = lazy(r"[A-Z2-7]{16}")


def account_id(key_id: str) -> str | None:
    """The 12-digit AWS account id encoded in an access key id (``AKIA...``), when decodable."""
    try:
        body = key_id[4:]
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        return None
    number = (int.from_bytes(raw[:6], "big") & 0x7FFFFFFFFF80) >> 7
    return f"{number:012d}"


def _key_id(value: str) -> Validation:
    if not _BASE32.fullmatch(value[4:]):
        return Validation(False, "not base32 after the prefix: not an AWS key id")
    account = account_id(value)
    return Validation(True, f"account {account}" if account else "")


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-AWS-ACCESS-KEY-ID", provider="AWS",
        title="AWS access key id (long-term)", severity=Severity.CRITICAL,
        pattern=rx(r"(?:AKIA|ABIA|ACCA)[A-Z0-9]{16}"), anchors=("akia", "abia", "acca"),
        help_url=_HELP, revoke=_REVOKE, validator=_key_id, examples=EXAMPLES),
    Detector(
        rule_id="GATE-SECRET-AWS-TEMPORARY-KEY-ID", provider="AWS",
        title="AWS temporary access key id (STS)", severity=Severity.HIGH,
        pattern=rx(r"ASIA[A-Z0-9]{16}"), anchors=("asia",),
        help_url=_HELP, revoke="Revoke the role's active sessions (IAM > Roles > Revoke "
        "sessions) and find what issued them.", validator=_key_id, examples=EXAMPLES),
    Detector(
        rule_id="GATE-SECRET-AWS-SECRET-ACCESS-KEY", provider="AWS",
        title="AWS secret access key", severity=Severity.CRITICAL,
        pattern=assigned(r"aws[\w.-]{0,20}?(?:secret|sk\b|private)", r"[A-Za-z0-9/+]{40}"),
        anchors=("aws",), help_url=_HELP, revoke=_REVOKE,
        validator=entropy_validator(4.0), examples=EXAMPLES),
    Detector(
        rule_id="GATE-SECRET-AWS-SESSION-TOKEN", provider="AWS",
        title="AWS session token", severity=Severity.HIGH,
        pattern=assigned(r"aws[\w.-]{0,10}?session[\w.-]{0,3}?token", r"[A-Za-z0-9/+=]{100,}"),
        anchors=("aws",), help_url=_HELP,
        revoke="Revoke the role's active sessions (IAM > Roles > Revoke sessions).",
        validator=entropy_validator(4.5)),
)

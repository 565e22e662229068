"""Generic web credentials: JSON Web Tokens and passwords in URLs.

JWTs (RFC 7519) are decoded, never verified: an unsigned token
(``alg: none``) or one whose ``exp`` has passed is rated ``low``.
A URL's ``user:password@host`` is a development credential (``low``) when
the host only exists on a laptop or in a CI job: loopback, a reserved
test/example name (RFC 2606, RFC 6761: ``*.test``, ``*.example``,
``*.invalid``, ``*.localhost``, ``example.com``/``.net``/``.org``), mDNS
``*.local``, or a single-label name (a Compose service, a CI service
container: ``postgres``, ``redis``, ``db``).
"""

from __future__ import annotations

import ipaddress
import re
import time
from urllib.parse import unquote

from gate.checks.secrets.detectors.checksums import jwt_parts
from gate.checks.secrets.detectors.interface import Classification, Detector, Validation
from gate.checks.secrets.detectors.lazyre import lazy
from gate.checks.secrets.detectors.lookalikes import looks_random
from gate.findings import Severity

__all__ = ["DETECTORS", "STAND_INS", "is_dev_host"]

_RESERVED_SUFFIXES = (".local", ".localhost", ".test", ".example", ".invalid", ".internal",
                      ".example.com", ".example.net", ".example.org", ".lan", ".home.arpa")
_RESERVED_NAMES = frozenset({"localhost", "example.com", "example.net", "example.org",
                             "host.docker.internal"})


def is_dev_host(host: str) -> bool:
    """Whether ``host`` only exists on a developer machine or inside a CI job."""
    host = host.strip("[]").rstrip(".").lower()
    if not host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return address.is_loopback or address.is_unspecified or address.is_link_local
    if host in _RESERVED_NAMES or host.endswith(_RESERVED_SUFFIXES):
        return True
    return "." not in host


def _jwt(value: str) -> Validation:
    parts = jwt_parts(value)
    if parts is None:
        return Validation(False, "header or payload is not base64 JSON")
    header, payload = parts
    if str(header.get("alg", "")).lower() == "none":
        return Validation(True, "unsigned (alg: none): not a credential", severity=Severity.LOW,
                          classification=Classification.WEAK)
    expires = payload.get("exp")
    if isinstance(expires, (int, float)) and expires < time.time():
        return Validation(True, "expired", severity=Severity.LOW,
                          classification=Classification.WEAK)
    signature = value.rsplit(".", 1)[-1]
    if not looks_random(signature):
        return Validation(False, "the signature is not random: a placeholder",
                          classification=Classification.PLACEHOLDER)
    return Validation(True, "signed, not expired")


_URL = lazy(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{1,20})://(?P<user>[^\s:/@\"'<>{}]{1,100}):"
                  r"(?P<secret>[^\s@/\"'<>{}]{1,200})@(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)")


STAND_INS = frozenset({
    "pass", "password", "passwd", "pwd", "pw", "secret", "mypassword", "yourpassword",
    "mysecret", "pass123", "password123", "p@ssw0rd", "p@ssword", "changeme", "test", "testing",
    "foo", "bar", "baz", "foobar", "xxx", "abc", "123", "1234", "12345", "123456", "example",
    "sample", "dummy", "hunter2", "token", "pass pass", "user", "username", "letmein", "qwerty",
    "access", "key", "secret_key", "access_key", "key_id", "private", "apikey", "api_key"})
"""Passwords documentation and tests use as stand-ins (``http://user:pass@host``)."""


def _url(value: str) -> Validation:
    match = _URL.search(value)
    if match is None:  # pragma: no cover - value is always a pattern match
        return Validation(False, "not a URL with credentials")
    password = unquote(match.group("secret"))
    words = [w for w in re.split(r"[^a-z0-9@]+", password.lower()) if w]
    if len(password) < 3 or password.lower() in STAND_INS or (
            words and all(w in STAND_INS for w in words)):
        return Validation(False, "a stand-in password", classification=Classification.PLACEHOLDER)
    if is_dev_host(match.group("host")):
        return Validation(True, "host only exists in development or CI", severity=Severity.LOW,
                          classification=Classification.DEV_CREDENTIAL)
    return Validation(True)


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-JWT", provider="JWT", title="JSON Web Token",
        severity=Severity.HIGH,
        pattern=lazy(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\."
                           r"[A-Za-z0-9_-]*(?![A-Za-z0-9_-])"),
        anchors=("eyj",), help_url="https://datatracker.ietf.org/doc/html/rfc7519",
        revoke="Revoke the session or signing key that issued it; tokens stay valid until "
               "they expire.",
        validator=_jwt, provider_token=False),
    Detector(
        rule_id="GATE-SECRET-URL-CREDENTIALS", provider="URL", title="Password in a URL",
        severity=Severity.HIGH, pattern=_URL, anchors=("://",),
        help_url="https://cwe.mitre.org/data/definitions/798.html",
        revoke="Change the account's password on that service and pass credentials through "
               "the environment or a secret store.",
        validator=_url, provider_token=False, validate_match=True,
        line_must_contain="@"),
)

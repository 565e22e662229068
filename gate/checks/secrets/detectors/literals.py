"""How a literal credential found by its place is rated (``.env``, ``.netrc``, settings...).

A password has no format to check; what can be judged is the literal itself
and where it goes. See :func:`rate` for the scale. Dictionary stems, like
placeholder markers, decide nothing on their own: a random value with
``test`` inside keeps its random rest.
"""

from __future__ import annotations

import re

from gate.checks.secrets.detectors.interface import Classification, Detector, Note
from gate.checks.secrets.detectors.lazyre import lazy
from gate.checks.secrets.detectors.lookalikes import looks_random, placeholder_reason
from gate.checks.secrets.detectors.web import STAND_INS, is_dev_host
from gate.findings import Severity

__all__ = ["public_material", "rate", "secret_name"]

_SECRET_NAME = lazy(
    r"(?i)(?:pass(?:word|wd|phrase)?|pwd|secret|token|api_?key|apikey|access_?key|private_?key"
    r"|credentials?|auth_?key|signing_?key|encryption_?key)")
_NOT_A_VALUE_NAME = lazy(
    r"(?i)(?:_(?:file|path|dir|name|id|url|uri|length|len|min|max|expiry|expires|ttl|timeout"
    r"|algorithm|alg|type|header|prefix|field|version|enabled|policy|rotation)s?)$")
_DEV_VALUES = frozenset({
    "postgres", "postgresql", "mysql", "mariadb", "redis", "mongo", "mongodb", "root", "admin",
    "administrator", "dev", "development", "local", "localhost", "guest", "default", "none",
    "null", "nil", "true", "false", "docker", "vagrant", "app", "rabbitmq", "sa"})
"""Values development setups use as passwords (images' defaults, service names)."""


_KEY_NAME = lazy(r"(?i)[_.-]key$")
_PUBLIC_KEY_NAME = lazy(
    r"(?i)(?:public|publishable|primary|sort|partition|range|hash|cache|foreign|idempotency"
    r"|site|map|lookup|index|object|s3|bucket|ssh_host|host|column|row|table|redis|ui)[_.-]key$")


def secret_name(name: str) -> bool:
    """Whether a variable or key name says its value is a secret (``DB_PASSWORD``, ``api_key``,
    ``WEBHOOK_KEY``; not ``PASSWORD_FILE``, ``PUBLIC_KEY``, ``SORT_KEY``)."""
    if _NOT_A_VALUE_NAME.search(name) or _PUBLIC_KEY_NAME.search(name):
        return False
    return bool(_SECRET_NAME.search(name) or _KEY_NAME.search(name))


def rate(detector: Detector, value: str, host: str | None = None,
         user: str | None = None) -> Note:
    """The rating of one literal credential (see the module's docstring)."""
    rule = detector.rule_id
    stand_in = placeholder_reason(value)
    if stand_in is not None:
        return Note(rule, Severity.LOW, stand_in.classification, stand_in.reason, detector)
    lowered = value.lower()
    words = [w for w in re.split(r"[^a-z0-9@]+", lowered) if w]
    if lowered in STAND_INS or (words and all(w in STAND_INS for w in words)):
        return Note(rule, Severity.LOW, Classification.PLACEHOLDER, "a stand-in password",
                    detector)
    service = (host or "").split(".")[0].split(":")[0].lower()
    if lowered in _DEV_VALUES or lowered in {(user or "").lower(), service} - {""}:
        return Note(rule, Severity.LOW, Classification.DEV_CREDENTIAL,
                    "a development value (a default, the user or the service name)", detector)
    if host is not None and is_dev_host(host):
        return Note(rule, Severity.LOW, Classification.DEV_CREDENTIAL,
                    "host only exists in development or CI", detector)
    rest = _without_stems(value)
    if looks_random(rest) or (rest == value and _password_like(value)):
        return Note(rule, Severity.HIGH, Classification.LIVE_FORMAT,
                    "a literal, random-looking credential", detector)
    if rest != value:
        return Note(rule, Severity.MEDIUM, Classification.WEAK,
                    "a literal credential built on a dictionary word", detector)
    return Note(rule, Severity.MEDIUM, Classification.WEAK,
                "a literal credential, not random-looking", detector)


_WEAK_STEMS = frozenset({
    "password", "passwd", "pass", "secret", "admin", "administrator", "welcome", "letmein",
    "qwerty", "changeme", "default", "test", "testing", "root", "master", "login", "user",
    "guest", "demo", "example", "sample", "dummy", "postgres", "mysql", "oracle", "abc", "abcd"})
"""Dictionary stems of the passwords every cracking list starts with (``Passw0rd1!``)."""
_LEET = str.maketrans("0134$5@7", "oieassat")


_STEMS = lazy("|".join(sorted((w for w in _WEAK_STEMS if len(w) >= 4), key=len, reverse=True)))


def _without_stems(value: str) -> str:
    """``value`` with its dictionary stems taken out (read through leetspeak: ``Passw0rd``).

    Like the placeholder markers, a stem decides nothing on its own: a random
    value with ``test`` inside keeps its random rest.
    """
    read = value.lower().translate(_LEET)  # one character for one: positions agree
    parts, last = [], 0
    for match in _STEMS.finditer(read):
        parts.append(value[last:match.start()])
        last = match.end()
    return "".join(parts) + value[last:]


def _password_like(value: str) -> bool:
    """Eight or more characters mixing three of lower case, upper case, digits and symbols:
    what a password policy makes people type (``Aa1234321Bb``)."""
    if len(value) < 8 or " " in value:
        return False
    classes = sum(1 for c in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]") if re.search(c, value))
    return classes >= 3


PUBLIC_MATERIAL = lazy(r"^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-|sk-(?:ssh|ecdsa)-)|"
                              r"-----BEGIN (?:PUBLIC KEY|CERTIFICATE|SSH2 PUBLIC KEY)")
"""Public keys and certificates under a ``*_key`` name: not secrets."""



def public_material(value: str) -> bool:
    """A public key or a certificate (under a ``*_key`` name): not a secret."""
    return bool(PUBLIC_MATERIAL.search(value))

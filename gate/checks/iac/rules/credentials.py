"""Recognising credential-looking literals in IaC values, without ever keeping the value.

Two kinds of evidence, both about the text itself:

* a provider format (an AWS access key id, a private key block, a GitHub,
  GitLab, Slack or Stripe token), wherever it appears;
* an assignment or variable whose *name* says secret (``PASSWORD=``,
  ``api_key:``, an environment variable ``DB_SECRET``) to a literal that is not
  a reference or a placeholder (``${...}``, ``{{resolve:...}}``, ``$(cmd)``,
  ``<your-token>``, ``changeme``), and whose name is not that of a pointer to a
  secret (``DB_SECRET_ARN``, ``API_KEY_PARAMETER_NAME``).

AWS's documented example keys are reported like any other: in infrastructure
code they show the practice the rule is about (a key pasted into user data).

Callers get :class:`Hit` objects: the kind, the name when there is one, and
the line offset inside the text; the matched value is never returned, so it
cannot reach a message, a log or a report.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass

from gate.checks.iac.interface import Unknown

__all__ = ["Hit", "decoded_text", "in_text", "in_variable", "is_placeholder"]

_PROVIDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"
                                        r"(?![A-Z0-9])")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}")),
)
_SECRET_NAME = re.compile(
    r"(?i)(password|passwd|pwd|secret|token|api_?key|apikey|access_?key|private_?key|"
    r"credential|auth_?key|client_?secret)")
_ASSIGNMENT = re.compile(
    r"(?i)(?P<name>[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api_?key|apikey|"
    r"access_?key|private_?key|client_?secret)[A-Za-z0-9_]*)"
    r"[\"']?\s*(?::|=>|=)\s*(?P<q>[\"']?)(?P<value>[^\s\"';,)}]+)(?P=q)")
_PLACEHOLDER = re.compile(
    r"(?i)^(?:changeme|change_me|password|passw0rd|secret|token|example\w*|dummy\w*|test\w*|"
    r"fake\w*|sample\w*|placeholder\w*|your[_-]?\w*|none|null|nil|true|false|yes|no|redacted|"
    r"x+|\*+|\.+|todo|tbd|replace\w*|default)$")
_NOT_A_SECRET_NAME = re.compile(
    r"(?i)(?:_|^)(?:name|names|arn|id|path|file|ref|param|parameter|ssm|location|uri|url|"
    r"version|ttl|length|type|header|enabled|expiry|expiration|rotation|region|endpoint|"
    r"size|count|timeout)$")
"""Variables that hold the *name* or *location* of a secret (``DB_SECRET_ARN``), not the secret."""
_MIN_LENGTH = 6


@dataclass(frozen=True)
class Hit:
    """One credential-looking literal: what it looks like, its name, its line offset."""

    kind: str
    name: str | None
    line_offset: int


def is_placeholder(value: str) -> bool:
    """True for references, templates and documentation values that are not secrets."""
    text = value.strip().strip("\"'")
    if len(text) < _MIN_LENGTH:
        return True
    if text.startswith(("$", "{{", "%", "<", "arn:", "/", "@", "!")) or "${" in text:
        return True
    if "resolve:secretsmanager" in text or "resolve:ssm" in text:
        return True
    return bool(_PLACEHOLDER.match(text))


def in_text(text: str) -> Iterator[Hit]:
    """Credential-looking literals in a script or document (user data, a command)."""
    text = text.replace("\\n", "\n")  # HCL strings keep their escapes
    for kind, pattern in _PROVIDERS:
        for match in pattern.finditer(text):
            yield Hit(kind, None, text.count("\n", 0, match.start()))
    for match in _ASSIGNMENT.finditer(text):
        value = match.group("value")
        if is_placeholder(value) or _NOT_A_SECRET_NAME.search(match.group("name")) \
                or any(p.fullmatch(value) for _k, p in _PROVIDERS):
            continue
        line = text.count("\n", 0, match.start())
        yield Hit("a secret", match.group("name"), line)


def in_variable(name: str, value: str) -> Iterator[Hit]:
    """A named value (an environment variable): its name says secret, or its value does."""
    provider = list(in_text(value))
    for hit in provider:
        if hit.kind != "a secret":
            yield Hit(hit.kind, name, hit.line_offset)
            return
    if _SECRET_NAME.search(name) and not _NOT_A_SECRET_NAME.search(name) \
            and not is_placeholder(value):
        yield Hit("a secret", name, 0)


_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def decoded_text(value: object) -> str | None:
    """The scannable text of a value: a string, base64-decoded when it is base64 (cloud-init
    custom data usually is), or what an unknown expression kept (``base64encode(<<EOF ...)``)."""
    if isinstance(value, str):
        compact = value.strip()
        if len(compact) >= 16 and _BASE64.fullmatch(compact):
            try:
                return base64.b64decode(compact, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return value
        return value
    if isinstance(value, Unknown):
        return value.expr
    return None

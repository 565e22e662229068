"""Credentials out of every message: URL userinfo and token-like query parameters.

Checks quote what they flag: a Dockerfile ``ADD https://user:${TOKEN}@host/x``,
a GitLab ``include: remote:`` URL with ``?private_token=...``, a Terraform
module ``source`` with basic auth, a pip index URL in a tool's error. Such
text reaches every report, the PR comment and annotations, so it is redacted
where a check's result leaves its worker (:mod:`gate.runner`, and the cache
front :mod:`gate.checks.engine.cached_scan`, so no cache entry holds one).

A finding whose text had to be redacted also gets a new fingerprint: its
old one is a fast, unsalted hash of that text (a token-guessing oracle), so
it is replaced by the keyed, salted, slow
:func:`~gate.findings.secret_fingerprint` of it. Deterministic under one
``GATE_FINGERPRINT_KEY``, so baselines and new-vs-base comparisons still match.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gate.checks.interface import CheckResult, NotScanned
from gate.findings import Finding, FlowStep, RelatedLocation, Suppression, secret_fingerprint

__all__ = ["REDACTED", "redact", "redact_finding", "redact_result"]

REDACTED = "[REDACTED]"

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#\"'<>]+@")
"""``scheme://user:${PASSWORD}@`` (or a bare token as the user name)."""
_BARE_USERINFO = re.compile(
    r"(?<![\w/:@.%+-])[\w.%+-]+:[^\s@/\"'<>]+@(?=[a-z0-9-]+(?:\.[a-z0-9-]+)+)", re.IGNORECASE)
"""``user:password@registry.example.com/...`` without a scheme (image references, git)."""
_SENSITIVE_NAME = (r"[\w.-]*(?:token|secret|passw(?:or)?d|pwd|signature|credential|"
                   r"api[_-]?key|access[_-]?key|auth)[\w.-]*|key|sig|code")
_QUERY = re.compile(rf"(?i)([?&;](?:{_SENSITIVE_NAME})=)[^&#\s\"'<>]+")
"""``?private_token=...``, ``&X-Amz-Signature=...``, ``?sig=`` (Azure SAS), ``?key=``..."""


def redact(text: str) -> str:
    """``text`` with URL credentials and token-like query values replaced by ``[REDACTED]``."""
    if "@" not in text and "=" not in text:
        return text
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    text = _BARE_USERINFO.sub(f"{REDACTED}@", text)
    return _QUERY.sub(rf"\1{REDACTED}", text)


def _opt(text: str | None) -> str | None:
    return None if text is None else redact(text)


def _suppression(s: Suppression | None) -> Suppression | None:
    if s is None:
        return None
    reason, source = _opt(s.reason), _opt(s.source)
    if reason is s.reason and source is s.source:
        return s
    return replace(s, reason=reason, source=source)


def _may_hold_credentials(f: Finding) -> bool:
    """Whether any free-text field of ``f`` has an ``@`` or ``=``: without one, :func:`redact`
    returns every field as it is, so the finding needs no copy (nor the look at each field)."""
    s = f.suppression
    texts = (f.message, f.title or "", f.fix or "", f.help_url or "",
             s.reason or "" if s is not None else "", s.source or "" if s is not None else "",
             *(v for _, v in f.extra), *(r.message for r in f.related),
             *(step.message for step in f.flow))
    return any("@" in t or "=" in t for t in texts)


def redact_finding(f: Finding) -> Finding:
    """The finding with every free-text field redacted; re-fingerprinted (keyed) if any changed.

    :func:`redact` returns its argument itself when there is nothing to remove,
    so an untouched finding (nearly all of them) is returned as it is, without
    building a copy.
    """
    if not _may_hold_credentials(f):
        return f
    message, title, fix, help_url = redact(f.message), _opt(f.title), _opt(f.fix), \
        _opt(f.help_url)
    suppression = _suppression(f.suppression)
    extra = tuple((k, redact(v)) for k, v in f.extra)
    related = tuple(RelatedLocation(r.location, redact(r.message)) for r in f.related)
    flow = tuple(FlowStep(s.location, redact(s.message)) for s in f.flow)
    if (message is f.message and title is f.title and fix is f.fix and help_url is f.help_url
            and suppression is f.suppression
            and all(new[1] is old[1] for new, old in zip(extra, f.extra, strict=True))
            and all(new.message is old.message for new, old in zip(related, f.related,
                                                                    strict=True))
            and all(new.message is old.message for new, old in zip(flow, f.flow, strict=True))):
        return f
    clean = replace(f, message=message, title=title, fix=fix, help_url=help_url,
                    suppression=suppression, extra=extra, related=related, flow=flow)
    if clean == f:
        return f
    keyed = secret_fingerprint(f.check, f.rule_id, f.location.path,
                               f"gate-redacted\x00{f.fingerprint}")
    return replace(clean, fingerprint=keyed)


def redact_result(result: CheckResult) -> CheckResult:
    """Everything a check returns, redacted: findings, not-scanned reasons, errors, warnings."""
    return replace(
        result,
        findings=tuple(redact_finding(f) for f in result.findings),
        not_scanned=tuple(NotScanned(n.path, redact(n.reason), n.line)
                          for n in result.not_scanned),
        errors=tuple(redact(e) for e in result.errors),
        warnings=tuple(redact(w) for w in result.warnings),
    )

"""Waivers: accepted risks on the record in the policy, with a reason and usually an end date.

A waiver matches findings by rule (or any of the finding's aliases, so a
CVE id waives the PYSEC advisory that carries it), optionally narrowed by path
globs and a fingerprint. An expired waiver stops applying (the findings it
covered count again, and the report says so); one expiring soon is a warning;
one that matched nothing in a complete run is listed as unused so the policy
does not keep accepting a risk that is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from gate.findings import Finding, Suppression
from gate.globs import matches_any
from gate.policy.model import Waiver
from gate.triage.interface import WaiverState, WaiverStatus

__all__ = ["EXPIRED_KEY", "EXPIRY_WARNING_DAYS", "WaiverOutcome", "apply_waivers", "matches"]

EXPIRY_WARNING_DAYS = 14
EXPIRED_KEY = "waiver_expired"
"""The ``extra`` key on a finding that an expired waiver used to cover."""


@dataclass(frozen=True)
class WaiverOutcome:
    """Findings with waiver suppressions set, each waiver's status, and the warnings."""

    findings: tuple[Finding, ...]
    statuses: tuple[WaiverStatus, ...]
    warnings: tuple[str, ...]


def matches(waiver: Waiver, finding: Finding) -> bool:
    """True when ``waiver`` covers ``finding`` (dates aside)."""
    if waiver.rule != "*":
        ids = {finding.rule_id.upper(), *(a.upper() for a in finding.aliases)}
        if waiver.rule.strip().upper() not in ids:
            return False
    if waiver.paths and not matches_any(finding.path, waiver.paths):
        return False
    return waiver.fingerprint is None or waiver.fingerprint == finding.fingerprint


def _state(waiver: Waiver, matched: int, today: date, complete: bool) -> str:
    if waiver.expires is not None and waiver.expires < today:
        return WaiverState.EXPIRED
    if matched == 0 and complete:
        return WaiverState.UNUSED
    if waiver.expires is not None and (waiver.expires - today).days <= EXPIRY_WARNING_DAYS:
        return WaiverState.EXPIRING
    return WaiverState.ACTIVE


def _warnings(status: WaiverStatus, today: date) -> list[str]:
    out = []
    if status.state == WaiverState.EXPIRED and status.expires is not None:
        effect = (f"{status.matched} finding(s) it covered count again" if status.matched
                  else "remove or renew it")
        out.append(f"{status.label} expired on {status.expires.isoformat()} and no longer "
                   f"applies: {effect}")
    if status.expires is not None and status.state != WaiverState.EXPIRED:
        days = (status.expires - today).days
        if days <= EXPIRY_WARNING_DAYS:
            when = "today" if days == 0 else f"in {days} day(s)"
            out.append(f"{status.label} expires {when} ({status.expires.isoformat()})"
                       + (f"; owner: {status.owner}" if status.owner else ""))
    if status.state == WaiverState.UNUSED:
        out.append(f"{status.label} matched no finding: remove it from the policy")
    if status.rule == "*" and not status.paths and status.fingerprint is None:
        out.append(f"{status.label} waives every finding: the gate cannot fail on findings")
    return out


def apply_waivers(findings: Sequence[Finding], waivers: Sequence[Waiver], *, today: date,
                  complete: bool) -> WaiverOutcome:
    """Suppress what live waivers cover; report expired, expiring and unused ones.

    ``complete`` says whether every check ran to completion: only then can a
    waiver that matched nothing be called unused (a check that did not run
    cannot have produced the findings it waives).

    A finding already suppressed (an honoured inline marker) keeps that
    suppression, but still counts as matched, so its waiver is not "unused".
    """
    matched = [0] * len(waivers)
    out: list[Finding] = []
    for f in findings:
        expired_note: str | None = None
        for i, w in enumerate(waivers):
            if not matches(w, f):
                continue
            matched[i] += 1
            if w.expires is not None and w.expires < today:
                expired_note = expired_note or f"waivers[{i}] expired {w.expires.isoformat()}"
            elif f.suppression is None:
                f = replace(f, suppression=Suppression(
                    kind="waiver", reason=w.reason, expires=w.expires, rules=(w.rule,),
                    source=f"waivers[{i}]" + (f" (owner: {w.owner})" if w.owner else "")))
        if expired_note is not None and f.suppression is None:
            f = replace(f, extra=(*f.extra, (EXPIRED_KEY, expired_note)))
        out.append(f)
    statuses = tuple(
        WaiverStatus(index=i, rule=w.rule, reason=w.reason, paths=w.paths,
                     fingerprint=w.fingerprint, expires=w.expires, owner=w.owner,
                     matched=matched[i], state=_state(w, matched[i], today, complete))
        for i, w in enumerate(waivers)
    )
    warnings = tuple(m for s in statuses for m in _warnings(s, today))
    return WaiverOutcome(tuple(out), statuses, warnings)

"""Findings and not-scanned entries to cache payloads and back, exactly.

Separate from the JSON report (:mod:`gate.serialize`): that one is a public,
versioned contract shaped for readers; this one is private, must round-trip
every field bit for bit (a cached finding must equal a freshly computed one),
and must reject rather than guess when a payload looks wrong. Cached payloads
never contain secret values, because findings never do.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from gate.checks.interface import NotScanned
from gate.findings import (
    Confidence,
    Finding,
    FlowStep,
    Location,
    RelatedLocation,
    Severity,
    Suppression,
)

__all__ = ["CodecError", "decode_file_result", "encode_file_result", "finding_fields"]

_CONTEXT = next(f.default for f in fields(Finding) if f.name == "context")
"""What a payload does not carry: triage sets it, after the cache (:class:`Finding`'s default)."""


class CodecError(ValueError):
    """A cached payload does not decode: the entry is treated as a miss."""


class _Members(dict[Any, Any]):
    """An enum's members by value (``Severity(value)`` without the enum machinery's cost): a
    value that is none of them is a :class:`CodecError`, as the enum's own ``ValueError``
    would be."""

    def __missing__(self, value: Any) -> Any:
        raise CodecError(f"no such member: {value!r}")


_SEVERITY = _Members({s.value: s for s in Severity})
_CONFIDENCE = _Members({c.value: c for c in Confidence})


def _suppression(s: Suppression | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"kind": s.kind, "reason": s.reason, "source": s.source,
            "expires": s.expires.isoformat() if s.expires else None, "rules": list(s.rules)}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "check": f.check, "rule_id": f.rule_id, "severity": int(f.severity),
        "message": f.message, "path": f.location.path, "start": f.location.start_line,
        "end": f.location.end_line, "fingerprint": f.fingerprint, "title": f.title,
        "confidence": int(f.confidence) if f.confidence is not None else None,
        "help_url": f.help_url, "cwe": list(f.cwe), "aliases": list(f.aliases), "fix": f.fix,
        "package": f.package, "version": f.version, "fixed_versions": list(f.fixed_versions),
        "suppression": _suppression(f.suppression), "new": f.new,
        "extra": [list(pair) for pair in f.extra],
        "related": [_located(r.location, r.message) for r in f.related],
        "flow": [_located(s.location, s.message) for s in f.flow],
    }


def _located(location: Location, message: str) -> list[Any]:
    return [location.path, location.start_line, location.end_line, message]


def _decode_located(value: Any) -> list[tuple[Location, str]]:
    if not isinstance(value, list):
        raise CodecError("expected a list of locations")
    out = []
    for item in value:
        path, start, end, message = item
        if not isinstance(path, str) or not isinstance(message, str):
            raise CodecError("bad location")
        out.append((Location(path, start, end), message))
    return out


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise CodecError("expected a list of strings")
    for v in value:
        if not isinstance(v, str):
            raise CodecError("expected a list of strings")
    return tuple(value)


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """A finding's ``extra``: a list of ``[key, value]`` string pairs, as a tuple of tuples."""
    if not isinstance(value, list):
        raise CodecError("bad extra")
    out = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise CodecError("bad extra")
        key, text = pair
        if not (isinstance(key, str) and isinstance(text, str)):
            raise CodecError("bad extra")
        out.append((key, text))
    return tuple(out)


def _decode_suppression(d: Any) -> Suppression | None:
    if d is None:
        return None
    return Suppression(kind=d["kind"], reason=d["reason"], source=d["source"],
                       expires=date.fromisoformat(d["expires"]) if d["expires"] else None,
                       rules=_strings(d["rules"]))


def finding_fields(d: dict[str, Any]) -> dict[str, Any]:
    """A payload finding's field values, in :class:`Finding`'s field order, but its place:
    ``location`` and ``fingerprint`` are ``None`` (the caller sets them). Raises as
    :func:`decode_file_result` would (``KeyError``, ``TypeError``, ``ValueError`` or
    :class:`CodecError`); the whole-result entry (:mod:`gate.cache.whole`) builds each of
    its finding templates' fields with it once."""
    extra = _pairs(d["extra"])
    confidence = d["confidence"]
    related, flow = d.get("related", []), d.get("flow", [])
    return {
        "check": d["check"], "rule_id": d["rule_id"], "severity": _SEVERITY[d["severity"]],
        "message": d["message"], "location": None, "fingerprint": None, "title": d["title"],
        "confidence": _CONFIDENCE[confidence] if confidence is not None else None,
        "help_url": d["help_url"], "cwe": _strings(d["cwe"]), "aliases": _strings(d["aliases"]),
        "fix": d["fix"], "package": d["package"], "version": d["version"],
        "fixed_versions": _strings(d["fixed_versions"]),
        "suppression": _decode_suppression(d["suppression"]), "new": d["new"],
        "extra": extra, "context": _CONTEXT,
        "related": () if related == [] else tuple(RelatedLocation(loc, m)
                                                  for loc, m in _decode_located(related)),
        "flow": () if flow == [] else tuple(FlowStep(loc, m) for loc, m in _decode_located(flow)),
    }


def _decode_finding(d: dict[str, Any]) -> Finding:
    values = finding_fields(d)
    values["location"] = Location(d["path"], d["start"], d["end"])
    values["fingerprint"] = d["fingerprint"]
    return Finding(**values)


def encode_file_result(findings: tuple[Finding, ...],
                       not_scanned: tuple[NotScanned, ...]) -> dict[str, Any]:
    """One file's outcome for one check as a cache payload."""
    return {"findings": [_finding(f) for f in findings],
            "not_scanned": [[n.path, n.reason, n.line] for n in not_scanned]}


def decode_file_result(payload: Any) -> tuple[tuple[Finding, ...], tuple[NotScanned, ...]]:
    """Inverse of :func:`encode_file_result`; :class:`CodecError` on anything unexpected."""
    try:
        findings = tuple(_decode_finding(d) for d in payload["findings"])
        not_scanned = tuple(NotScanned(str(p), str(r), None if n is None else int(n))
                            for p, r, n in payload["not_scanned"])
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CodecError(f"undecodable cache payload: {type(exc).__name__}") from exc
    return findings, not_scanned

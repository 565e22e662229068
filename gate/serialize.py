"""The JSON report contract: :class:`RunResult` to a dict and back.

This is the documented, versioned format (``docs/formats.md``) that other
tools, ``gate publish`` and ``gate merge`` read. Bump ``SCHEMA_VERSION`` on
any incompatible change; adding a key is compatible.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gate.checks.interface import NotScanned
from gate.errors import SerializeError
from gate.findings import Confidence, Finding, FlowStep, Location, RelatedLocation, Severity, Suppression
from gate.report.grouping import package_to_dict, packages_of
from gate.result import SCHEMA_VERSION, CheckOutcome, RunResult, ShardInfo
from gate.triage.interface import WaiverStatus

__all__ = ["SerializeError", "finding_from_dict", "finding_to_dict", "from_dict",
           "not_scanned_count", "to_dict"]


def finding_to_dict(f: Finding, failing: bool = False) -> dict[str, Any]:
    """One finding as the JSON report carries it."""
    s = f.suppression
    return {
        "check": f.check,
        "rule_id": f.rule_id,
        "title": f.title,
        "severity": f.severity.label,
        "confidence": f.confidence.label if f.confidence else None,
        "path": f.location.path,
        "start_line": f.location.start_line,
        "end_line": f.location.end_line,
        "message": f.message,
        "help_url": f.help_url,
        "cwe": list(f.cwe),
        "aliases": list(f.aliases),
        "fix": f.fix,
        "fingerprint": f.fingerprint,
        "package": f.package,
        "version": f.version,
        "fixed_versions": list(f.fixed_versions),
        "suppressed": s is not None,
        "suppression": None if s is None else {
            "kind": s.kind,
            "reason": s.reason,
            "source": s.source,
            "expires": s.expires.isoformat() if s.expires else None,
            "rules": list(s.rules),
        },
        "new": f.new,
        "failing": failing,
        "context": f.context,
        "related": [_step_to_dict(r.location, r.message) for r in f.related],
        "flow": [_step_to_dict(s.location, s.message) for s in f.flow],
        "extra": dict(f.extra),
    }


def _step_to_dict(loc: Location, text: str) -> dict[str, Any]:
    return {"path": loc.path, "start_line": loc.start_line, "end_line": loc.end_line,
            "message": text}


def _loc_from_dict(d: dict[str, Any]) -> Location:
    return Location(d["path"], d.get("start_line"), d.get("end_line"))


def finding_from_dict(d: dict[str, Any]) -> Finding:
    """Inverse of :func:`finding_to_dict`."""
    s = d.get("suppression")
    return Finding(
        check=d["check"],
        rule_id=d["rule_id"],
        title=d.get("title"),
        severity=Severity.parse(d["severity"]),
        confidence=Confidence.parse(d["confidence"]) if d.get("confidence") else None,
        location=Location(d["path"], d.get("start_line"), d.get("end_line")),
        message=d.get("message", ""),
        help_url=d.get("help_url"),
        cwe=tuple(d.get("cwe") or ()),
        aliases=tuple(d.get("aliases") or ()),
        fix=d.get("fix"),
        fingerprint=d["fingerprint"],
        package=d.get("package"),
        version=d.get("version"),
        fixed_versions=tuple(d.get("fixed_versions") or ()),
        suppression=None if not s else Suppression(
            kind=s["kind"], reason=s.get("reason"), source=s.get("source"),
            expires=date.fromisoformat(s["expires"]) if s.get("expires") else None,
            rules=tuple(s.get("rules") or ()),
        ),
        new=d.get("new"),
        extra=tuple(sorted((str(k), str(v)) for k, v in (d.get("extra") or {}).items())),
        context=str(d.get("context") or "code"),
        related=tuple(RelatedLocation(_loc_from_dict(r), str(r.get("message", "")))
                      for r in d.get("related") or ()),
        flow=tuple(FlowStep(_loc_from_dict(r), str(r.get("message", "")))
                   for r in d.get("flow") or ()),
    )


def not_scanned_count(run: RunResult) -> int:
    """Not-scanned entries in the report: files no check read, plus each check's own."""
    return len(run.not_scanned) + sum(len(c.not_scanned) for c in run.checks)


def _not_scanned(n: NotScanned) -> dict[str, Any]:
    return {"path": n.path, "reason": n.reason, "line": n.line}


def _waiver_to_dict(w: WaiverStatus) -> dict[str, Any]:
    return {"index": w.index, "rule": w.rule, "paths": list(w.paths),
            "fingerprint": w.fingerprint, "reason": w.reason, "owner": w.owner,
            "expires": w.expires.isoformat() if w.expires else None, "state": w.state,
            "matched": w.matched}


def _shard_to_dict(s: ShardInfo | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"index": s.index, "total": s.total, "inventory": s.inventory, "files": s.files,
            "sliced": list(s.sliced)}


def _shard_from_dict(d: dict[str, Any] | None) -> ShardInfo | None:
    if d is None:
        return None
    return ShardInfo(index=int(d["index"]), total=int(d["total"]), inventory=str(d["inventory"]),
                     files=int(d.get("files", 0)), sliced=tuple(d.get("sliced") or ()))


def _waiver_from_dict(d: dict[str, Any]) -> WaiverStatus:
    return WaiverStatus(
        index=int(d["index"]), rule=d["rule"], reason=d.get("reason", ""), state=d["state"],
        matched=int(d.get("matched", 0)), paths=tuple(d.get("paths") or ()),
        fingerprint=d.get("fingerprint"), owner=d.get("owner"),
        expires=date.fromisoformat(d["expires"]) if d.get("expires") else None,
    )


def _outcome_to_dict(c: CheckOutcome, run: RunResult) -> dict[str, Any]:
    mine = [f for f in run.active_findings() if f.check == c.name]
    return {
        "name": c.name,
        "status": c.verdict,
        "tool": c.tool,
        "tool_version": c.tool_version,
        "duration": round(c.duration, 3),
        "fail_on": c.fail_on.label,
        "files_scanned": c.files_scanned,
        "counts": {
            "total": len(mine),
            "failing": sum(1 for i in run.failing if run.findings[i].check == c.name),
            "suppressed": sum(1 for f in run.findings if f.check == c.name and f.suppressed),
            **{s.label: sum(1 for f in mine if f.severity == s) for s in Severity},
        },
        "errors": list(c.errors),
        "warnings": list(c.warnings),
        "not_scanned": [_not_scanned(n) for n in c.not_scanned],
        "reasons": list(c.reasons),
    }


def to_dict(run: RunResult) -> dict[str, Any]:
    """The whole JSON report."""
    return {
        "schema_version": run.schema_version,
        "gate_version": run.gate_version,
        "verdict": run.verdict,
        "reasons": list(run.reasons),
        "warnings": list(run.warnings),
        "mode": run.mode,
        "policy": run.policy_source,
        "started_at": run.started_at,
        "duration": round(run.duration, 3),
        "context": dict(run.context),
        "summary": {
            "findings": len(run.active_findings()),
            "failing": len(run.failing),
            "suppressed": sum(1 for f in run.findings if f.suppressed),
            "new": sum(1 for f in run.active_findings() if f.new),
            "by_severity": run.counts(),
            "not_scanned": not_scanned_count(run),
        },
        "policy_changed": list(run.policy_changed),
        "waivers": [_waiver_to_dict(w) for w in run.waivers],
        "shard": _shard_to_dict(run.shard),
        "checks": [_outcome_to_dict(c, run) for c in run.checks],
        "not_scanned": [_not_scanned(n) for n in run.not_scanned],
        "packages": [package_to_dict(p) for p in packages_of(run)],
        "findings": [finding_to_dict(f, i in run.failing) for i, f in enumerate(run.findings)],
    }


def from_dict(d: dict[str, Any]) -> RunResult:
    """Read a JSON report back; raise :class:`SerializeError` when it is not one."""
    version = str(d.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise SerializeError(f"unsupported report schema_version {version!r} "
                             f"(this gate reads {SCHEMA_VERSION})")
    try:
        findings = tuple(finding_from_dict(f) for f in d["findings"])
        checks = tuple(
            CheckOutcome(
                name=c["name"], verdict=c["status"], tool=c.get("tool", ""),
                tool_version=c.get("tool_version", ""), duration=float(c.get("duration", 0)),
                fail_on=Severity.parse(c.get("fail_on", "high")),
                files_scanned=int(c.get("files_scanned", 0)),
                errors=tuple(c.get("errors") or ()), warnings=tuple(c.get("warnings") or ()),
                not_scanned=tuple(NotScanned(n["path"], n["reason"], n.get("line"))
                                  for n in c.get("not_scanned") or ()),
                reasons=tuple(c.get("reasons") or ()),
            )
            for c in d["checks"]
        )
        return RunResult(
            verdict=d["verdict"], checks=checks, findings=findings,
            failing=frozenset(i for i, f in enumerate(d["findings"]) if f.get("failing")),
            gate_version=d.get("gate_version", ""), schema_version=version,
            policy_source=d.get("policy"), mode=d.get("mode", "all"),
            started_at=d.get("started_at", ""), duration=float(d.get("duration", 0)),
            reasons=tuple(d.get("reasons") or ()), warnings=tuple(d.get("warnings") or ()),
            not_scanned=tuple(NotScanned(n["path"], n["reason"], n.get("line"))
                              for n in d.get("not_scanned") or ()),
            context={str(k): str(v) for k, v in (d.get("context") or {}).items()},
            policy_changed=tuple(d.get("policy_changed") or ()),
            waivers=tuple(_waiver_from_dict(w) for w in d.get("waivers") or ()),
            shard=_shard_from_dict(d.get("shard")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SerializeError(f"not a gate JSON report: {exc!r}") from exc

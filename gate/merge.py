"""``gate merge``: the shard reports of one sharded run, judged as one run.

Fail closed by construction: the merged verdict is ``error`` unless every
shard 1..N is present exactly once, readable, and agrees with the others on
what was partitioned (the inventory digest), the commit, the policy and the
mode. A missing shard is a slice of the repository nobody looked at; a shard
that failed to complete is a check that did not complete. Neither is a pass.

Findings are not re-judged: each shard already triaged them under the policy
(waivers, baseline, new-vs-base) and marked which ones fail; merging keeps
those marks, so the merged verdict is exactly the shards' combined verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gate.findings import Finding
from gate.result import CheckOutcome, RunResult, ShardInfo, Verdict
from gate.serialize import SerializeError, from_dict
from gate.triage.interface import WaiverStatus
from gate.verdict import failing_reason, is_failing_reason, sort_findings

__all__ = ["ShardReport", "load_report", "merge"]

_RANK = {Verdict.SKIPPED: 0, Verdict.PASS: 1, Verdict.FAIL: 2, Verdict.ERROR: 3}


@dataclass(frozen=True)
class ShardReport:
    """One report given to ``gate merge``: its result, or why it could not be read."""

    source: str
    result: RunResult | None
    problem: str | None = None


def load_report(path: Path) -> ShardReport:
    """Read one JSON report; an unreadable one is a :class:`ShardReport` with a problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise SerializeError("not a gate JSON report")
        return ShardReport(str(path), from_dict(data))
    except OSError as exc:
        return ShardReport(str(path), None, f"cannot read it ({exc.strerror})")
    except (ValueError, SerializeError) as exc:  # json's errors are ValueErrors
        return ShardReport(str(path), None, f"not a readable gate JSON report ({exc})")


def _worst(verdicts: Iterable[str]) -> str:
    return max(verdicts, key=lambda v: _RANK.get(v, 3), default=Verdict.ERROR)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _problems(reports: Sequence[ShardReport]) -> list[str]:
    """Everything that makes the set of shards untrustworthy as a whole."""
    problems = [f"shard report {r.source}: {r.problem}" for r in reports if r.result is None]
    results = [r for r in reports if r.result is not None]
    infos = [(r.source, r.result.shard) for r in results if r.result is not None]
    unsharded = [source for source, info in infos if info is None]
    if unsharded and len(reports) > 1:
        problems.append(f"not a shard report (no --shard run): {', '.join(unsharded)}")
    sharded = [(source, info) for source, info in infos if info is not None]
    totals = {info.total for _, info in sharded}
    if len(totals) > 1:
        problems.append(f"shard reports disagree on the number of shards: {sorted(totals)}")
    total = max(totals, default=0)
    seen: dict[int, list[str]] = {}
    for source, info in sharded:
        seen.setdefault(info.index, []).append(source)
    for index in range(1, total + 1):
        if index not in seen:
            problems.append(f"shard {index}/{total} is missing: its files were not judged")
        elif len(seen[index]) > 1:
            problems.append(f"shard {index}/{total} given more than once: {', '.join(seen[index])}")
    for label, values in (
        ("partitioned different file lists (different checkouts?)",
         {info.inventory for _, info in sharded}),
        ("ran on different commits", {r.result.context.get("sha", "") for r in results
                                      if r.result is not None} - {""}),
        ("ran under different policies", {r.result.policy_source for r in results
                                          if r.result is not None}),
        ("ran in different modes", {r.result.mode for r in results if r.result is not None}),
        ("sliced different checks", {info.sliced for _, info in sharded}),
    ):
        if len(values) > 1:
            problems.append(f"shard reports {label}")
    return problems


def _label(info: ShardInfo | None) -> str:
    return f"shard {info.index}/{info.total}: " if info else ""


def _run_level(result: RunResult) -> list[str]:
    """A shard's reasons that are not its checks' (policy notices, say): kept as they are.

    A shard that ran no check (see :func:`gate.shard.settle_shard`) has nothing to add.
    """
    if not result.checks:
        return []
    per_check = {r for c in result.checks for r in c.reasons}
    return [r for r in result.reasons if r not in per_check]


def _merge_check(name: str, parts: Sequence[tuple[ShardInfo | None, CheckOutcome]],
                 failing: int) -> CheckOutcome:
    first = parts[0][1]
    verdict = _worst(o.verdict for _, o in parts)
    reasons = [f"{_label(info)}{r}" for info, o in parts for r in o.reasons
               if not is_failing_reason(name, r)]
    if failing:
        reasons.append(failing_reason(name, failing, first.fail_on))
    return CheckOutcome(
        name=name, verdict=verdict, tool=first.tool,
        tool_version=", ".join(_unique(o.tool_version for _, o in parts if o.tool_version)),
        duration=max(o.duration for _, o in parts), fail_on=first.fail_on,
        files_scanned=sum(o.files_scanned for _, o in parts),
        errors=tuple(f"{_label(info)}{e}" for info, o in parts for e in o.errors),
        warnings=_unique(w for _, o in parts for w in o.warnings),
        not_scanned=tuple(dict.fromkeys(n for _, o in parts for n in o.not_scanned)),
        reasons=tuple(reasons),
    )


def _findings(results: Sequence[RunResult]) -> tuple[tuple[Finding, ...], frozenset[int]]:
    """Every shard's findings once, in report order, with their failing marks kept."""
    marks: dict[Finding, bool] = {}
    for result in results:
        for index, finding in enumerate(result.findings):
            marks[finding] = marks.get(finding, False) or result.is_failing(index)
    ordered = sort_findings(marks)
    return tuple(ordered), frozenset(i for i, f in enumerate(ordered) if marks[f])


def _waivers(results: Sequence[RunResult]) -> tuple[WaiverStatus, ...]:
    """One status per waiver: matches summed; "unused" only if unused in every shard."""
    merged: dict[int, WaiverStatus] = {}
    for result in results:
        for w in result.waivers:
            seen = merged.get(w.index)
            if seen is None:
                merged[w.index] = w
                continue
            state = w.state if seen.state == "unused" else seen.state
            merged[w.index] = WaiverStatus(
                index=w.index, rule=w.rule, reason=w.reason, state=state,
                matched=seen.matched + w.matched, paths=w.paths, fingerprint=w.fingerprint,
                expires=w.expires, owner=w.owner)
    return tuple(merged[i] for i in sorted(merged))


def _warnings(results: Sequence[RunResult], waivers: Sequence[WaiverStatus]) -> tuple[str, ...]:
    """The shards' warnings, less "matched no finding" for a waiver another shard used."""
    used = {f"{w.label} matched no finding: remove it from the policy"
            for w in waivers if w.state != "unused"}
    return _unique(w for r in results for w in r.warnings if w not in used)


def merge(reports: Sequence[ShardReport]) -> RunResult:
    """Combine shard reports into one result (its verdict ``error`` if the set is incomplete)."""
    problems = _problems(reports) if reports else ["no shard report given"]
    pairs = sorted(((r.result.shard, r.result) for r in reports if r.result is not None),
                   key=lambda p: p[0].index if p[0] else 0)
    results = [result for _, result in pairs]
    findings, failing = _findings(results)
    names = _unique(c.name for result in results for c in result.checks)
    checks = tuple(
        _merge_check(name, [(info, c) for info, result in pairs for c in result.checks
                            if c.name == name],
                     sum(1 for i in failing if findings[i].check == name))
        for name in names)
    for name in {n for info, _ in pairs if info for n in info.sliced}:
        for info, result in pairs:
            if info is not None and result.check(name) is None:
                problems.append(f"{name} did not run in shard {info.index}/{info.total}")
    if not checks and not problems:
        problems.append("no check ran in any shard")
    verdict = _worst([*(c.verdict for c in checks), *(r.verdict for r in results)])
    if problems:
        verdict = Verdict.ERROR
    first = results[0] if results else None
    waivers = _waivers(results)
    total = pairs[0][0].total if pairs and pairs[0][0] else len(reports)
    return RunResult(
        verdict=verdict, checks=checks, findings=findings, failing=failing,
        gate_version=first.gate_version if first else "",
        policy_source=first.policy_source if first else None,
        mode=first.mode if first else "all",
        started_at=min((r.started_at for r in results if r.started_at), default=""),
        duration=max((r.duration for r in results), default=0.0),
        reasons=_unique([*problems, *(r for c in checks for r in c.reasons),
                         *(r for res in results for r in _run_level(res))]),
        warnings=_warnings(results, waivers),
        not_scanned=tuple(dict.fromkeys(n for r in results for n in r.not_scanned)),
        context={**(first.context if first else {}), "shards": str(total)},
        policy_changed=_unique(p for r in results for p in r.policy_changed),
        waivers=waivers,
    )


"""Judging the checks' results: from what the checks found to the run's result.

    contexts -> triage (inline markers, waivers, baseline, new vs base) -> unused markers
    -> verdict -> shard settlement -> the report's stamps (scope, documentation links)
    -> what the change does to the gate's own rules

:mod:`gate.pipeline` plans the run, starts the checks, and imports this
module while they work (with it, most of what judging loads: the triage
stages, the verdict, the result model), then calls :func:`judge` once they
are done. Nothing here runs a tool or reads a file the checks did not name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import gate
from gate.checks.interface import CheckResult
from gate.findings import Finding
from gate.report.rule_docs import with_doc_links
from gate.report.scope import stamp
from gate.result import RunResult, ShardInfo
from gate.shard import settle_shard
from gate.triage.apply import TriageInputs, triage
from gate.triage.context import assign_contexts
from gate.triage.governing import policy_changes, policy_notice
from gate.triage.suppress_unused import Markers, unused_markers
from gate.verdict import Emptiness, evaluate, is_live_secret
from gate.workspace import POLICY_FILE

if TYPE_CHECKING:
    from gate.context import Context
    from gate.git.refs import BaseRef
    from gate.inventory import Inventory
    from gate.policy import LoadedPolicy, Policy
    from gate.triage.baseline import Baseline
    from gate.worker import CheckJob

__all__ = ["Planned", "judge"]


@dataclass(frozen=True)
class Planned:
    """What the run decided before its checks ran, and what judging needs of it."""

    policy: Policy
    loaded: LoadedPolicy
    inventory: Inventory
    jobs: Sequence[CheckJob]
    context: Context
    started: float
    """``time.monotonic()`` when the run started (the result's duration)."""
    started_at: str
    base: BaseRef | None = None
    base_policy_file: Path | None = None
    """The policy file the base run read (:func:`policy_changes` says if the change edits it)."""
    baseline: Baseline | None = None
    partial: tuple[str, ...] = ()
    """Checks that scanned only the changed files (``mode: new``)."""
    shard: ShardInfo | None = None
    subset: bool = False
    """The run was restricted to some checks (``--checks``)."""
    cache_dir: Path | None = None
    markers: Markers | None = None
    """The suppression markers of the files the sast and secrets checks were given."""


def judge(plan: Planned, results: dict[str, CheckResult], now: float) -> RunResult:
    """The run's result from its checks' ``results`` (``now``: ``time.monotonic()``)."""
    inventory, policy, base = plan.inventory, plan.policy, plan.base
    own = {n.path for n in inventory.own}
    findings: list[Finding] = assign_contexts(
        (f for r in results.values() for f in r.findings
         if f.location.path not in own or is_live_secret(f)), inventory.root,
        policy.context_globs())
    base_findings = None
    if base is not None:  # a run without a base loads none of it
        from gate.triage.base import scan_base

        base_findings = scan_base(base, policy, plan.jobs, results)
    triaged = triage(findings, TriageInputs(
        policy=policy, results=results, today=datetime.now(timezone.utc).date(),
        baseline=plan.baseline,
        base=base_findings,
        partial=plan.partial, subset=plan.subset,
    ))
    unused = unused_markers(inventory.root, _scanned_whole(plan.jobs, results), findings,
                            cache_dir=plan.cache_dir, markers=plan.markers)
    result = evaluate(
        policy, results, list(triaged.findings),
        not_scanned=inventory.not_scanned,
        warnings=(*_own_warning(inventory), *_nested_policies(inventory, plan.loaded),
                  *triaged.warnings, *unused),
        gate_version=gate.__version__,
        policy_source=plan.loaded.source or "built-in default",
        started_at=plan.started_at,
        duration=now - plan.started,
        context={**plan.context.as_dict(), **_base_context(base)},
        empty=Emptiness(tree_files=len(inventory.all_files),
                        exempt=frozenset(results) if plan.shard is not None
                        else frozenset(plan.partial),
                        sharded=plan.shard is not None),
    )
    result = settle_shard(replace(result, waivers=triaged.waivers, shard=plan.shard))
    result = with_doc_links(stamp(result, policy))
    if base is not None:
        changed = policy_changes(base, plan.base_policy_file, policy)
        result = replace(result, policy_changed=changed,
                         reasons=(*policy_notice(base, changed), *result.reasons))
    return result


def _scanned_whole(jobs: Sequence[CheckJob], results: dict[str, CheckResult]
                   ) -> dict[str, frozenset[str]]:
    """The files the checks whose markers :func:`unused_markers` judges (sast, secrets)
    scanned to completion."""
    scanned = {}
    for job in jobs:
        result = results.get(job.name) if job.name in ("sast", "secrets") else None
        if result is None or result.errors:
            continue
        skipped = {n.path for n in result.not_scanned}
        scanned[job.name] = frozenset(f for f in job.scan.files if f not in skipped)
    return scanned


def _own_warning(inventory: Inventory) -> tuple[str, ...]:
    """One line naming the gate's own files that no check read."""
    if not inventory.own:
        return ()
    shown = ", ".join(f"{n.path} ({n.reason})" for n in inventory.own[:3])
    more = f" and {len(inventory.own) - 3} more" if len(inventory.own) > 3 else ""
    return (f"{len(inventory.own)} file(s) are the gate's own output, not judged (searched only "
            f"for live provider tokens): {shown}{more}",)


def _nested_policies(inventory: Inventory, loaded: LoadedPolicy) -> tuple[str, ...]:
    """One line naming the ``.gate.yml`` files in the scanned tree that do not apply."""
    ignored = [p for p in inventory.all_files
               if (p == POLICY_FILE or p.endswith("/" + POLICY_FILE)) and p != loaded.source
               and not (loaded.source or "").endswith(":" + p)]
    if not ignored:
        return ()
    shown = ", ".join(ignored[:3]) + (f" and {len(ignored) - 3} more" if len(ignored) > 3 else "")
    return (f"{len(ignored)} .gate.yml file(s) in the scanned tree do not apply to this run "
            f"(policy: {loaded.source or 'built-in default'}; a nested policy applies only when "
            f"its directory is the path scanned): {shown}",)


def _base_context(base: BaseRef | None) -> dict[str, str]:
    """What the report says about the base the run compared with."""
    if base is None:
        return {}
    return {"base": base.ref, "base_commit": base.commit, "merge_base": base.merge_base}

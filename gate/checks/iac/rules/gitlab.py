"""GitLab CI: pinned images, pinned includes, no eval of user-controlled variables."""

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
from gate.checks.iac.rules.images import floating_tag
from gate.checks.iac.values import as_list
from gate.findings import Severity

__all__ = ["EvalOfUserInput", "UnpinnedImage", "UnpinnedInclude"]

_PIPELINE = on(gitlab=["gitlab-ci"])
_RESERVED = frozenset({"stages", "variables", "include", "workflow", "image", "services",
                       "before_script", "after_script", "cache", "default", "spec"})
_SHA = re.compile(r"^[0-9a-f]{40}$")
_USER_VARS = ("CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE", "CI_COMMIT_DESCRIPTION",
              "CI_COMMIT_TAG_MESSAGE", "CI_MERGE_REQUEST_TITLE", "CI_MERGE_REQUEST_DESCRIPTION",
              "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
              "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME")
_EVAL = re.compile(r"\b(eval|sh -c|bash -c)\b.*\$\{?(" + "|".join(_USER_VARS) + r")\b")


def _jobs(resource: Resource) -> Iterator[tuple[str, Mapping[str, Any], AttrPath]]:
    """Jobs (and hidden ``.templates``) plus ``default``, with their paths."""
    for name, job in resource.properties.items():
        if isinstance(job, Mapping) and (name not in _RESERVED or name == "default"):
            yield str(name), job, (name,)


class UnpinnedImage(Rule):
    """Job images and services must be pinned to a version or digest."""

    id = "GATE-GITLAB-001"
    title = "CI job image not pinned"
    severity = Severity.LOW
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A floating image tag changes what the pipeline runs without any review."
    fix = "Use a version tag, ideally with a digest (image: python:3.12@sha256:...)."
    resource_types = _PIPELINE

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        holders: list[tuple[str, Mapping[str, Any], AttrPath]] = [
            ("pipeline", resource.properties, ()), *_jobs(resource)]
        for name, holder, path in holders:
            refs: list[tuple[AttrPath, Any]] = [(("image",), holder.get("image"))]
            refs += [(("services", i), s) for i, s in enumerate(as_list(holder.get("services")))]
            for where, ref in refs:
                image = ref.get("name") if isinstance(ref, Mapping) else ref
                if not isinstance(image, str) or "$" in image:
                    continue
                why = floating_tag(image)
                if why:
                    at = (*path, *where)
                    yield Violation(f"runs image {image} with {why} in {name}", at,
                                    key=f"{name}:{image}")


class UnpinnedInclude(Rule):
    """Included CI configuration must not change under the pipeline."""

    id = "GATE-GITLAB-002"
    title = "CI include not pinned"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A remote or unpinned project include lets another repo rewrite your pipeline."
    fix = "Pin project includes with ref: <commit sha>; give remote includes an integrity hash."
    resource_types = _PIPELINE

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for i, inc in enumerate(as_list(resource.properties.get("include"))):
            at = ("include", i) if isinstance(resource.properties.get("include"), list) \
                else ("include",)
            if isinstance(inc, str) and inc.startswith(("http://", "https://")):
                yield Violation(f"includes remote {inc} without an integrity hash", at, key=inc)
            elif isinstance(inc, Mapping):
                if "remote" in inc and "integrity" not in inc:
                    yield Violation(f"includes remote {inc['remote']} without an integrity hash",
                                    at, key=str(inc["remote"]))
                elif "project" in inc and not _SHA.match(str(inc.get("ref", ""))):
                    yield Violation(f"includes project {inc['project']} at ref "
                                    f"{inc.get('ref', 'HEAD')} instead of a commit SHA", at,
                                    key=str(inc["project"]))
                elif "component" in inc and str(inc["component"]).endswith(("@~latest", "@main")):
                    yield Violation(f"includes component {inc['component']} at a moving version",
                                    at, key=str(inc["component"]))


class EvalOfUserInput(Rule):
    """Commit messages, MR titles and branch names must never be evaluated as shell code."""

    id = "GATE-GITLAB-003"
    title = "CI script evaluates user-controlled variables"
    severity = Severity.HIGH
    practice = Practice.PIPELINE_HYGIENE
    rationale = "eval of a commit message or MR title runs attacker-written shell commands."
    fix = "Never eval these variables; quote them (\"$CI_COMMIT_MESSAGE\") as data."
    resource_types = _PIPELINE

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for name, job, path in _jobs(resource):
            for section in ("before_script", "script", "after_script"):
                for i, line in enumerate(as_list(job.get(section))):
                    match = _EVAL.search(line) if isinstance(line, str) else None
                    if match:
                        yield Violation(f"evaluates ${match.group(2)} as shell code in {name}",
                                        (*path, section, i), key=f"{name}:{section}:{i}")

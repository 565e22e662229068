"""Supply chain of the pipeline: what the workflow runs that someone else can change."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gate.checks.dependencies.vulndb.actions import parse_version
from gate.checks.pipeline.interface import AttrPath, Category, Hop, Issue, Kind, PipelineFile
from gate.checks.pipeline.model import Repo
from gate.checks.pipeline.rule import Rule
from gate.checks.pipeline.rules.common import SHA
from gate.findings import Severity

__all__ = ["FirstPartyUnpinned", "KnownVulnerableAction", "RemoteReusableWorkflow",
           "UnpinnedAction", "uses_refs"]

_FIRST_PARTY = ("actions/", "github/")
_VERSION_COMMENT = re.compile(r"#\s*(?:tag\s*[:=]?\s*)?(v?\d+(?:\.\d+){0,3})\b", re.IGNORECASE)
_BOTH = frozenset({Kind.WORKFLOW, Kind.ACTION})


def uses_refs(file: PipelineFile, repo: Repo) -> Iterator[tuple[str, str, AttrPath]]:
    """(job id, uses, path of the uses key) for every step ``uses:`` of a file."""
    for job, step in repo.all_steps(file):
        if step.uses:
            yield job.id, step.uses, (*step.path, "uses")


class UnpinnedAction(Rule):
    """Third-party actions must be pinned to a full commit SHA."""

    id = "GATE-GHA-001"
    title = "Third-party action not pinned to a commit SHA"
    severity = Severity.MEDIUM
    category = Category.SUPPLY_CHAIN
    rationale = "A tag can be moved: whoever controls the action's repo controls your pipeline."
    fix = "Pin to the full 40-character SHA with the version as a comment (uses: o/a@<sha> # v1.2.3)."
    incident = ("tj-actions/changed-files (CVE-2025-30066) and reviewdog/action-setup "
                "(CVE-2025-30154), March 2025: tags moved to malicious commits; SHA pins were "
                "unaffected.")
    kinds = _BOTH
    zizmor = ("unpinned-uses", "poutine:github_action_from_unverified_creator_used")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job, ref, at in uses_refs(file, repo):
            if ref.startswith("./") or ref.lower().startswith(_FIRST_PARTY):
                continue
            if ref.startswith("docker://"):
                if "@sha256:" not in ref:
                    yield Issue(f"runs {ref} without a digest in job {job}", at,
                                key=f"{job}:{ref}", job=job)
                continue
            version = ref.rsplit("@", 1)[1] if "@" in ref else ""
            if not SHA.match(version):
                yield Issue(f"uses {ref} not pinned to a commit SHA in job {job}", at,
                            key=f"{job}:{ref}", job=job)


class FirstPartyUnpinned(Rule):
    """GitHub's own actions (``actions/*``, ``github/*``) on a tag."""

    id = "GATE-GHA-018"
    title = "First-party action not pinned to a commit SHA"
    severity = Severity.LOW
    category = Category.SUPPLY_CHAIN
    rationale = ("GitHub's own actions are far less likely to be hijacked than a third party's, "
                 "but their tags can still move; pinning makes every change reviewable.")
    fix = "Pin to the commit SHA with the version as a comment, and let Dependabot update it."
    incident = ("GitHub's hardening guide: pinning to a full SHA is the only immutable "
                "reference, for every action.")
    kinds = _BOTH
    zizmor = ("unpinned-uses",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job, ref, at in uses_refs(file, repo):
            if not ref.lower().startswith(_FIRST_PARTY) or "/.github/workflows/" in ref:
                continue
            version = ref.rsplit("@", 1)[1] if "@" in ref else ""
            if not SHA.match(version):
                yield Issue(f"uses {ref} not pinned to a commit SHA in job {job}", at,
                            key=f"{job}:{ref}", job=job)


class RemoteReusableWorkflow(Rule):
    """A reusable workflow of another repository on a branch or tag."""

    id = "GATE-GHA-017"
    title = "Reusable workflow from another repository not pinned"
    severity = Severity.HIGH
    category = Category.SUPPLY_CHAIN
    rationale = ("A called workflow runs with the secrets you pass it; on a branch, whoever "
                 "can push there changes what runs with them. secrets: inherit passes all of "
                 "them.")
    fix = ("Pin to a commit SHA (uses: org/repo/.github/workflows/x.yml@<sha> # v1.2.3) and "
           "pass only the secrets it needs instead of secrets: inherit.")
    incident = ("The March 2025 tag hijacks (tj-actions, reviewdog) applied to any ref that "
                "can move; secrets: inherit widened what a hijack gets.")
    zizmor = ("unpinned-uses", "secrets-inherit")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job in repo.jobs(file):
            uses = job.value.get("uses")
            if not isinstance(uses, str) or uses.startswith("./") or "@" not in uses:
                continue
            version = uses.rsplit("@", 1)[1] if "@" in uses else ""
            if SHA.match(version):
                continue
            secrets = job.value.get("secrets")
            moving = "a tag" if parse_version(version) else "a branch"
            if secrets == "inherit":
                what, severity = "with secrets: inherit (every secret)", Severity.HIGH
            elif isinstance(secrets, dict) and secrets:
                what, severity = f"with secrets {', '.join(map(str, secrets))}", Severity.HIGH
            else:
                what, severity = "without secrets", Severity.MEDIUM
            yield Issue(f"calls {uses} on {moving} ({version or 'no ref'}) {what} in job "
                        f"{job.id}", (*job.path, "uses"), key=f"{job.id}:{uses}",
                        severity=severity, job=job.id,
                        flow=(job.hop(), Hop(file.path, file.line_of((*job.path, "uses")),
                                             f"runs {uses}")))


class KnownVulnerableAction(Rule):
    """An action version with a GitHub Actions advisory in OSV."""

    id = "GATE-GHA-016"
    title = "Known-vulnerable or compromised action version"
    severity = Severity.CRITICAL
    category = Category.SUPPLY_CHAIN
    rationale = ("The version is named in an advisory of OSV's GitHub Actions ecosystem "
                 "(GHSA): a compromised tag, or a flaw an attacker can reach through inputs.")
    fix = ("Upgrade to the fixed version the advisory names, pinned by SHA with the version "
           "comment; rotate secrets the affected runs could read.")
    incident = ("tj-actions/changed-files (CVE-2025-30066, GHSA-mrrh-fwg8-r2c3) and "
                "reviewdog/action-setup (CVE-2025-30154), March 2025.")
    kinds = _BOTH
    zizmor = ("known-vulnerable-actions", "poutine:known_vulnerability_in_build_component")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        database = repo.advisories
        if database is None:
            return
        for job, uses, at in uses_refs(file, repo):
            if uses.startswith(("./", "docker://")) or "@" not in uses:
                continue
            action, ref = uses.split("@", 1)
            action = action.lower()
            name = "/".join(action.split("/")[:2])
            if action not in database.index and name not in database.index:
                continue
            pinned = ""
            if SHA.match(ref):
                comment = _VERSION_COMMENT.search(file.source_line(file.line_of(at)))
                if comment is None:
                    repo.warnings.append(
                        f"{file.path}:{file.line_of(at)}: {self.id} not evaluated for {uses}: "
                        "pinned to a commit SHA without a # vX.Y.Z comment, so the advisories "
                        "of this action cannot be matched")
                    continue
                ref, pinned = comment.group(1), " (by its version comment)"
            parsed = parse_version(ref)
            if parsed is None:
                repo.warnings.append(
                    f"{file.path}:{file.line_of(at)}: {self.id} not evaluated for {uses}: the "
                    "ref is a branch, not a version, so the advisories cannot be matched")
                continue
            hits = database.lookup(action, *parsed) or database.lookup(name, *parsed)
            for advisory in hits:
                cve = next((a for a in advisory.aliases if a.startswith("CVE-")), "")
                fixed = f"; fixed in {advisory.fixed}" if advisory.fixed else ""
                yield Issue(
                    f"uses {uses}{pinned}, affected by {advisory.id}"
                    f"{' (' + cve + ')' if cve else ''}: {advisory.summary}{fixed}", at,
                    key=f"{job}:{uses}:{advisory.id}", severity=advisory.severity, job=job)

"""The model's parts: expressions, the context table, triggers, permissions, local callers."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_support import scan, write

from gate.checks.pipeline.contexts import Controller, classify
from gate.checks.pipeline.documents import candidate, parse
from gate.checks.pipeline.expressions import value_refs
from gate.checks.pipeline.interface import Kind
from gate.checks.pipeline.model import Repo
from gate.checks.pipeline.permissions import effective_permissions
from gate.checks.pipeline.triggers import reach_severity
from gate.findings import Severity


@pytest.mark.parametrize(("expression", "refs"), [
    (" github.event.issue.title ", ["github.event.issue.title"]),
    ("github.event_name == 'push' && github.ref_name || github.head_ref",
     ["github.ref_name", "github.head_ref"]),
    ("contains(github.event.comment.body, '/deploy')", []),
    ("!github.event.pull_request.draft", []),
    ("github.event.pull_request.head.repo.full_name != github.repository", []),
    ("toJSON(github.event)", ["github.event"]),
    ("github.event.pull_request['title']", ["github.event.pull_request.title"]),
    ("github.event.commits[0].message", ["github.event.commits.*.message"]),
    ("format('{0}-x', github.event.pull_request.head.ref)",
     ["github.event.pull_request.head.ref"]),
    ("hashFiles('**/requirements.txt')", []),
])
def test_value_refs(expression: str, refs: list[str]) -> None:
    assert value_refs(expression) == refs


@pytest.mark.parametrize("ref", [
    "github.sha", "github.event.workflow_run.head_sha", "github.event.pull_request.head.sha",
    "github.event.pull_request.number", "github.event.issue.number", "github.run_id",
    "github.event.pull_request.user.login", "github.actor", "github.repository",
    "github.event.pull_request.head.repo.full_name", "github.event.pull_request.html_url",
    "github.event.release.prerelease", "github.event.pull_request.draft",
    "github.event.action", "github.event.comment.author_association",
    "github.event.workflow_run.id", "github.event.workflow_run.conclusion",
])
def test_safe_values_are_not_sources(ref: str) -> None:
    assert classify(ref) is None


@pytest.mark.parametrize(("ref", "who", "event"), [
    ("github.event.issue.title", Controller.ANYONE, "issues"),
    ("github.event.comment.body", Controller.ANYONE, "issue_comment"),
    ("github.head_ref", Controller.ANYONE, "pull_request_target"),
    ("github.event.workflow_run.head_branch", Controller.ANYONE, "workflow_run"),
    ("github.event.head_commit.message", Controller.ANYONE, "push"),
    ("github.event.inputs.note", Controller.WRITER, "workflow_dispatch"),
    ("github.event.release.body", Controller.WRITER, "release"),
    ("github.ref_name", Controller.WRITER, "push"),
])
def test_controlled_values(ref: str, who: Controller, event: str) -> None:
    source = classify(ref)
    assert source is not None and source.controller is who
    assert source.events is None or event in source.events


def test_values_exist_only_under_their_events() -> None:
    source = classify("github.event.issue.title")
    assert source is not None and source.events == frozenset({"issues", "issue_comment"})


@pytest.mark.parametrize(("trigger", "who", "severity"), [
    ("pull_request_target", Controller.ANYONE, Severity.HIGH),
    ("issue_comment", Controller.ANYONE, Severity.HIGH),
    ("workflow_run", Controller.ANYONE, Severity.HIGH),
    ("push", Controller.ANYONE, Severity.MEDIUM),
    ("pull_request", Controller.ANYONE, Severity.LOW),
    ("workflow_dispatch", Controller.WRITER, Severity.LOW),
    ("pull_request_target", Controller.WRITER, Severity.LOW),
])
def test_severity_follows_reachability(trigger: str, who: Controller, severity: Severity) -> None:
    assert reach_severity(trigger, who) is severity


def test_permissions_as_github_computes_them() -> None:
    default = effective_permissions({}, {})
    assert default.scopes is None and default.may_write and not default.id_token
    partial = effective_permissions({"permissions": {"contents": "read"}},
                                    {"permissions": {"id-token": "write"}})
    assert partial.origin == "job" and partial.writes == ("id-token",) and partial.id_token
    assert dict(partial.scopes or {}) == {"id-token": "write"}  # the job's block replaces
    workflow = effective_permissions({"permissions": "read-all"}, {})
    assert workflow.origin == "workflow" and not workflow.may_write
    assert effective_permissions({"permissions": {}}, {}).writes == ()
    assert "contents" in effective_permissions({}, {"permissions": "write-all"}).writes


@pytest.mark.parametrize(("path", "kind"), [
    (".github/workflows/ci.yml", Kind.WORKFLOW),
    (".github/workflows/sub/ci.yml", None),
    ("action.yml", Kind.ACTION),
    (".github/actions/setup/action.yaml", Kind.ACTION),
    (".gitlab-ci.yml", Kind.GITLAB),
    (".gitlab/ci/build.yml", Kind.GITLAB),
    ("templates/lint.yml", Kind.GITLAB),
    ("docs/ci.yml", None),
    ("setup.py", None),
])
def test_candidates(path: str, kind: Kind | None) -> None:
    assert candidate(path) is kind


def test_a_templates_file_without_spec_is_not_ci() -> None:
    assert parse("templates/page.yml", "title: hello\n", Kind.GITLAB) is None
    assert parse("action.yml", "name: x\n", Kind.ACTION) is None


def test_job_if_narrows_triggers_and_keeps_forks_out() -> None:
    text = ("on: [push, pull_request_target]\njobs:\n  a:\n"
            "    if: github.event_name == 'push'\n    runs-on: x\n    steps: [{run: make}]\n"
            "  b:\n    if: github.event.pull_request.head.repo.full_name == github.repository\n"
            "    runs-on: x\n    steps: [{run: make}]\n")
    file = parse(".github/workflows/x.yml", text, Kind.WORKFLOW)
    assert file is not None
    a, b = Repo({file.path: file}).jobs(file)
    assert [t.name for t in a.triggers] == ["push"]
    assert b.same_repo_only and not a.same_repo_only


def test_reusable_workflow_without_local_caller_is_reached_by_an_unknown_caller(
        tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/lib.yml": (
        "on: workflow_call\njobs:\n  j:\n    runs-on: x\n    steps:\n"
        "      - run: echo \"${{ github.event.pull_request.title }}\"\n")})
    (finding,) = scan(tmp_path).findings
    assert (finding.rule_id, finding.severity) == ("GATE-GHA-003", Severity.MEDIUM)
    assert finding.flow[0].message.startswith("called from outside the repository")


def test_zero_findings_on_sha_like_values(tmp_path: Path) -> None:
    values = ["github.sha", "github.event.workflow_run.head_sha", "github.run_id",
              "github.event.pull_request.number", "github.event.pull_request.head.sha",
              "github.event.issue.number", "github.event.workflow_run.id",
              "github.event.pull_request.head.repo.full_name", "github.actor"]
    run = "\n".join(f"          echo ${{{{ {v} }}}}" for v in values)
    write(tmp_path, {".github/workflows/x.yml": (
        "on: [pull_request_target, issue_comment, workflow_run]\npermissions: write-all\n"
        "jobs:\n  j:\n    runs-on: x\n    steps:\n      - run: |\n" + run + "\n")})
    assert [f.rule_id for f in scan(tmp_path).findings] == ["GATE-GHA-004"]


def test_one_finding_per_expression_and_step(tmp_path: Path) -> None:
    """The same controlled value twice in one script is one finding (not one per use)."""
    write(tmp_path, {".github/workflows/x.yml": (
        "on: workflow_run\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    steps:\n"
        "      - run: |\n          echo ${{ github.event.workflow_run.head_branch }}\n"
        "          echo \"${{ github.event.workflow_run.head_branch }}\" > branch.txt\n"
        "          echo ${{ github.event.workflow_run.head_sha }}\n")})
    findings = scan(tmp_path).findings
    assert [(f.rule_id, f.location.start_line) for f in findings] == [("GATE-GHA-003", 8)]

"""Context detection from each platform's documented environment."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from gate.context import Context, detect_context

HEAD, MERGE = "a" * 40, "b" * 40


def _gh(tmp_path: Path, event: dict | None, name: str = "pull_request", **extra: str) -> dict:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": name, "GITHUB_REPOSITORY": "o/r",
           "GITHUB_SHA": MERGE, "GITHUB_RUN_ID": "77", **extra}
    if event is not None:
        path = tmp_path / "event.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        env["GITHUB_EVENT_PATH"] = str(path)
    return env


def _pr(number: int = 12, head_repo: str | None = "o/r") -> dict:
    return {"pull_request": {
        "number": number,
        "head": {"sha": HEAD, "repo": {"full_name": head_repo} if head_repo else None},
        "base": {"ref": "release/1.x", "repo": {"full_name": "o/r"}}}}


def test_local_when_no_platform_is_detected() -> None:
    assert detect_context({}) == Context()
    assert detect_context({"GITHUB_ACTIONS": "false", "CI": "true"}).platform == "local"


@pytest.mark.parametrize("name", ["pull_request", "pull_request_target"])
def test_github_pr_uses_the_head_sha_never_the_merge_commit(tmp_path: Path, name: str) -> None:
    ctx = detect_context(_gh(tmp_path, _pr(), name))
    assert (ctx.platform, ctx.repository, ctx.sha, ctx.pr_number, ctx.base_ref) == (
        "github", "o/r", HEAD, 12, "release/1.x")
    assert ctx.event_name == name and ctx.is_fork is False
    assert ctx.run_url == "https://github.com/o/r/actions/runs/77"
    assert ctx.api_url == "https://api.github.com"


def test_github_enterprise_server_urls(tmp_path: Path) -> None:
    ctx = detect_context(_gh(tmp_path, _pr(), GITHUB_API_URL="https://ghe.example/api/v3/",
                             GITHUB_SERVER_URL="https://ghe.example"))
    assert ctx.api_url == "https://ghe.example/api/v3"
    assert ctx.run_url == "https://ghe.example/o/r/actions/runs/77"


@pytest.mark.parametrize("head_repo", ["forker/r", None])
def test_github_fork_pr(tmp_path: Path, head_repo: str | None) -> None:
    assert detect_context(_gh(tmp_path, _pr(head_repo=head_repo))).is_fork is True


def test_github_push_has_no_pr(tmp_path: Path) -> None:
    ctx = detect_context(_gh(tmp_path, {"ref": "refs/heads/main"}, "push"))
    assert (ctx.sha, ctx.pr_number, ctx.base_ref) == (MERGE, None, None)


@pytest.mark.parametrize("content", ["{broken", "[1, 2]", '{"pull_request": "nope"}',
                                     '{"pull_request": {"number": "12", "head": []}}'])
def test_github_bad_event_files_degrade_to_no_pr(tmp_path: Path, content: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(content, encoding="utf-8")
    env = _gh(tmp_path, None, GITHUB_EVENT_PATH=str(path))
    ctx = detect_context(env)
    assert ctx.pr_number is None and ctx.sha == MERGE


def test_github_missing_event_file(tmp_path: Path) -> None:
    ctx = detect_context(_gh(tmp_path, None, GITHUB_EVENT_PATH=str(tmp_path / "gone.json")))
    assert ctx.platform == "github" and ctx.pr_number is None


def test_github_workflow_run_takes_the_pr_and_sha_from_the_payload(tmp_path: Path) -> None:
    event = {"workflow_run": {
        "head_sha": HEAD, "html_url": "https://github.com/o/r/actions/runs/5",
        "pull_requests": [{"number": 3, "head": {"sha": "c" * 40}, "base": {"ref": "dev"}},
                          {"number": 12, "head": {"sha": HEAD}, "base": {"ref": "main"}}],
        "repository": {"full_name": "o/r"}, "head_repository": {"full_name": "o/r"}}}
    ctx = detect_context(_gh(tmp_path, event, "workflow_run"))
    assert (ctx.sha, ctx.pr_number, ctx.base_ref, ctx.is_fork) == (HEAD, 12, "main", False)
    assert ctx.run_url == "https://github.com/o/r/actions/runs/5"  # the scanning run


def test_github_workflow_run_from_a_fork_has_no_pr(tmp_path: Path) -> None:
    event = {"workflow_run": {"head_sha": HEAD, "pull_requests": [],
                              "repository": {"full_name": "o/r"},
                              "head_repository": {"full_name": "forker/r"}}}
    ctx = detect_context(_gh(tmp_path, event, "workflow_run"))
    assert (ctx.sha, ctx.pr_number, ctx.is_fork) == (HEAD, None, True)


def _gl(**extra: str) -> dict:
    return {"GITLAB_CI": "true", "CI_SERVER_URL": "https://gitlab.example/", "CI_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_IID": "7", "CI_COMMIT_SHA": MERGE,
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_JOB_URL": "https://gitlab.example/g/p/-/jobs/1",
            "CI_PIPELINE_URL": "https://gitlab.example/g/p/-/pipelines/2",
            "CI_PIPELINE_SOURCE": "merge_request_event", **extra}


def test_gitlab_merge_request_pipeline() -> None:
    ctx = detect_context(_gl())
    assert (ctx.platform, ctx.repository, ctx.sha, ctx.pr_number, ctx.base_ref) == (
        "gitlab", "42", MERGE, 7, "main")
    assert ctx.server_url == "https://gitlab.example"
    assert ctx.api_url == "https://gitlab.example/api/v4"
    assert ctx.run_url == "https://gitlab.example/g/p/-/jobs/1"
    assert ctx.event_name == "merge_request_event"


def test_gitlab_merged_results_uses_the_source_head() -> None:
    ctx = detect_context(_gl(CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=HEAD,
                             CI_MERGE_REQUEST_EVENT_TYPE="merged_result"))
    assert ctx.sha == HEAD


def test_gitlab_branch_pipeline_and_pipeline_url_fallback() -> None:
    env = _gl()
    for key in ("CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_JOB_URL"):
        del env[key]
    ctx = detect_context(env)
    assert (ctx.pr_number, ctx.base_ref) == (None, None)
    assert ctx.run_url == "https://gitlab.example/g/p/-/pipelines/2"


def test_gitlab_fork_merge_request() -> None:
    ctx = detect_context(_gl(CI_PROJECT_ID="99", CI_MERGE_REQUEST_SOURCE_PROJECT_ID="99",
                             CI_MERGE_REQUEST_PROJECT_ID="42"))
    assert ctx.is_fork is True
    assert ctx.repository == "42"  # notes and statuses go to the MR's project


def test_as_dict_is_strings_without_empty_values(tmp_path: Path) -> None:
    data = detect_context(_gh(tmp_path, _pr(head_repo="forker/r"))).as_dict()
    assert data["pr_number"] == "12" and data["is_fork"] == "true"
    assert all(isinstance(v, str) for v in data.values())
    assert "base_ref" in data and Context().as_dict() == {"platform": "local"}
    assert not any("token" in key.lower() for key in data)


def test_context_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Context().sha = "x"  # type: ignore[misc]

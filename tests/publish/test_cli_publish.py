"""``gate publish RESULT.json``: the fork-safe second phase, its checks and exit codes."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest
from fake_forge import Forge
from publish_fixtures import GH_TOKEN, HEAD, finding, gitlab_env, make_run

import gate.publish
from gate.cli import publish as publish_cli
from gate.cli.errors import handle_errors
from gate.serialize import to_dict

RUN_URL = "https://github.example/o/r/actions/runs/555"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "GITLAB_", "CI_", "RUNNER_")) or name == "CI":
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    from publish_fixtures import FAST

    monkeypatch.setattr(gate.publish, "PublishSettings", lambda: FAST)


def _gate_publish(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gate")
    publish_cli.register(parser.add_subparsers())
    args = parser.parse_args(["publish", *argv])
    return handle_errors(args.func, args)


def _result(tmp_path: Path, **context: str) -> Path:
    run = make_run([finding(1)])
    data = to_dict(run)
    data["context"].update(context)
    path = tmp_path / "gate.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _workflow_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, base: str, *,
                  prs: list[int], fork: bool = False, token: str | None = GH_TOKEN) -> None:
    event = {"workflow_run": {
        "id": 555, "event": "pull_request", "head_sha": HEAD, "html_url": RUN_URL,
        "pull_requests": [{"number": n, "head": {"sha": HEAD}, "base": {"ref": "main"}}
                          for n in prs],
        "repository": {"full_name": "o/r"},
        "head_repository": {"full_name": "forker/r" if fork else "o/r"}}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "workflow_run",
           "GITHUB_EVENT_PATH": str(path), "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": "d4" * 20,
           "GITHUB_API_URL": base, "GITHUB_SERVER_URL": "https://github.example",
           "GITHUB_RUN_ID": "556"}
    if token:
        env["GITHUB_TOKEN"] = token
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_workflow_run_posts_to_the_pr_github_names(
        github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _workflow_run(monkeypatch, tmp_path, github.base, prs=[7])
    assert _gate_publish(str(_result(tmp_path))) == 0
    assert len(github.comments[7]) == 1
    (status,) = github.statuses[HEAD]
    assert status["target_url"] == RUN_URL  # the scanning run, where the artifacts are
    assert "posted to PR #7" in capsys.readouterr().err
    assert not any("/pulls/" in r.path for r in github.requests)


def test_fork_pr_from_the_artifact_is_checked_against_the_head_first(
        github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _workflow_run(monkeypatch, tmp_path, github.base, prs=[], fork=True)
    assert _gate_publish(str(_result(tmp_path, pr_number="7"))) == 0
    assert github.requests[0].path == "/repos/o/r/pulls/7"
    assert len(github.comments[7]) == 1


def test_artifact_pointing_at_another_pr_posts_nothing(
        github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    github.add_pull(8, "c3" * 20)
    _workflow_run(monkeypatch, tmp_path, github.base, prs=[], fork=True)
    assert _gate_publish(str(_result(tmp_path, pr_number="8"))) == 3
    assert github.writes() == []
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "not for this PR's head" in err


def test_pr_option_when_the_artifact_has_none(
        github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _workflow_run(monkeypatch, tmp_path, github.base, prs=[], fork=True)
    assert _gate_publish(str(_result(tmp_path, pr_number="")), "--pr", "7") == 0
    assert len(github.comments[7]) == 1


def test_refused_writes_exit_3_with_one_line(
        github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    github.deny_writes = 403
    _workflow_run(monkeypatch, tmp_path, github.base, prs=[7])
    result = _result(tmp_path)
    before = result.read_bytes()
    assert _gate_publish(str(result)) == 3
    assert result.read_bytes() == before
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "HTTP 403" in err


def test_token_on_the_command_line_is_used_and_not_echoed(
        github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _workflow_run(monkeypatch, tmp_path, github.base, prs=[7], token=None)
    assert _gate_publish(str(_result(tmp_path)), "--github-token", GH_TOKEN) == 0
    out, err = capsys.readouterr()
    assert GH_TOKEN not in out + err


@pytest.mark.parametrize("case", ["no-token", "local", "not-json", "missing", "other-sha",
                                  "no-pr"])
def test_usage_errors_exit_2(github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             case: str) -> None:
    result = _result(tmp_path)
    if case != "local":
        _workflow_run(monkeypatch, tmp_path, github.base, prs=[] if case == "no-pr" else [7],
                      token=None if case == "no-token" else GH_TOKEN)
    if case == "not-json":
        result.write_text("{not json", encoding="utf-8")
    if case == "missing":
        result = tmp_path / "nope.json"
    if case == "other-sha":
        result = _result(tmp_path, sha="e5" * 20)
    if case == "no-pr":
        result = _result(tmp_path, pr_number="")
    assert _gate_publish(str(result)) == 2
    assert github.writes() == []


def test_gitlab_merge_request_pipeline(gitlab: Forge, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in gitlab_env(gitlab.base).items():
        monkeypatch.setenv(key, value)
    assert _gate_publish(str(_result(tmp_path))) == 0
    assert len([n for n in gitlab.notes[5] if not n["system"]]) == 1

"""``gate run`` / ``gate merge`` publishing for real: the environment of a real CI job, the real
PyGithub / python-gitlab clients, the fake forge on 127.0.0.1, the real checks.

The happy paths the other publish tests reach only through :func:`gate.publish.publish`:
a pull request run posts its comment, status and check run on the PR head; a merge
request run posts its note and status; ``--upload-sarif`` lands the run's SARIF in code
scanning; ``gate merge`` posts once for a sharded run whose shards posted nothing.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
from pathlib import Path

import pytest
from fake_forge import Forge
from publish_fixtures import FAST, GH_TOKEN, GL_TOKEN, HEAD, MERGE

import gate.publish
from gate.cli.main import main
from gate.publish.text import MARKER

FINDING = "import subprocess\n\nsubprocess.call(input(), shell=True)\n"


@pytest.fixture(autouse=True)
def ci_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CI variable of the machine running the tests leaks in; publishing retries fast."""
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "GITLAB_", "CI_", "RUNNER_")) or name == "CI":
            monkeypatch.delenv(name)
    monkeypatch.setattr(gate.publish, "PublishSettings", lambda: FAST)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clone as CI checks it out: ``main``, and the topic branch that adds a B602."""
    repo = tmp_path / "checkout"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    (repo / "app.py").write_text("print('hello')\n", encoding="utf-8")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    subprocess.run([*git, "checkout", "-q", "-b", "topic"], check=True)
    (repo / "app.py").write_text(FINDING, encoding="utf-8")
    subprocess.run([*git, "commit", "-q", "-am", "shell out"], check=True)
    return repo


def actions_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forge: Forge,
                repo: Path) -> dict[str, str]:
    """The variables GitHub Actions sets for a ``pull_request`` job (docs: "Variables")."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": 7, "pull_request": {
        "number": 7, "head": {"sha": HEAD, "ref": "topic", "repo": {"full_name": "o/r"}},
        "base": {"ref": "main", "sha": "c3" * 20, "repo": {"full_name": "o/r"}}},
        "repository": {"full_name": "o/r"}}), encoding="utf-8")
    env = {"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "o/r",
           "GITHUB_REPOSITORY_OWNER": "o", "GITHUB_SHA": MERGE, "GITHUB_REF": "refs/pull/7/merge",
           "GITHUB_REF_NAME": "7/merge", "GITHUB_HEAD_REF": "topic", "GITHUB_BASE_REF": "main",
           "GITHUB_API_URL": forge.base, "GITHUB_SERVER_URL": "https://github.example",
           "GITHUB_GRAPHQL_URL": forge.base + "/graphql", "GITHUB_RUN_ID": "77",
           "GITHUB_RUN_NUMBER": "3", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_JOB": "gate",
           "GITHUB_WORKFLOW": "security", "GITHUB_ACTOR": "octocat",
           "GITHUB_WORKSPACE": str(repo), "RUNNER_OS": "Linux", "RUNNER_TEMP": str(tmp_path),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "GITHUB_OUTPUT": str(tmp_path / "output.txt"), "GITHUB_TOKEN": GH_TOKEN}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def gitlab_job(monkeypatch: pytest.MonkeyPatch, forge: Forge, repo: Path) -> None:
    """The variables GitLab CI sets for a merge request pipeline job (predefined variables)."""
    env = {"CI": "true", "GITLAB_CI": "true", "CI_SERVER_URL": forge.base,
           "CI_API_V4_URL": forge.base + "/api/v4", "CI_PROJECT_ID": "42",
           "CI_PROJECT_PATH": "group/proj", "CI_PROJECT_DIR": str(repo),
           "CI_COMMIT_SHA": HEAD, "CI_COMMIT_REF_NAME": "topic",
           "CI_PIPELINE_SOURCE": "merge_request_event", "CI_PIPELINE_ID": "1234",
           "CI_JOB_ID": "99", "CI_JOB_NAME": "gate",
           "CI_JOB_URL": "https://gitlab.example/group/proj/-/jobs/99",
           "CI_MERGE_REQUEST_IID": "5", "CI_MERGE_REQUEST_PROJECT_ID": "42",
           "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "topic",
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_MERGE_REQUEST_EVENT_TYPE": "detached",
           "CI_JOB_TOKEN": "cijob-" + "Qm4" * 8, "GITLAB_TOKEN": GL_TOKEN}
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def step_outputs(text: str) -> dict[str, str]:
    """``GITHUB_OUTPUT`` as the runner reads it (``name<<DELIMITER`` blocks)."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, _, delimiter = line.partition("<<")
        values[name] = "\n".join(iter(lines.__next__, delimiter))
    return values


def no_token_in(*texts: str) -> None:
    for text in texts:
        assert GH_TOKEN not in text and GL_TOKEN not in text


def test_gate_run_in_a_github_pull_request_posts_on_the_head(
        github: Forge, checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    actions_job(monkeypatch, tmp_path, github, checkout)
    report = tmp_path / "out/gate.json"

    code = main(["run", str(checkout), "--checks", "sast", "--report", f"json={report}"])

    assert code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["context"]["pr_number"] == "7" and data["context"]["sha"] == HEAD
    assert data["context"]["base"] == "main"
    [comment] = github.comments[7]
    assert comment["body"].startswith(MARKER) and "B602" in comment["body"]
    [status] = github.statuses[HEAD]
    assert status["state"] == "failure"
    assert status["target_url"] == "https://github.example/o/r/actions/runs/77"
    [check] = github.check_runs.values()
    assert (check["head_sha"], check["conclusion"]) == (HEAD, "failure")
    assert sorted((a["path"], a["annotation_level"]) for a in check["annotations"]) == [
        ("app.py", "failure"), ("app.py", "notice"), ("app.py", "notice")]
    # B602; B404 (import subprocess); GATE-PY-CMDI from input(), low (console input)
    assert MERGE not in github.statuses
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ") and "B602" in summary
    outputs = (tmp_path / "output.txt").read_text(encoding="utf-8")
    parsed = step_outputs(outputs)
    assert (parsed["verdict"], parsed["failing"], parsed["report-json"]) == (
        "fail", "1", str(report))
    out, err = capsys.readouterr()
    assert "could not publish" not in err and "::error" not in err  # the check run has them
    no_token_in(out, err, summary, outputs, report.read_text(encoding="utf-8"))


def test_gate_run_in_a_gitlab_merge_request_posts_note_and_status(
        gitlab: Forge, checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    gitlab_job(monkeypatch, gitlab, checkout)
    report = tmp_path / "gate.json"

    code = main(["run", str(checkout), "--checks", "sast", "--report", f"json={report}"])

    assert code == 1
    ours = [n for n in gitlab.notes[5] if n["owner"] == gitlab.owner_name]
    assert len(ours) == 1 and ours[0]["body"].startswith(MARKER) and "B602" in ours[0]["body"]
    [status] = gitlab.gl_statuses[HEAD]
    assert status["status"] == "failed" and status["name"] == "gate"
    assert status["target_url"] == "https://gitlab.example/group/proj/-/jobs/99"
    writes = gitlab.writes()
    assert writes and all(r.headers.get("PRIVATE-TOKEN") == GL_TOKEN for r in writes)
    out, err = capsys.readouterr()
    assert "could not publish" not in err
    no_token_in(out, err, report.read_text(encoding="utf-8"))


def test_upload_sarif_lands_the_runs_sarif_in_code_scanning(
        github: Forge, checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    actions_job(monkeypatch, tmp_path, github, checkout)
    sarif = tmp_path / "gate.sarif"

    code = main(["run", str(checkout), "--checks", "sast", "--upload-sarif",
                 "--report", f"sarif={sarif}"])

    assert code == 1
    [upload] = github.sarif_uploads
    assert (upload["commit_sha"], upload["ref"], upload["tool_name"]) == (
        HEAD, "refs/pull/7/head", "gate")
    assert upload["sarif"] == json.loads(sarif.read_text(encoding="utf-8"))
    results = upload["sarif"]["runs"][0]["results"]
    # The default SARIF scope (code): the failing B602; the two low findings are left out,
    # and the run says so.
    assert [r["ruleId"] for r in results] == ["B602"]
    notes = upload["sarif"]["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes if "report scope" in n["message"]["text"]] == [
        "sast: report scope 'code': 2 finding(s) left out (2 low): they do not fail the gate "
        "and would not fail in code; the JSON report has every finding"]
    [request] = [r for r in github.requests if r.path.endswith("/code-scanning/sarifs")]
    assert request.headers["Authorization"] == f"Bearer {GH_TOKEN}"
    body = json.loads(request.body)
    assert json.loads(gzip.decompress(base64.b64decode(body["sarif"]))) == upload["sarif"]
    assert "SARIF" not in capsys.readouterr().err  # no warning: it landed


def test_upload_sarif_refused_is_one_line_and_changes_nothing_else(
        github: Forge, checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    actions_job(monkeypatch, tmp_path, github, checkout)
    github.fault("POST", r"code-scanning/sarifs$", 403, apply=False,
                 body={"message": "Resource not accessible by integration"})

    code = main(["run", str(checkout), "--checks", "sast", "--upload-sarif"])

    assert code == 1 and github.sarif_uploads == []
    lines = [line for line in capsys.readouterr().err.splitlines() if "SARIF" in line]
    assert lines == ["gate: could not upload SARIF to code scanning: SARIF upload: the token "
                     "needs `security-events: write`, and code scanning must be enabled for the "
                     "repository (Resource not accessible by integration). The verdict and "
                     "report files are unaffected."]
    assert len(github.comments[7]) == 1  # the rest of publishing went ahead


def test_gate_merge_posts_once_for_a_sharded_run(
        github: Forge, checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    actions_job(monkeypatch, tmp_path, github, checkout)
    (checkout / "other.py").write_text("x = 1\n", encoding="utf-8")
    shards = [tmp_path / f"s{i}.json" for i in (1, 2)]
    for i, path in enumerate(shards, start=1):
        assert main(["run", str(checkout), "--checks", "sast", "--shard", f"{i}/2",
                     "--report", f"json={path}"]) in (0, 1)
    assert github.writes() == []  # shards never post
    capsys.readouterr()

    code = main(["merge", *map(str, shards), "--report", f"json={tmp_path / 'merged.json'}"])

    assert code == 1
    merged = json.loads((tmp_path / "merged.json").read_text(encoding="utf-8"))
    assert merged["verdict"] == "fail" and merged["context"]["shards"] == "2"
    [comment] = github.comments[7]
    assert comment["body"].startswith(MARKER) and "B602" in comment["body"]
    assert [s["state"] for s in github.statuses[HEAD]] == ["failure"]
    assert len(github.check_runs) == 1
    out, err = capsys.readouterr()
    assert "could not publish" not in err
    no_token_in(out, err)

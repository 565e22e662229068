"""GitLab publishing with the real python-gitlab against the fake forge."""

from __future__ import annotations

from fake_forge import Forge
from publish_fixtures import FAST, GL_TOKEN, HEAD, MERGE, finding, gitlab_env, make_run

from gate.context import detect_context
from gate.publish import publish, publish_run
from gate.publish.text import MARKER


def _publish(forge: Forge, run, **env_kw) -> list[str]:
    env = gitlab_env(forge.base, **env_kw)
    return publish(run, detect_context(env), env, settings=FAST)


def _ours(forge: Forge) -> list[dict]:
    return [n for n in forge.notes[5] if not n["system"]]


def test_two_runs_leave_one_note_edited_in_place(gitlab: Forge) -> None:
    assert _publish(gitlab, make_run([finding(1)])) == []
    assert _publish(gitlab, make_run([finding(2, message="eval of request data")])) == []
    (note,) = _ours(gitlab)
    assert note["body"].startswith(MARKER) and "eval of request data" in note["body"]
    assert [r.method for r in gitlab.requests if "/notes" in r.path] == [
        "GET", "POST", "GET", "PUT"]


def test_status_goes_on_the_source_head_in_merged_results_pipelines(gitlab: Forge) -> None:
    _publish(gitlab, make_run([finding(1)]), merged_sha=MERGE)
    assert set(gitlab.gl_statuses) == {HEAD}
    (status,) = gitlab.gl_statuses[HEAD]
    assert status["status"] == "failed" and status["name"] == "gate"
    assert status["target_url"] == "https://gitlab.example/group/proj/-/jobs/99"
    assert len(status["description"]) <= 140


def test_pass_is_success_and_error_is_failed(gitlab: Forge) -> None:
    _publish(gitlab, make_run([finding(1, severity="low")]))
    _publish(gitlab, make_run([], verdict="error"))
    assert [s["status"] for s in gitlab.gl_statuses[HEAD]] == ["success", "failed"]


def test_403_on_every_write_is_one_line(gitlab: Forge) -> None:
    gitlab.deny_writes = 403
    run = make_run([finding(1)])
    (line,) = _publish(gitlab, run)
    assert "MR !5" in line and "403" in line and "api scope" in line and "GITLAB_TOKEN" in line
    assert "\n" not in line and run.verdict == "fail"
    assert _ours(gitlab) == [] and gitlab.gl_statuses == {}


def test_502_after_the_note_was_created_does_not_duplicate_it(gitlab: Forge) -> None:
    gitlab.fault("POST", r"/merge_requests/5/notes$", 502, apply=True)
    assert _publish(gitlab, make_run([finding(1)])) == []
    assert len(_ours(gitlab)) == 1
    assert sum(1 for r in gitlab.requests if r.method == "POST" and "/notes" in r.path) == 1


def test_502_on_reads_and_edits_is_retried_by_the_client(gitlab: Forge) -> None:
    _publish(gitlab, make_run([finding(1)]))
    gitlab.fault("GET", r"/notes$", 502, apply=False)
    gitlab.fault("PUT", r"/notes/\d+$", 502, apply=False)
    assert _publish(gitlab, make_run([finding(2)])) == []
    assert len(_ours(gitlab)) == 1


def test_only_ci_job_token_says_so_in_one_line(gitlab: Forge) -> None:
    (line,) = _publish(gitlab, make_run([finding(1)]), token=None, job_token="job-token-123456")
    assert "CI_JOB_TOKEN" in line and "cannot write" in line
    assert "project access token" in line and "masked" in line and "GITLAB_TOKEN" in line
    assert "job-token-123456" not in line
    assert gitlab.requests == []


def test_a_planted_marker_note_is_not_ours_to_edit(gitlab: Forge) -> None:
    planted = {"id": 5, "body": f"{MARKER}\nLGTM", "system": False,
               "author": {"username": "mallory"}, "owner": "mallory"}
    gitlab.notes[5].append(planted)
    for _ in range(2):
        assert _publish(gitlab, make_run([finding(1)])) == []
    assert len([n for n in _ours(gitlab) if n["owner"] == "project_42_bot"]) == 1
    assert planted["body"].endswith("LGTM")


def test_untrusted_text_is_inert_in_the_note(gitlab: Forge) -> None:
    evil = finding(1, path="x/<b>bold</b>.py", message="@group/all ping ![img](http://x/y.png)")
    _publish(gitlab, make_run([evil]))
    body = _ours(gitlab)[0]["body"]
    for raw in ("<b>", "@group", "![img]("):
        assert raw not in body


def test_project_path_ids_are_url_encoded(gitlab: Forge) -> None:
    env = gitlab_env(gitlab.base)
    env["CI_PROJECT_ID"] = "group/proj"
    outcome = publish_run(make_run([finding(1)]), detect_context(env), env, settings=FAST)
    assert outcome.warnings == () and len(_ours(gitlab)) == 1
    assert any("group%2Fproj" in r.path for r in gitlab.requests)


def test_bad_token_is_one_line(gitlab: Forge) -> None:
    (line,) = _publish(gitlab, make_run([finding(1)]), token="glpat-wrong-0000000")
    assert "401" in line and "rejected" in line
    assert GL_TOKEN not in line

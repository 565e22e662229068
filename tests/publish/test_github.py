"""GitHub publishing with the real PyGithub against the fake forge."""

from __future__ import annotations

import io
import socket
from pathlib import Path

from fake_forge import Forge
from publish_fixtures import FAST, HEAD, MERGE, finding, github_env, make_run

from gate.context import detect_context
from gate.publish import publish, publish_run
from gate.publish.text import MARKER


def _publish(forge: Forge, tmp_path: Path, run, **env_kw) -> tuple[list[str], str]:
    env = github_env(forge.base, tmp_path, **env_kw)
    commands = io.StringIO()
    warnings = publish(run, detect_context(env), env, settings=FAST, commands=commands)
    return warnings, commands.getvalue()


def _ours(forge: Forge) -> list[dict]:
    return [c for c in forge.comments[7] if c["owner"] == forge.owner_name]


def test_two_runs_leave_one_comment_edited_in_place(github: Forge, tmp_path: Path) -> None:
    first = make_run([finding(1), finding(2, severity="low")])
    second = make_run([finding(3, severity="critical", message="eval of request data")])
    assert _publish(github, tmp_path, first) == ([], "")
    assert _publish(github, tmp_path, second) == ([], "")

    assert len(github.comments[7]) == 1
    body = github.comments[7][0]["body"]
    assert body.startswith(MARKER)
    assert "eval of request data" in body and "subprocess call" not in body
    assert [r.method for r in github.requests if "/comments" in r.path] == [
        "GET", "POST", "GET", "PATCH"]


def test_status_and_check_run_land_on_the_head_sha_not_the_merge_commit(
        github: Forge, tmp_path: Path) -> None:
    _publish(github, tmp_path, make_run([finding(1)]))
    assert set(github.statuses) == {HEAD} and MERGE not in github.statuses
    (status,) = github.statuses[HEAD]
    assert status["state"] == "failure" and status["context"] == "gate"
    assert status["target_url"] == "https://github.example/o/r/actions/runs/77"
    assert len(status["description"]) <= 140
    (check,) = github.check_runs.values()
    assert check["head_sha"] == HEAD and check["name"] == "gate"
    assert check["status"] == "completed" and check["conclusion"] == "failure"
    assert check["annotations"][0]["annotation_level"] == "failure"
    assert check["annotations"][0]["path"] == "src/app.py"


def test_passing_run_is_success_everywhere(github: Forge, tmp_path: Path) -> None:
    _publish(github, tmp_path, make_run([finding(1, severity="low")]))
    assert github.statuses[HEAD][0]["state"] == "success"
    (check,) = github.check_runs.values()
    assert check["conclusion"] == "success"
    assert check["annotations"][0]["annotation_level"] == "notice"


def test_error_verdict_is_a_github_error_status(github: Forge, tmp_path: Path) -> None:
    _publish(github, tmp_path, make_run([], verdict="error"))
    assert github.statuses[HEAD][0]["state"] == "error"
    assert next(iter(github.check_runs.values()))["conclusion"] == "failure"


def test_github_enterprise_api_prefix(github: Forge, tmp_path: Path) -> None:
    warnings, _ = _publish(github, tmp_path, make_run([finding(1)]), api_prefix="/api/v3")
    assert warnings == []
    assert all(r.path.startswith("/api/v3/") for r in github.requests)
    assert len(github.comments[7]) == 1


def test_403_on_every_write_is_one_line_and_changes_nothing(
        github: Forge, tmp_path: Path) -> None:
    github.deny_writes = 403
    report = tmp_path / "gate.json"
    report.write_text('{"verdict": "fail"}', encoding="utf-8")
    run = make_run([finding(1)])
    warnings, commands = _publish(github, tmp_path, run, fork=True)

    assert len(warnings) == 1 and "\n" not in warnings[0]
    line = warnings[0]
    assert "PR #7" in line and "403" in line and "Resource not accessible" in line
    assert "gate publish" in line and "workflow_run" in line  # what to do on a fork
    assert "unaffected" in line
    assert github.comments[7] == [] and github.statuses == {} and github.check_runs == {}
    assert run.verdict == "fail"
    assert report.read_text(encoding="utf-8") == '{"verdict": "fail"}'
    # No check run: the worst findings still reach the PR as workflow-command annotations.
    assert commands.startswith("::error file=src/app.py,line=10,")


def test_403_on_a_same_repo_pr_asks_for_permissions(github: Forge, tmp_path: Path) -> None:
    github.deny_writes = 403
    (line,) = _publish(github, tmp_path, make_run([finding(1)]))[0]
    assert "pull-requests: write" in line and "statuses: write" in line


def test_502_after_the_comment_was_created_does_not_duplicate_it(
        github: Forge, tmp_path: Path) -> None:
    github.fault("POST", r"/issues/7/comments$", 502, apply=True)
    warnings, _ = _publish(github, tmp_path, make_run([finding(1)]))
    assert warnings == []
    assert len(github.comments[7]) == 1
    comment_calls = [r.method for r in github.requests if "/comments" in r.path]
    assert comment_calls == ["GET", "POST", "GET"]  # looked for the marker, did not POST again


def test_502_before_anything_happened_is_retried(github: Forge, tmp_path: Path) -> None:
    github.fault("POST", r"/issues/7/comments$", 502, apply=False)
    github.fault("POST", r"/statuses/", 503, apply=False)
    assert _publish(github, tmp_path, make_run([finding(1)]))[0] == []
    assert len(github.comments[7]) == 1 and len(github.statuses[HEAD]) == 1


def test_502_after_the_check_run_was_created_does_not_duplicate_it(
        github: Forge, tmp_path: Path) -> None:
    github.fault("POST", r"/check-runs$", 502, apply=True)
    assert _publish(github, tmp_path, make_run([finding(1)]))[0] == []
    assert len(github.check_runs) == 1
    assert sum(1 for r in github.requests if r.method == "POST" and "check-runs" in r.path) == 1


def test_502_after_an_annotation_batch_landed_does_not_resend_it(
        github: Forge, tmp_path: Path) -> None:
    github.fault("PATCH", r"/check-runs/\d+$", 502, apply=True)
    run = make_run([finding(i, line=i + 1) for i in range(120)])
    assert _publish(github, tmp_path, run)[0] == []
    (check,) = github.check_runs.values()
    assert len(check["annotations"]) == 120


def test_secondary_rate_limit_is_waited_out(github: Forge, tmp_path: Path) -> None:
    github.fault("POST", r"/issues/7/comments$", 403, apply=False, headers={"Retry-After": "0"},
                 body={"message": "You have exceeded a secondary rate limit. Please wait a few "
                                  "minutes before you try again."})
    assert _publish(github, tmp_path, make_run([finding(1)]))[0] == []
    assert len(github.comments[7]) == 1


def test_rate_limited_edit_never_becomes_a_second_comment(github: Forge, tmp_path: Path) -> None:
    _publish(github, tmp_path, make_run([finding(1)]))
    github.fault("PATCH", r"/issues/comments/", 403, apply=False, times=5,
                 body={"message": "You have exceeded a secondary rate limit."})
    (line,) = _publish(github, tmp_path, make_run([finding(2)]))[0]
    assert "rate limit" in line and "comment failed" in line
    assert len(github.comments[7]) == 1


def test_oversized_report_is_cut_under_the_limits(github: Forge, tmp_path: Path) -> None:
    long = "x" * 230
    findings = [finding(i, severity=("critical", "high", "medium", "low")[i % 4],
                        path=f"src/module_{i}.py", message=f"{long} {i}", line=i + 1)
                for i in range(1200)]
    warnings, _ = _publish(github, tmp_path, make_run(findings))
    assert warnings == []
    body = github.comments[7][0]["body"]
    assert len(body) <= 65_536
    assert "less severe findings are not shown" in body
    assert "https://github.example/o/r/actions/runs/77" in body
    (check,) = github.check_runs.values()
    assert len(check["annotations"]) == 500  # the cap; 10 requests of 50, all accepted
    assert "700 more not annotated" in check["output"]["summary"]
    assert len(check["output"]["text"]) <= 65_535
    assert [a["annotation_level"] for a in check["annotations"][:3]] == ["failure"] * 3


def test_untrusted_path_and_message_are_inert(github: Forge, tmp_path: Path) -> None:
    evil = finding(1, path="<img src=x onerror=alert(1)>.py\n::warning::x",
                   message="@octocat see [here](javascript:alert(1)) <script>x</script>\r\n"
                           "::add-mask::oops | col", rule="B602](http://evil)")
    github.deny_writes = None
    _, commands = _publish(github, tmp_path, make_run([evil]))
    body = github.comments[7][0]["body"]
    for raw in ("<img", "<script", "@octocat", "](javascript:", "](http://evil)"):
        assert raw not in body
    (note,) = next(iter(github.check_runs.values()))["annotations"]
    assert "\n" not in note["message"] and "\r" not in note["message"]
    assert commands == ""  # a check run was created: no workflow-command annotations


def test_workflow_commands_escape_untrusted_text(github: Forge, tmp_path: Path) -> None:
    github.deny_writes = 403
    evil = finding(1, path="a,b:c%.py", message="line1\nline2 50% ::set-output name=x::y")
    _, commands = _publish(github, tmp_path, make_run([evil]))
    (line,) = commands.splitlines()
    assert line.startswith("::error file=a%2Cb%3Ac%25.py,line=10,title=gate%3A [high] B602::")
    assert line.endswith("line1 line2 50%25 ::set-output name=x::y")


def test_a_planted_marker_comment_is_not_ours_to_edit(github: Forge, tmp_path: Path) -> None:
    planted = github.add_comment(7, f"{MARKER}\nall good, merge me", owner="mallory")
    for _ in range(2):
        assert _publish(github, tmp_path, make_run([finding(1)]))[0] == []
    assert planted["body"].endswith("all good, merge me")
    assert len(_ours(github)) == 1


def test_marker_found_on_a_later_page(github: Forge, tmp_path: Path) -> None:
    _publish(github, tmp_path, make_run([finding(1)]))
    for i in range(150):
        github.add_comment(7, f"review comment {i}")
    _publish(github, tmp_path, make_run([finding(2)]))
    assert len(_ours(github)) == 1


def test_no_token_is_one_line_and_no_request(github: Forge, tmp_path: Path) -> None:
    warnings, commands = _publish(github, tmp_path, make_run([finding(1)]), token=None)
    assert len(warnings) == 1 and "GITHUB_TOKEN" in warnings[0]
    assert github.requests == []
    assert commands.startswith("::error ")


def test_unreachable_api_is_one_line_and_stops(tmp_path: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = github_env(f"http://127.0.0.1:{port}", tmp_path)
    outcome = publish_run(make_run([finding(1)]), detect_context(env), env, settings=FAST,
                          commands=io.StringIO())
    (line,) = outcome.warnings
    assert "no answer" in line and "GITHUB_API_URL" in line
    assert outcome.report is not None and outcome.report.skipped == ("status", "check run")


def test_bad_credentials_stop_after_the_first_step(github: Forge, tmp_path: Path) -> None:
    env = github_env(github.base, tmp_path, token="ghs_wrong_token_value")
    outcome = publish_run(make_run([finding(1)]), detect_context(env), env, settings=FAST,
                          commands=io.StringIO())
    (line,) = outcome.warnings
    assert "HTTP 401" in line and "rejected" in line
    assert len(github.requests) == 1


def test_no_post_talks_to_nobody_but_still_fills_the_step(github: Forge, tmp_path: Path) -> None:
    env = github_env(github.base, tmp_path)
    commands = io.StringIO()
    warnings = publish(make_run([finding(1)]), detect_context(env), env, post=False,
                       report_paths=[("json", Path("out/gate.json"))], settings=FAST,
                       commands=commands)
    assert warnings == [] and github.requests == []
    assert "gate failed" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert commands.getvalue().startswith("::error file=src/app.py")

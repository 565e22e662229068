"""No token reaches a request body, URL, log line, warning, output file or stream.

Every request the fake forge received is checked: the token may only travel
in the one header meant for it. Logging is at DEBUG for every logger, so the
clients' own request logs are covered too.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from fake_forge import Forge
from publish_fixtures import (
    FAST,
    GH_TOKEN,
    GL_TOKEN,
    HEAD,
    finding,
    github_env,
    gitlab_env,
    make_run,
)

from gate.context import detect_context
from gate.publish import publish_run

JOB_TOKEN = "cijob-" + "Qm4" * 8
SECRETS = (GH_TOKEN, GL_TOKEN, JOB_TOKEN)
AUTH_HEADERS = {"authorization", "private-token"}


def _scenarios(forge: Forge) -> list[tuple[str, object]]:
    def deny() -> None:
        forge.deny_writes = 403

    def flaky() -> None:
        forge.deny_writes = None
        forge.fault("POST", r"(comments|notes)$", 502, apply=True)
        forge.fault("POST", r"statuses", 500, apply=False)

    return [("ok", lambda: None), ("403", deny), ("502", flaky)]


def _check_requests(forge: Forge, token: str) -> None:
    assert forge.requests
    for r in forge.requests:
        for secret in SECRETS:
            assert secret not in r.path and secret not in r.query and secret not in r.body
            for name, value in r.headers.items():
                if secret in value:
                    assert name.lower() in AUTH_HEADERS and secret == token, (name, r.path)


def _check_text(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize("bad_token", [False, True])
def test_github_never_leaks_a_token(github: Forge, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                    capsys: pytest.CaptureFixture[str], bad_token: bool) -> None:
    caplog.set_level(logging.DEBUG)
    env = github_env(github.base, tmp_path)
    env.update(GITLAB_TOKEN=GL_TOKEN, CI_JOB_TOKEN=JOB_TOKEN)
    token = GH_TOKEN
    if bad_token:
        github.token = "ghs_the_server_expects_another_one"
    outputs = []
    for _name, setup in _scenarios(github):
        setup()  # type: ignore[operator]
        commands = io.StringIO()
        run = make_run([finding(i) for i in range(60)])
        outcome = publish_run(run, detect_context(env), env, settings=FAST, commands=commands)
        outputs += [*outcome.warnings, commands.getvalue()]
    _check_requests(github, token)
    out, err = capsys.readouterr()
    _check_text(*outputs, out, err, caplog.text,
                (tmp_path / "summary.md").read_text(encoding="utf-8"),
                (tmp_path / "output.txt").read_text(encoding="utf-8"))
    if bad_token:
        refusals = [line for line in outputs if line.startswith("gate:")]
        assert len(refusals) == 3  # one per scenario: a bad token is refused whatever else fails
        assert all("401" in line for line in refusals)
    else:
        assert set(github.statuses) == {HEAD}


@pytest.mark.parametrize("bad_token", [False, True])
def test_gitlab_never_leaks_a_token(gitlab: Forge, caplog: pytest.LogCaptureFixture,
                                    capsys: pytest.CaptureFixture[str], bad_token: bool) -> None:
    caplog.set_level(logging.DEBUG)
    env = gitlab_env(gitlab.base, job_token=JOB_TOKEN)
    env["GITHUB_TOKEN"] = GH_TOKEN
    if bad_token:
        gitlab.token = "glpat-the-server-expects-another"
    outputs = []
    for _name, setup in _scenarios(gitlab):
        setup()  # type: ignore[operator]
        outcome = publish_run(make_run([finding(1)]), detect_context(env), env, settings=FAST)
        outputs += list(outcome.warnings)
    _check_requests(gitlab, GL_TOKEN)
    out, err = capsys.readouterr()
    _check_text(*outputs, out, err, caplog.text)
    if bad_token:
        assert len(outputs) == 3  # one per scenario
        assert all("401" in line for line in outputs)
    else:  # "ok" posts, "403" is one line, "502" is retried and lands
        [refusal] = outputs
        assert "HTTP 403" in refusal
        assert set(gitlab.gl_statuses) == {HEAD}

"""The two examples of issue 22 fail the gate, end to end (``gate run``, default policy)."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from gate.cli.main import main

PING = '''
import os
from flask import Flask, request

app = Flask(__name__)


def host_of(req):
    return req.args.get("host")


@app.route("/ping")
def ping():
    os.system("ping -c 1 " + host_of(request))
    return "ok"
'''
SEARCH = '''
from aiohttp import web


async def search(request):
    crit = {}
    for k in ("name", "city"):
        crit[k] = request.query.get(k)
    where = " AND ".join("%s = '%s'" % (k, v) for k, v in crit.items())
    async with request.app["db"].acquire() as conn:
        rows = await conn.execute("SELECT * FROM people WHERE %s" % where)
    return web.json_response(rows)
'''


def _repo(tmp_path: Path, name: str, text: str) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], cwd=repo, check=True)
    return repo


def _failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
             text: str) -> tuple[int, list[tuple[str, int, str]]]:
    for variable in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "GITHUB_TOKEN", "CI_JOB_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    report = tmp_path / "gate.json"
    code = main(["run", str(_repo(tmp_path, name, text)), "--checks", "sast", "--no-cache",
                 "--no-post", "--report", f"json={report}"])
    data = json.loads(report.read_text(encoding="utf-8"))
    failing = sorted((f["rule_id"], f["start_line"], f["severity"]) for f in data["findings"]
                     if f.get("failing"))
    return code, failing


def test_helper_returned_request_value_into_os_system_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, failing = _failing(tmp_path, monkeypatch, "app.py", PING)
    assert code == 1
    assert failing == [("B605", 13, "high"), ("GATE-PY-CMDI", 13, "high")]


def test_aiohttp_query_values_in_a_dict_into_sql_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, failing = _failing(tmp_path, monkeypatch, "search.py", SEARCH)
    assert code == 1
    assert failing == [("GATE-PY-SQLI", 10, "high")]

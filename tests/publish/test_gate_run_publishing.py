"""``gate run`` end to end in a GitHub PR context whose token may not write.

It proves the acceptance criterion: a 403 on every write leaves the exit code
and the report files intact, with one line.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from fake_forge import Forge
from publish_fixtures import FAST, HEAD, github_env

import gate.cli.run
import gate.pipeline
import gate.publish
from gate.cli.main import main


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text("import subprocess\n\nsubprocess.call(input(), shell=True)\n",
                                 encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], cwd=repo, check=True)
    return repo


def test_403_on_every_write_keeps_exit_code_and_reports(
        github: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "GITLAB_", "CI_")):
            monkeypatch.delenv(name)
    for key, value in github_env(github.base, tmp_path, fork=True).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(gate.publish, "PublishSettings", lambda: FAST)
    github.deny_writes = 403
    out = tmp_path / "out"
    code = main(["run", str(_repo(tmp_path)), "--checks", "sast",
                 "--report", f"json={out / 'gate.json'}", "--report", f"markdown={out / 'gate.md'}"])
    report = json.loads((out / "gate.json").read_text(encoding="utf-8"))
    assert code == {"pass": 0, "fail": 1, "error": 3}[report["verdict"]]
    assert (out / "gate.md").read_text(encoding="utf-8").startswith("## ")
    assert report["context"]["sha"] == HEAD
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("gate: could not publish")]
    assert len(lines) == 1 and "HTTP 403" in lines[0]
    assert github.writes()  # it did try
    assert github.comments[7] == [] and github.statuses == {} and github.check_runs == {}

"""Issue acceptance on real git repositories with the real sast (bandit) and secrets checks."""

from __future__ import annotations

import json

import pytest
from gitrepo import Repo

from gate.cli.main import main
from gate.pipeline import RunOptions, run
from gate.policy import Mode
from gate.result import RunResult, Verdict

LEGACY = ("import subprocess\n\n\ndef run(cmd):\n"
          "    return subprocess.call(cmd, shell=True)\n")
MOVED = ("import subprocess\n" + "\n" * 5 + "\n\ndef run(cmd):\n"
         "    return subprocess.call(cmd, shell=True)\n")
NEW_FLAW = "import os\n\n\ndef handler(request):\n    os.system(request.args['cmd'])\n"
KEY = 'aws_access_key_id = "AKIAZ3MSJV4WX3QJVK5F"\n'


def _sast(repo: Repo, mode: Mode | None, **kw: object) -> RunResult:
    return run(RunOptions(path=repo.root, checks=("sast",), env={}, mode=mode, base="main",
                          **kw))  # type: ignore[arg-type]


def _high(result: RunResult) -> list[tuple[str, str, bool | None]]:
    return sorted((f.path, f.rule_id, f.new) for f in result.findings if f.severity >= 3)


def test_moved_flaw_is_old_and_new_file_flaw_is_new(repo: Repo) -> None:
    repo.write({"legacy.py": LEGACY, "README.md": "x\n"}).commit("base")
    repo.branch("feature").write({"legacy.py": MOVED, "handler.py": NEW_FLAW}).commit()
    result = _sast(repo, Mode.NEW)
    assert _high(result) == [("handler.py", "B605", True), ("legacy.py", "B602", False)]
    assert result.verdict == Verdict.FAIL
    assert [(f.path, f.rule_id) for f in result.failing_findings()] == [("handler.py", "B605")]
    moved = next(f for f in result.findings if f.rule_id == "B602")
    assert moved.start_line == 10  # line 5 on the base: moved down 5 lines


def test_move_alone_passes_in_mode_new_and_fails_in_mode_all(repo: Repo) -> None:
    repo.write({"legacy.py": LEGACY}).commit("base")
    repo.branch("feature").write({"legacy.py": MOVED}).commit()
    assert _sast(repo, Mode.NEW).verdict == Verdict.PASS
    everything = _sast(repo, Mode.ALL)
    assert everything.verdict == Verdict.FAIL
    assert _high(everything) == [("legacy.py", "B602", False)]


def test_moved_secret_is_old_and_added_secret_is_new(repo: Repo) -> None:
    repo.write({"settings.py": "DEBUG = False\n" + KEY}).commit("base")
    repo.branch("feature").write({"settings.py": "DEBUG = False\n\n\n\n\n\n" + KEY,
                                  "deploy/env.py": KEY}).commit()
    result = run(RunOptions(path=repo.root, checks=("secrets",), env={}, mode=Mode.NEW,
                            base="main"))
    assert sorted((f.path, f.new) for f in result.findings) == [
        ("deploy/env.py", True), ("settings.py", False)]
    assert [f.path for f in result.failing_findings()] == ["deploy/env.py"]


@pytest.mark.parametrize("weakening", [
    "checks:\n  sast: {enabled: false}\n",
    "fail_on: critical\n",
    "checks:\n  sast: {exclude: ['handler.py']}\n",
])
def test_pr_weakening_its_own_policy_is_judged_by_the_base(
        repo: Repo, capsys: pytest.CaptureFixture[str], weakening: str) -> None:
    repo.write({".gate.yml": "fail_on: high\n", "legacy.py": "x = 1\n"}).commit("base")
    repo.branch("feature").write({".gate.yml": weakening, "handler.py": NEW_FLAW}).commit()
    code = main(["run", str(repo.root), "--checks", "sast", "--base", "main",
                 "--mode", "new", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["verdict"] == "fail"
    assert out["policy_changed"] == [".gate.yml"]
    assert out["reasons"][0].startswith("this PR changes the gate policy (.gate.yml); "
                                        "the change applies after merge")
    assert [f["path"] for f in out["findings"] if f["failing"]] == ["handler.py"]


def test_nosec_under_require_reason_and_suppressed_never_failing(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({
        ".gate.yml": "inline_suppressions: require-reason\n",
        "bare.py": "import subprocess\nsubprocess.call(input(), shell=True)  # nosec\n",
        "why.py": "import subprocess\n"
                  "subprocess.call(input(), shell=True)  # nosec B602 argv is validated above\n",
        "ours.py": "import subprocess\n"
                   "subprocess.call(input(), shell=True)  # gate:ignore[B602] sandboxed runner\n",
    }).commit("base")
    code = main(["run", str(repo.root), "--checks", "sast", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    b602 = {f["path"]: f for f in out["findings"] if f["rule_id"] == "B602"}
    assert b602["bare.py"]["suppressed"] is False and b602["bare.py"]["failing"] is True
    assert "no reason" in b602["bare.py"]["extra"]["inline_refused"]
    for path, reason in (("why.py", "argv is validated above"), ("ours.py", "sandboxed runner")):
        assert b602[path]["suppressed"] is True
        assert b602[path]["suppression"]["kind"] == "inline"
        assert b602[path]["suppression"]["reason"] == reason
        assert b602[path]["failing"] is False
    assert all(not f["failing"] for f in out["findings"] if f["suppressed"])
    assert out["summary"]["failing"] == 1
    assert out["checks"][0]["counts"]["suppressed"] == 2


@pytest.mark.parametrize("mode", [Mode.NEW, Mode.ALL])
def test_a_set_aside_file_is_listed_where_the_change_is_judged(repo: Repo, mode: Mode) -> None:
    """Padded past max_file_size: listed by sast, once, and in mode new only if changed."""
    padded = NEW_FLAW + "# padding\n" * 200
    repo.write({"old_big.py": padded, ".gate.yml": "max_file_size: 1KB\n"}).commit("base")
    repo.branch("feature").write({"new_big.py": padded, "ok.py": "x = 1\n"}).commit()
    result = _sast(repo, mode)
    [sast] = result.checks
    reason = (f"over max_file_size ({len(padded):,} bytes > 1,000 bytes): read by the secrets "
              "check only")
    expected = ["new_big.py"] if mode == Mode.NEW else ["new_big.py", "old_big.py"]
    assert [(n.path, n.reason) for n in sast.not_scanned] == [(p, reason) for p in expected]
    assert result.findings == ()

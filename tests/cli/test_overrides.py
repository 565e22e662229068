"""Command-line overrides of the policy, quiet output, any format on stdout, FORCE_COLOR.

The real sast check on a two-file repository: ``app/calc.py`` has an ``eval``
(B307, medium) and ``scripts/run.py`` a ``subprocess`` call with
``shell=True`` (B602, high; B404, low, for the import). The default policy fails on high.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gate.cli.main import main


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("overrides") / "repo"
    (root / "app").mkdir(parents=True)
    (root / "scripts").mkdir()
    (root / "app" / "calc.py").write_text("def calc(expr):\n    return eval(expr)\n",
                                          encoding="utf-8")
    (root / "scripts" / "run.py").write_text(
        "import subprocess\n\n\ndef go(cmd):\n    subprocess.call(cmd, shell=True)\n",
        encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def _run(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["run", str(repo), "--checks", "sast", "--no-post", "--no-cache", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _failing(out: str) -> list[str]:
    return sorted(f["rule_id"] for f in json.loads(out)["findings"] if f["failing"])


def test_fail_on_per_check_and_for_all(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(repo, capsys, "--format", "json")
    assert (code, _failing(out)) == (1, ["B602"])
    code, out, _ = _run(repo, capsys, "--format", "json", "--fail-on", "sast=medium")
    assert (code, _failing(out)) == (1, ["B307", "B602"])
    code, out, _ = _run(repo, capsys, "--format", "json", "--fail-on", "critical")
    assert (code, _failing(out)) == (0, [])


def test_fail_on_an_unknown_check_is_a_usage_error(repo: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(repo, capsys, "--fail-on", "nope=high")
    assert code == 2 and out == ""
    assert err.splitlines() == ["gate: error: --fail-on nope=high: no check named 'nope' "
                                "(checks: dependencies, iac, pipeline, sast, secrets)"]


def test_exclude_adds_to_the_policy(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(repo, capsys, "--format", "json", "--exclude", "scripts/**")
    assert code == 0
    assert [f["path"] for f in json.loads(out)["findings"]] == ["app/calc.py"]


def test_quiet_prints_the_verdict_only(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(repo, capsys, "--quiet")
    assert code == 1 and err == ""
    assert out.splitlines()[0].startswith("gate: FAIL  1 failing · 3 findings · 0 suppressed")
    assert out.splitlines()[1:] == ["  policy: built-in default",
                                    "  sast: 1 finding(s) at or above high"]


def test_sarif_on_stdout_holds_its_scope(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(repo, capsys, "--format", "sarif")
    assert code == 1
    [run] = json.loads(out)["runs"]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("B602", "error")]


def test_force_color_colours_a_pipe_and_no_color_wins(
        repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = _run(repo, capsys, "--quiet")
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = _run(repo, capsys, "--quiet")
    assert "\x1b[" not in out
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "0")
    _, out, _ = _run(repo, capsys, "--quiet")
    assert "\x1b[" not in out

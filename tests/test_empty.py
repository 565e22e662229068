"""Judged nothing is not a pass: an empty tree, a check with nothing to read, one file as a tree."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.checks.interface import CheckResult, NotScanned
from gate.cli.main import main
from gate.policy.model import OnEmpty, Policy
from gate.policy.schema import validate
from gate.result import Verdict
from gate.verdict import NOTHING_READ, Emptiness, evaluate, exit_code

APP = "import pickle\n\n\ndef load(data):\n    return pickle.loads(data)\n"


def _text(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["run", *args, "--no-post", "--no-cache"])
    return code, capsys.readouterr().out.splitlines()


def test_an_empty_directory_exits_4_and_says_why(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _text([str(tmp_path)], capsys)
    assert code == 4
    assert lines[0].startswith("gate: EMPTY  0 failing · 0 findings · 0 suppressed (")
    assert lines[1:3] == ["  policy: built-in default", f"  {NOTHING_READ}"]
    assert [line.split()[:2] for line in lines[4:9]] == [
        ["check", "status"], ["sast", "empty"], ["dependencies", "empty"], ["secrets", "empty"],
        ["iac", "empty"]]


def test_a_repository_without_a_commit_is_empty_too(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert _text([str(tmp_path)], capsys)[0] == 4


def test_on_empty_warn_passes_an_empty_tree(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("on_empty: warn\n")
    (tmp_path / "tree").mkdir()
    code, lines = _text([str(tmp_path / "tree"), "--policy", str(policy)], capsys)
    assert code == 0
    assert lines[0].startswith("gate: PASS  0 failing")


def test_a_check_the_policy_requires_fails_when_it_judged_nothing(
        make_repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"lib.py": "x = 1\n", ".gate.yml": "checks:\n  iac:\n    on_empty: fail\n"})
    code, lines = _text([str(root)], capsys)
    assert code == 4
    assert lines[0].startswith("gate: EMPTY  0 failing")
    assert lines[1:3] == ["  policy: .gate.yml",
                          "  iac: judged nothing (no IaC file); on_empty: fail"]


def test_by_default_a_check_with_nothing_to_read_is_a_status_not_a_failure(
        make_repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _text([str(make_repo({"lib.py": "x = 1\n"}))], capsys)
    assert code == 0
    assert lines[0].startswith("gate: PASS  0 failing")
    assert [line.split()[:2] for line in lines[3:8]] == [
        ["check", "status"], ["sast", "pass"], ["dependencies", "empty"], ["secrets", "pass"],
        ["iac", "empty"]]


def test_a_single_file_is_scanned_as_a_one_file_tree(
        make_repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"app.py": APP, "other.py": APP, ".gate.yml": "fail_on: medium\n"})
    code = main(["run", str(root / "app.py"), "--checks", "sast", "--format", "json",
                 "--no-post", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["verdict"]) == (1, "fail")
    assert {f["path"] for f in report["findings"]} == {"app.py"}
    assert report["checks"][0]["files_scanned"] == 1


def test_a_single_file_outside_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "other.py").write_text(APP)
    code = main(["run", str(tmp_path / "app.py"), "--checks", "sast", "--format", "json",
                 "--no-post", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    assert (code, {f["path"] for f in report["findings"]}) == (0, {"app.py"})


def test_a_missing_path_is_a_usage_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"gate: error: path not found: {tmp_path / 'nope'}\n"


def _result(files: int) -> CheckResult:
    return CheckResult(check="sast", tool="bandit", tool_version="1", files_scanned=files)


@pytest.mark.parametrize(("setting", "tree", "files", "verdict"), [
    (OnEmpty.AUTO, 0, 0, Verdict.EMPTY),
    (OnEmpty.AUTO, 3, 0, Verdict.EMPTY),   # files in the tree, but no check read one
    (OnEmpty.WARN, 0, 0, Verdict.PASS),
    (OnEmpty.FAIL, 3, 2, Verdict.PASS),
])
def test_verdict_of_a_lone_check(setting: OnEmpty, tree: int, files: int, verdict: str) -> None:
    run = evaluate(Policy(on_empty=setting), {"sast": _result(files)}, [],
                   empty=Emptiness(tree_files=tree))
    assert run.verdict == verdict
    assert exit_code(run.verdict) == {Verdict.EMPTY: 4, Verdict.PASS: 0}[verdict]


def test_a_check_narrowed_to_a_change_is_not_judged_empty() -> None:
    results = {"sast": _result(0), "secrets": CheckResult(check="secrets", tool="ds",
                                                         tool_version="1", files_scanned=2)}
    run = evaluate(Policy(on_empty=OnEmpty.FAIL), results, [],
                   empty=Emptiness(tree_files=5, exempt=frozenset({"sast"})))
    assert (run.verdict, [c.verdict for c in run.checks]) == (Verdict.PASS, ["pass", "pass"])


def test_every_exit_code_is_in_the_readme_table_and_the_help() -> None:
    from gate.cli.main import EPILOG
    from gate.verdict import EXIT_CODES

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    table = {line.split("|")[1].strip() for line in readme.splitlines()
             if line.startswith("| ") and line.split("|")[1].strip().isdigit()}
    assert table == {"0", "1", "2", "3", "4"}
    assert {str(c) for c in EXIT_CODES.values()} | {"2"} == table
    assert [line.split()[0] for line in EPILOG.splitlines()[1:]
            if line.startswith("  ") and line.split()[0].isdigit()][:5] == ["0", "1", "2", "3", "4"]


def test_a_check_set_to_fail_fails_even_when_the_run_may_be_empty() -> None:
    policy = validate({"on_empty": "warn", "checks": {"sast": {"on_empty": "fail"}}})
    run = evaluate(policy, {"sast": _result(0)}, [], empty=Emptiness(tree_files=0))
    assert (run.verdict, run.reasons) == (
        Verdict.EMPTY, ("sast: judged nothing (no Python file); on_empty: fail",))


def test_a_check_whose_every_file_was_not_scanned_says_so() -> None:
    result = CheckResult(check="sast", tool="bandit", tool_version="1", files_scanned=0,
                         not_scanned=(NotScanned("a.py", "syntax error"),))
    secrets = CheckResult(check="secrets", tool="ds", tool_version="1", files_scanned=1)
    run = evaluate(Policy(on_empty=OnEmpty.FAIL), {"sast": result, "secrets": secrets}, [],
                   empty=Emptiness(tree_files=1))
    assert run.reasons == (
        "sast: judged nothing (every file it was given is not scanned: 1); on_empty: fail",)

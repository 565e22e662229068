"""The verdict does not depend on the working directory: repository root, scope, nearest policy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gate.cli.main import main
from gate.workspace import Workspace, policy_candidates, resolve_workspace

# A shell-injection sink in code (fails at high) and in a test (context "test": never fails).
SINK = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
FILES = {"app.py": SINK, "tests/test_app.py": SINK, "pkg/lib.py": "x = 1\n",
         ".gate.yml": "fail_on: high\nwaivers: []\n", "pkg/.gate.yml": "fail_on: low\n"}


def test_resolve_workspace(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo(FILES).resolve()
    assert resolve_workspace(None, cwd=root / "tests") == Workspace(root=root)
    assert resolve_workspace(root / "tests") == Workspace(root, "tests", "tests")
    assert resolve_workspace(root / "pkg" / "lib.py") == Workspace(root, "pkg/lib.py", "pkg")
    assert resolve_workspace(root) == Workspace(root)
    plain = tmp_path / "plain"
    (plain / "sub").mkdir(parents=True)
    assert resolve_workspace(plain / "sub") == Workspace(plain.resolve() / "sub")


def test_policy_candidates_nearest_first() -> None:
    assert policy_candidates("a/b") == ("a/b/.gate.yml", "a/.gate.yml", ".gate.yml")
    assert policy_candidates("") == (".gate.yml",)


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["run", *args, "--checks", "sast", "--format", "json", "--no-post",
                 "--no-cache"])
    return code, json.loads(capsys.readouterr().out)


def _essence(report: dict[str, Any]) -> tuple[object, ...]:
    return (report["verdict"], report["policy"], report["reasons"], report["warnings"],
            [(f["path"], f["start_line"], f["rule_id"], f["context"], f["failing"])
             for f in report["findings"]])


def test_running_from_a_subdirectory_judges_the_repository(
        make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(FILES)
    monkeypatch.chdir(root)
    from_root = _json([], capsys)
    monkeypatch.chdir(root / "tests")
    from_tests = _json([], capsys)
    assert from_tests[0] == from_root[0] == 1
    assert _essence(from_tests[1]) == _essence(from_root[1])
    contexts = {(f["path"], f["context"]) for f in from_root[1]["findings"]}
    assert ("tests/test_app.py", "test") in contexts and ("app.py", "code") in contexts
    assert from_root[1]["policy"] == ".gate.yml"
    assert from_root[1]["warnings"] == [
        "1 .gate.yml file(s) in the scanned tree do not apply to this run (policy: .gate.yml; "
        "a nested policy applies only when its directory is the path scanned): pkg/.gate.yml"]


def test_a_subdirectory_path_keeps_root_relative_paths_and_takes_the_nearest_policy(
        make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(FILES)
    monkeypatch.chdir(root / "pkg")
    code, report = _json(["."], capsys)
    assert (code, report["policy"], report["warnings"]) == (0, "pkg/.gate.yml", [])
    monkeypatch.chdir(root / "tests")
    code, report = _json(["."], capsys)
    assert (code, report["verdict"], report["policy"]) == (0, "pass", ".gate.yml")
    assert {(f["path"], f["context"]) for f in report["findings"]} == {
        ("tests/test_app.py", "test")}


def test_the_text_report_names_the_policy(make_repo: Callable[..., Path],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(FILES)
    assert main(["run", str(root / "pkg"), "--checks", "sast", "--no-post", "--no-cache"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "  policy: pkg/.gate.yml"


def test_a_baseline_recorded_from_a_subdirectory_lands_at_the_root(
        make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(FILES)
    monkeypatch.chdir(root / "tests")
    assert main(["baseline", "--checks", "sast"]) == 0
    assert (root / ".gate-baseline.json").is_file()
    assert not (root / "tests" / ".gate-baseline.json").exists()

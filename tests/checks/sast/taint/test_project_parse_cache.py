"""The dataflow pass's parse trees: kept per worker, reused only for the same text, bounded."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gate.checks.sast.taint import analyse
from gate.checks.sast.taint import project as project_module
from gate.checks.sast.taint.analyse import analyse_file, forget_projects
from gate.checks.sast.taint.interface import FileAnalysis
from gate.checks.sast.taint.project import Project
from gate.checks.sast.taint.resolve import parse_module

VIEWS = (
    "import os\n"
    "from flask import request\n"
    "from app import helpers\n"
    "\n"
    "\n"
    "def run():\n"
    "    os.system(helpers.clean(request.args['cmd']))\n"
    "    helpers.launch(request.args['c'])\n"
)
HELPERS = (
    "import subprocess\n"
    "from flask import request\n"
    "\n"
    "\n"
    "def clean(value):\n"
    "    return value\n"
    "\n"
    "\n"
    "def launch(command):\n"
    "    subprocess.run(command, shell=True)\n"
    "\n"
    "\n"
    "def own():\n"
    "    subprocess.run(request.args['x'], shell=True)\n"
)


def _tree(root: Path) -> None:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "views.py").write_text(VIEWS)
    (root / "app" / "helpers.py").write_text(HELPERS)


def _key(analysis: FileAnalysis) -> tuple[object, ...]:
    return (analysis.findings, tuple(sorted(set(analysis.marks), key=repr)), analysis.lookups,
            analysis.error)


def test_a_scanned_file_imported_earlier_analyses_as_in_a_fresh_worker(tmp_path: Path) -> None:
    _tree(tmp_path)
    forget_projects()
    views = analyse_file(tmp_path, "app/views.py")  # parses app/helpers.py as an import
    project = analyse._PROJECTS[str(tmp_path)]
    kept = project.parsed["app/helpers.py"][1]
    assert kept is not None
    parses: list[str] = []
    original = project_module.parse_module

    def counting(rel: str, source: bytes | str) -> object:
        parses.append(rel)
        return original(rel, source)

    try:
        project_module.parse_module = counting  # type: ignore[assignment]
        helpers = analyse_file(tmp_path, "app/helpers.py")
    finally:
        project_module.parse_module = original
    assert parses == []  # the kept tree served the scanned file
    forget_projects()
    alone = analyse_file(tmp_path, "app/helpers.py")
    assert _key(helpers) == _key(alone)
    assert [f.rule_id for f in helpers.findings] != []  # the comparison saw a finding
    assert [f.line for f in views.findings] == [7, 8]  # through the helper's summary
    forget_projects()


def test_a_kept_tree_is_reused_only_for_the_same_text(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(HELPERS)
    project = Project(tmp_path, 1000)
    imported = project._parse("m.py")
    assert imported is not None
    assert project.parse_scanned("m.py", HELPERS.encode()) is imported
    changed = HELPERS.replace("shell=True", "shell=False").encode()
    fresh = project.parse_scanned("m.py", changed)
    assert fresh is not imported
    assert ast.dump(fresh.tree) == ast.dump(parse_module("m.py", changed).tree)
    assert ast.dump(imported.tree) == ast.dump(parse_module("m.py", HELPERS.encode()).tree)
    assert project.parsed["m.py"][1] is imported  # a scanned text is not kept
    unseen = project.parse_scanned("other.py", b"x = 1\n")
    assert "other.py" not in project.parsed
    assert unseen.functions == {} and unseen.rel == "other.py"


def test_a_scanned_file_that_does_not_parse_still_raises(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("def broken(:\n")
    project = Project(tmp_path, 1000)
    assert project._parse("bad.py") is None  # kept as "does not parse"
    with pytest.raises(SyntaxError):
        project.parse_scanned("bad.py", b"def broken(:\n")


def test_the_kept_trees_are_bounded_by_count_and_by_text(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project_module, "MAX_PARSED", 3)
    monkeypatch.setattr(project_module, "MAX_PARSED_BYTES", 100)
    for index in range(5):
        (tmp_path / f"m{index}.py").write_text(f"x = {index}\n")
    (tmp_path / "big.py").write_text("y = 1\n" * 15)  # 90 bytes
    project = Project(tmp_path, 1000)
    for index in range(5):
        project._parse(f"m{index}.py")
    assert list(project.parsed) == ["m2.py", "m3.py", "m4.py"]  # count
    project._parse("m2.py")  # used: now the most recent
    project._parse("big.py")
    assert list(project.parsed) == ["m2.py", "big.py"]  # text: 6 + 90 <= 100 < 6 + 6 + 90
    assert project.parsed_bytes == 96
    assert project._parse("gone.py") is None
    assert list(project.parsed) == ["m2.py", "big.py", "gone.py"]

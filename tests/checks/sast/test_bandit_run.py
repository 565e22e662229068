"""Driving bandit one file at a time, and leaving nothing of a file behind."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

from gate.checks.engine.workers import call_chunk
from gate.checks.sast.bandit_run import _shared_nodes, run_bandit
from gate.checks.sast.check import scan_files

SHELL = "import subprocess\n\n\ndef run(c):\n    return subprocess.call(c, shell=True) + 1\n"
ASSERT = "def f(x):\n    assert x == 1 and not x < 0\n"


def _issues(run: object) -> list[tuple[str, str, int]]:
    return sorted((Path(i.fname).name, str(i.test_id), int(i.lineno))
                  for i in run.issues)  # type: ignore[attr-defined]


def test_a_batch_finds_what_each_file_alone_finds(tmp_path: Path) -> None:
    for name, text in (("a.py", SHELL), ("b.py", ASSERT), ("c.py", "def broken(:\n")):
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / n) for n in ("c.py", "a.py", "b.py", "gone.py", "a.py")]
    batch = run_bandit(paths)
    alone = [run_bandit([str(tmp_path / n)]) for n in ("a.py", "b.py")]
    assert _issues(batch) == sorted(_issues(alone[0]) + _issues(alone[1])) == [
        ("a.py", "B404", 1), ("a.py", "B602", 5), ("b.py", "B101", 2)]
    assert sorted((Path(p).name, why) for p, why in batch.skipped) == [
        ("c.py", "syntax error while parsing AST from file"),
        ("gone.py", "No such file or directory")]
    assert batch.crashed == ()


def test_the_nodes_every_tree_shares_are_found() -> None:
    shared = {type(node).__name__ for node in _shared_nodes()}
    assert {"Load", "Store", "Del", "Add", "And", "Not", "Eq", "NotIn"} <= shared
    assert ast.parse("x + y").body[0].value.op in _shared_nodes()  # type: ignore[attr-defined]


def test_no_parse_tree_outlives_its_file(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(SHELL + ASSERT)
    gc.collect()
    before = sum(isinstance(o, ast.Module) for o in gc.get_objects())
    kind, result = call_chunk(scan_files, tmp_path, ("a.py", "b.py"))
    assert kind == "ok" and len(result.findings) == 6
    assert [vars(node).get("_bandit_parent") for node in _shared_nodes()] == \
        [None] * len(_shared_nodes())
    assert sum(isinstance(o, ast.Module) for o in gc.get_objects()) == before

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


MANY = '''import pickle, subprocess, hashlib, random, yaml, tempfile, requests
from flask import Flask
password = "hunter2"  # nosec B105
app = Flask(__name__)


def connect(user, secret="s3cr3t"):
    query = "SELECT * FROM t WHERE u = '%s'" % user  # nosec
    try:
        exec(user)
    except Exception:
        pass
    for _ in range(3):
        try:
            eval(user)  # nosec: B307 trusted
        except ValueError:
            continue
    subprocess.call(user, shell=True)
    subprocess.Popen(["ls", user])  # nosec B603
    os_cmd = f"rm {user}"
    pickle.loads(user)
    hashlib.md5(user)
    yaml.load(user)
    tempfile.mktemp()
    open("/tmp/x", "w")
    random.random()
    requests.get(user, verify=False)
    assert user, (  # nosec
        "multi-line"
    )
    return query, os_cmd, secret, b"bytes", "\u202e"


app.run(debug=True, host="0.0.0.0")
'''


def _all_fields(run: object) -> list[tuple[object, ...]]:
    return sorted((i.fname, i.test_id, i.test, i.lineno, i.col_offset, i.end_col_offset,
                   tuple(i.linerange), str(i.severity), str(i.confidence), i.text,
                   getattr(i.cwe, "id", None))
                  for i in run.issues)  # type: ignore[attr-defined]


def _plain_bandit(paths: list[str], ignore_nosec: bool) -> list[tuple[object, ...]]:
    """bandit's own manager, unchanged, over ``paths`` in one run."""
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

    from gate.checks.sast.bandit_run import BanditRun, _captured_bandit_logs

    with _captured_bandit_logs():
        manager = b_manager.BanditManager(b_config.BanditConfig(), "file", quiet=True,
                                          ignore_nosec=ignore_nosec)
        manager.files_list = sorted(paths)
        manager.run_tests()
        return _all_fields(BanditRun(tuple(manager.results), (), ()))


def test_the_issues_are_those_of_bandits_own_manager(tmp_path: Path) -> None:
    """The manager without scores and empty-table nosec look-ups reports bandit's issues."""
    from bandit.core import manager as b_manager

    from gate.checks.sast.bandit_run import _manager_class

    assert _manager_class() is not b_manager.BanditManager  # the installed bandit is the one
    (tmp_path / "many.py").write_text(MANY)
    sources = Path(__file__).parents[3] / "gate"
    paths = [str(tmp_path / "many.py"),
             *(str(p) for p in sorted((sources / "checks" / "sast").glob("*.py"))),
             *(str(p) for p in sorted((sources / "git").glob("*.py")))]
    ours = _all_fields(run_bandit(paths))
    assert ours == _plain_bandit(paths, ignore_nosec=True)
    many = [i for i in ours if i[0] == str(tmp_path / "many.py")]
    assert len(many) >= 20 and len({i[1] for i in many}) >= 15
    assert len(ours) > len(many)  # the gate's own sources flagged too


def test_with_markers_read_the_tester_defers_to_bandit(tmp_path: Path) -> None:
    """Where bandit did read ``# nosec`` markers, they act exactly as in bandit."""
    from bandit.core import config as b_config

    from gate.checks.sast.bandit_run import BanditRun, _manager_class

    (tmp_path / "many.py").write_text(MANY)
    paths = [str(tmp_path / "many.py")]
    manager = _manager_class()(b_config.BanditConfig(), "file", quiet=True, ignore_nosec=False)
    manager.files_list = paths
    manager.run_tests()
    ours = _all_fields(BanditRun(tuple(manager.results), (), ()))
    assert ours == _plain_bandit(paths, ignore_nosec=False)
    assert len(ours) < len(_plain_bandit(paths, ignore_nosec=True))  # the markers did act

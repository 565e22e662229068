"""``# gate:ignore[RULE]`` on the line above a Python statement, and unused markers (RUF100).

The real sast and secrets checks on one file: a marker above a call (honoured),
one on the flagged line (honoured), one naming a rule nothing reports there
(unused), one in a string literal (not a marker), and a secret-type marker on
a line detect-secrets flags (used by the secrets check, unknown to bandit).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from gate.cli.main import main

# Built at runtime so that no scanner (ours included) flags this file.
KEY = "AKIA" + "Q3JX7N2P9VT4LM8Z"
SOURCE = f'''import subprocess


def go(cmd):
    # gate:ignore[B602] runs in the sandbox container
    subprocess.call(cmd, shell=True)
    value = eval(cmd)  # gate:ignore[B307] parsed by a trusted template
    count = 1  # gate:ignore[B105, B608] nothing of the kind here
    text = "# gate:ignore[B101] only text"
    aws = "{KEY}"  # gate:ignore[AWS Access Key] the documented example key
    return value, count, text, aws
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("markers") / "repo"
    root.mkdir()
    (root / "app.py").write_text(SOURCE, encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    out = root.parent / "gate.json"
    main(["run", str(root), "--checks", "sast,secrets", "--no-post", "--no-cache",
          "--report", f"json={out}"])
    loaded: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def test_a_marker_on_the_line_above_suppresses(report: dict[str, object]) -> None:
    findings = report["findings"]
    assert isinstance(findings, list)
    suppressed = {(f["rule_id"], f["start_line"]): f["suppression"]["source"]
                  for f in findings if f["suppressed"]}
    assert suppressed == {("B602", 6): "app.py:5 # gate:ignore",
                          ("B307", 7): "app.py:7 # gate:ignore",
                          ("GATE-SECRET-AWS-ACCESS-KEY-ID", 10): "app.py:10 # gate:ignore"}


def test_unused_markers_are_warned_about_one_by_one(report: dict[str, object]) -> None:
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    assert [w for w in warnings if "unused suppression" in w] == [
        "app.py:8: unused suppression gate:ignore[B105, B608]: no such finding on this line "
        "or the one below; remove it"]


def test_files_without_markers_are_not_read_again(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.triage import suppress_unused

    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)
    root, cache = tmp_path / "repo", tmp_path / "cache"
    root.mkdir()
    (root / "plain.py").write_text("x = 1\n")
    (root / "marked.py").write_text("x = 1  # gate:ignore[B101] stale\n")
    scanned = {"sast": frozenset({"plain.py", "marked.py"})}
    opened: list[str] = []
    real = open

    def counting(file: str, *args: object, **kwargs: object) -> object:
        opened.append(Path(file).name)
        return real(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(suppress_unused, "open", counting, raising=False)
    expected = ("marked.py:1: unused suppression gate:ignore[B101]: no such finding on this "
                "line or the one below; remove it",)
    assert suppress_unused.unused_markers(root, scanned, [], cache_dir=cache) == expected
    assert sorted(opened) == ["marked.py", "plain.py"]
    opened.clear()
    assert suppress_unused.unused_markers(root, scanned, [], cache_dir=cache) == expected
    assert opened == ["marked.py"]  # a file with a marker is read to report it
    (root / "plain.py").write_text("y = 1  # gate:ignore[B105] new\n")
    opened.clear()
    assert len(suppress_unused.unused_markers(root, scanned, [], cache_dir=cache)) == 2
    assert sorted(opened) == ["marked.py", "plain.py"]


def test_markers_found_beforehand_for_more_files_report_only_the_scanned(tmp_path: Path) -> None:
    from gate.triage.suppress_unused import find_markers, unused_markers

    (tmp_path / "a.py").write_text("x = 1  # gate:ignore[B101] stale\n")
    (tmp_path / "b.py").write_text("y = 2  # gate:ignore[B105] stale too\n")
    (tmp_path / "c.txt").write_text("# gate:ignore[B101] not Python\n")
    markers = find_markers(tmp_path, ["a.py", "b.py", "c.txt"])
    assert markers == {"a.py": [(1, "# gate:ignore[B101] stale")],
                       "b.py": [(1, "# gate:ignore[B105] stale too")]}
    scanned = {"sast": frozenset({"a.py"})}  # b.py was not scanned to completion
    assert unused_markers(tmp_path, scanned, [], markers=markers) == (
        "a.py:1: unused suppression gate:ignore[B101]: no such finding on this line or the "
        "one below; remove it",)
    assert unused_markers(tmp_path, scanned, [], markers=markers) == \
        unused_markers(tmp_path, scanned, [])


def test_the_inventory_s_stats_serve_and_the_file_is_not_stat_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The inventory took every file's stat before anything read it: the facts are keyed by
    that one, and the marker search takes none of its own."""
    from gate.inventory import build_inventory
    from gate.triage import suppress_unused

    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)
    (tmp_path / "a.py").write_text("x = 1  # gate:ignore[B101] stale\n")
    (tmp_path / "b.py").write_text("y = 2\n")
    inventory = build_inventory(tmp_path)
    assert sorted(inventory.stats) == ["a.py", "b.py"]

    taken: list[str] = []
    real = os.stat

    def counting(path: str, *args: object, **kwargs: object) -> os.stat_result:
        taken.append(os.path.basename(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", counting)
    markers = suppress_unused.find_markers(tmp_path, ["a.py", "b.py"], tmp_path / "cache",
                                           inventory.stats)
    assert markers == {"a.py": [(1, "# gate:ignore[B101] stale")]}
    assert [name for name in taken if name.endswith(".py")] == []
    assert suppress_unused.find_markers(tmp_path, ["a.py", "b.py"], tmp_path / "cache") == markers
    assert sorted(name for name in taken if name.endswith(".py")) == ["a.py", "b.py"]

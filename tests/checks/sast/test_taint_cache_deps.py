"""The dataflow pass's cache entries: valid while the modules their analysis looked up are.

Real git repositories (so unchanged files get git's ids), the real cache in
tmp dirs, the real pool: each test counts what a second run served from the
cache and what it analysed again.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from gate.checks.engine.cached_scan import FileScan, scan_with_cache
from gate.checks.engine.digests import snapshot
from gate.checks.interface import ScanTarget
from gate.checks.sast import SastCheck
from gate.checks.sast.check import taint_spec
from gate.checks.sast.taint_deps import TaintDependencies, _decoded, _encoded
from gate.checks.sast.taint_scan import DEPS_RULE, MARK_RULE, scan_taint_files

VIEWS = (
    "import os\n"
    "from flask import request\n"
    "from app import helpers\n"
    "\n"
    "\n"
    "def run():\n"
    "    os.system(helpers.clean(request.args['cmd']))\n"
)
SANITISING = "import shlex\n\n\ndef clean(value):\n    return shlex.quote(value)\n"
PASSING = "def clean(value):\n    return value\n"
OTHER = (
    "import subprocess\n"
    "from flask import request\n"
    "\n"
    "\n"
    "def other():\n"
    "    subprocess.run(request.args['x'], shell=True)\n"
)
SIBLING = (
    "import os\n"
    "from flask import request\n"
    "import utils\n"
    "\n"
    "\n"
    "def run():\n"
    "    os.system(utils.clean(request.args['cmd']))\n"
)


pytestmark = pytest.mark.usefixtures("whole_results_for_small_trees")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)


def _repo(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "fixture")


def _scan(root: Path, cache: Path, files: tuple[str, ...]) -> FileScan:
    target = ScanTarget(root=root, files=files, jobs=2, cache_dir=cache)
    tree = snapshot(root, files)
    return scan_with_cache(taint_spec(target, tree), target, files, tree)


def _without_lookups(scan: FileScan) -> list[object]:
    """Everything but the lookups finding (a cached one also carries its stamp)."""
    return [f for f in scan.findings if f.rule_id != DEPS_RULE]


def _cmdi(scan: FileScan) -> list[tuple[str, int | None]]:
    return [(f.path, f.start_line) for f in scan.findings if f.rule_id == "GATE-PY-CMDI"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    _repo(root, {"app/__init__.py": "", "app/views.py": VIEWS, "app/helpers.py": SANITISING,
                 "app/other.py": OTHER})
    return root


FILES = ("app/__init__.py", "app/helpers.py", "app/other.py", "app/views.py")


def test_editing_an_unrelated_file_reanalyses_only_that_file(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _scan(repo, cache, FILES)
    assert (cold.cached, cold.scanned) == (0, 4)
    assert _cmdi(cold) == [("app/other.py", 6)]
    (repo / "app/other.py").write_text(OTHER + "\n# edited\n", encoding="utf-8")
    warm = _scan(repo, cache, FILES)
    assert (warm.cached, warm.scanned) == (3, 1)
    assert _without_lookups(warm) == _without_lookups(cold)


def test_editing_an_imported_module_reanalyses_its_importers(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _cmdi(_scan(repo, cache, FILES)) == [("app/other.py", 6)]
    (repo / "app/helpers.py").write_text(PASSING, encoding="utf-8")
    passing = _scan(repo, cache, FILES)
    assert (passing.cached, passing.scanned) == (2, 2)  # helpers.py itself and views.py
    assert _cmdi(passing) == [("app/other.py", 6), ("app/views.py", 7)]
    (repo / "app/helpers.py").write_text(SANITISING + "# sanitising again\n", encoding="utf-8")
    back = _scan(repo, cache, FILES)
    assert (back.cached, back.scanned) == (2, 2)
    assert _cmdi(back) == [("app/other.py", 6)]


def test_a_warm_run_reads_the_whole_result_and_the_stale_files_own_entries(
        repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _scan(repo, cache, FILES)
    unchanged = _scan(repo, cache, FILES)
    assert (unchanged.cached, unchanged.scanned, unchanged.entries_read) == (4, 0, 1)
    (repo / "app/helpers.py").write_text(PASSING, encoding="utf-8")
    passing = _scan(repo, cache, FILES)
    # the whole result; helpers.py's own entry (new content: none); views.py's own entry
    # (its recorded dependencies are stale, and so is that entry's stamp): both analysed again
    assert (passing.cached, passing.scanned, passing.entries_read) == (2, 2, 3)
    assert _cmdi(passing) == [("app/other.py", 6), ("app/views.py", 7)]
    again = _scan(repo, cache, FILES)
    assert (again.cached, again.scanned, again.entries_read) == (4, 0, 1)
    assert _cmdi(again) == _cmdi(passing)


def test_deleting_an_imported_module_reanalyses_its_importers(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _scan(repo, cache, FILES)
    (repo / "app/helpers.py").unlink()
    files = tuple(f for f in FILES if f != "app/helpers.py")
    gone = _scan(repo, cache, files)
    assert (gone.cached, gone.scanned) == (2, 1)  # views.py only
    # the call is now to an unknown function: its argument's taint passes through
    assert _cmdi(gone) == [("app/other.py", 6), ("app/views.py", 7)]


def test_a_module_shadowing_the_resolved_one_invalidates(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _repo(root, {"app/views.py": SIBLING, "src/utils.py": SANITISING})
    files = ("app/views.py", "src/utils.py")
    assert _cmdi(_scan(root, cache, files)) == []  # utils -> src/utils.py, which sanitises
    (root / "utils.py").write_text(PASSING, encoding="utf-8")  # the root comes before src/
    shadowed = _scan(root, cache, (*files, "utils.py"))
    assert (shadowed.cached, shadowed.scanned) == (1, 2)  # views.py and the new utils.py
    assert _cmdi(shadowed) == [("app/views.py", 7)]


def test_a_module_appearing_where_an_import_found_nothing_invalidates(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _repo(root, {"app/views.py": SIBLING, "app/other.py": OTHER})
    files = ("app/other.py", "app/views.py")
    # utils is nowhere: an unknown function, whose argument's taint passes through
    assert _cmdi(_scan(root, cache, files)) == [("app/other.py", 6), ("app/views.py", 7)]
    (root / "app/utils.py").write_text(SANITISING, encoding="utf-8")  # a sibling
    found = _scan(root, cache, (*files, "app/utils.py"))
    assert (found.cached, found.scanned) == (1, 2)
    assert _cmdi(found) == [("app/other.py", 6)]


def _age(path: Path) -> None:
    """Date a file a minute back (it was not written during the coming run)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def test_a_module_outside_the_scanned_files_is_tracked_too(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _repo(root, {"app/views.py": SIBLING, "src/utils.py": SANITISING})
    _age(root / "src/utils.py")
    files = ("app/views.py",)  # src/ excluded from the scan, still read for summaries
    assert _cmdi(_scan(root, cache, files)) == []
    again = _scan(root, cache, files)
    assert (again.cached, again.scanned) == (1, 0)
    (root / "src/utils.py").write_text(PASSING, encoding="utf-8")
    _age(root / "src/utils.py")
    edited = _scan(root, cache, files)
    assert (edited.cached, edited.scanned) == (0, 1)
    assert _cmdi(edited) == [("app/views.py", 7)]


def test_an_outside_module_written_during_the_run_is_not_trusted(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _repo(root, {"app/views.py": SIBLING, "src/utils.py": SANITISING})
    st = (root / "src/utils.py").stat()  # dated after the run's start, as if edited during it
    os.utime(root / "src/utils.py", ns=(st.st_atime_ns, time.time_ns() + 10_000_000_000))
    files = ("app/views.py",)
    _scan(root, cache, files)  # the stamp records that src/utils.py cannot be trusted
    again = _scan(root, cache, files)
    assert (again.cached, again.scanned) == (0, 1)


def test_cached_and_uncached_results_are_identical(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = ScanTarget(root=repo, files=FILES)
    cached = replace(plain, jobs=2, cache_dir=cache)
    uncached = SastCheck().run(plain).findings
    assert {f.rule_id for f in uncached} >= {"GATE-PY-CMDI", "B404", "B602", "B605"}
    assert SastCheck().run(cached).findings == uncached  # cold
    assert SastCheck().run(cached).findings == uncached  # warm
    (repo / "app/helpers.py").write_text(PASSING, encoding="utf-8")
    edited = SastCheck().run(plain).findings
    assert edited != uncached
    assert SastCheck().run(cached).findings == edited


def test_internal_findings_never_reach_a_report(repo: Path, tmp_path: Path) -> None:
    from gate.pipeline import RunOptions, run

    report = tmp_path / "gate.json"
    options = RunOptions(path=repo, checks=("sast",), reports=(("json", report),), post=False,
                         jobs=2, cache_dir=tmp_path / "cache", env={})
    for _ in range(2):  # cold, then everything from the cache
        result = run(options)
        text = report.read_text(encoding="utf-8")
        assert {f.rule_id for f in result.findings} & {DEPS_RULE, MARK_RULE} == set()
        assert DEPS_RULE not in text and MARK_RULE not in text
        assert '"GATE-PY-CMDI"' in text


def test_editing_a_module_two_hops_away_reanalyses_the_importer(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _repo(root, {
        "app/__init__.py": "",
        "app/views.py": ("import os\nfrom app.params import host\n\n\n"
                         "def ping():\n    os.system('ping ' + host())\n"),
        "app/params.py": "from app.inputs import raw\n\n\ndef host():\n    return raw().strip()\n",
        "app/inputs.py": "def raw():\n    return 'localhost'\n",
    })
    files = ("app/__init__.py", "app/inputs.py", "app/params.py", "app/views.py")
    cache = tmp_path / "cache"
    assert _cmdi(_scan(root, cache, files)) == []
    (root / "app/inputs.py").write_text(
        "from flask import request\n\n\ndef raw():\n    return request.args['h']\n",
        encoding="utf-8")
    edited = _scan(root, cache, files)
    assert _cmdi(edited) == [("app/views.py", 6)]
    assert edited.scanned == 2  # inputs.py, and views.py that reaches it through params.py


def test_the_code_digest_covers_every_module_of_the_dataflow_layer() -> None:
    import pkgutil

    import gate.checks.sast.taint as taint
    from gate.checks.sast.check import TAINT_MODULES

    modules = {f"gate.checks.sast.taint.{m.name}" for m in pkgutil.iter_modules(taint.__path__)}
    assert sorted(modules - set(TAINT_MODULES)) == []


def test_the_whole_entry_state_of_a_lookup_holds_until_its_module_changes(
        repo: Path) -> None:
    tree = snapshot(repo, FILES)
    deps = TaintDependencies(repo, tree.ids)
    scanned = scan_taint_files(repo, ["app/views.py"]).findings
    sealed = deps.seal("app/views.py", scanned)
    assert sealed is not None
    split = deps.split("app/views.py", sealed)
    assert split is not None
    kept, states = split
    assert list(kept) == [f for f in scanned if f.rule_id != DEPS_RULE]
    [carrier] = [f for f in scanned if f.rule_id == DEPS_RULE]
    lookups = json.loads(dict(carrier.extra)["lookups"])
    assert [_decoded(s) for s in states] == [
        (dotted, where, found, tree.ids[found] if found else "-")
        for dotted, where, found in lookups]
    assert "app/helpers.py" in {found for _, _, found in lookups}
    assert deps.stale(states) == set()
    (repo / "app/helpers.py").write_text(PASSING, encoding="utf-8")
    later = TaintDependencies(repo, snapshot(repo, FILES).ids)
    stale = later.stale(states)
    assert stale and {lookups[i][2] for i in stale} == {"app/helpers.py"}
    fine = next(i for i in range(len(states)) if i not in stale)
    # what does not decode as a state is stale, never served
    assert later.stale([states[fine], "not a state", 5, states[fine] + "\0x"]) == {1, 2, 3}


def test_per_file_entries_alone_still_invalidate_on_an_imported_module(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_MIN_FILES", 1000)
    cache = tmp_path / "cache"
    cold = _scan(repo, cache, FILES)
    assert cold.entries_read == 4  # no whole entry: each file's own
    (repo / "app/helpers.py").write_text(PASSING, encoding="utf-8")
    passing = _scan(repo, cache, FILES)
    assert (passing.cached, passing.scanned, passing.entries_read) == (2, 2, 4)
    assert _cmdi(passing) == [("app/other.py", 6), ("app/views.py", 7)]
    fresh = _scan(repo, tmp_path / "other-cache", FILES)
    assert _without_lookups(passing) == _without_lookups(fresh)


def test_a_narrowed_run_keeps_the_other_files_dependencies(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _scan(repo, cache, FILES)
    (repo / "app/other.py").write_text(OTHER + "\n# edited\n", encoding="utf-8")
    narrowed = _scan(repo, cache, ("app/other.py",))  # a change-only run
    assert (narrowed.cached, narrowed.scanned) == (0, 1)
    full = _scan(repo, cache, FILES)
    assert (full.cached, full.scanned, full.entries_read) == (4, 0, 1)
    (repo / "app/helpers.py").write_text(PASSING, encoding="utf-8")
    edited = _scan(repo, cache, FILES)  # the carried rows still know what views.py imports
    assert (edited.cached, edited.scanned) == (2, 2)
    assert _cmdi(edited) == [("app/other.py", 6), ("app/views.py", 7)]
    assert _without_lookups(edited) == _without_lookups(_scan(repo, tmp_path / "cold", FILES))


def test_the_freshness_check_locates_modules_as_the_analysis_does(tmp_path: Path) -> None:
    from gate.checks.sast.taint.resolve import MAX_MODULE_BYTES, locate

    root = tmp_path / "repo"
    for rel, text in {"app/views.py": "", "app/helpers.py": "", "src/lib/__init__.py": "",
                      "src/lib/core.py": "", "pkg/__init__.py": "", "pkg/big.py": "#" * (
                          MAX_MODULE_BYTES + 1), "real/mod.py": "", "plain": "",
                      "app/sub/mod.py": ""}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "linked").symlink_to(root / "real", target_is_directory=True)
    (root / "app/alias.py").symlink_to(root / "app/helpers.py")
    names = ("app.helpers", "helpers", "lib", "lib.core", "lib.gone", "pkg", "pkg.big",
             "linked.mod", "plain.x", "alias", "os.path", "flask", "app.views.x", "real",
             "sub.mod", "sub.gone", "gone.mod", "sub")
    places = ("", ".", "app", "pkg", "src", "linked", "nowhere/deep", "plain")
    deps = TaintDependencies(root, {})
    found = {(n, p): deps._locate(n, p) for n in names for p in places}
    assert found == {(n, p): locate(root, p, n) for n in names for p in places}
    assert {k: v for k, v in found.items() if k[1] == "app"} == {
        ("app.helpers", "app"): "app/helpers.py", ("helpers", "app"): "app/helpers.py",
        ("lib", "app"): "src/lib/__init__.py", ("lib.core", "app"): "src/lib/core.py",
        ("lib.gone", "app"): None, ("pkg", "app"): "pkg/__init__.py", ("pkg.big", "app"): None,
        ("linked.mod", "app"): "linked/mod.py", ("plain.x", "app"): None,
        ("alias", "app"): None, ("os.path", "app"): None, ("flask", "app"): None,
        ("app.views.x", "app"): None, ("real", "app"): None, ("sub.mod", "app"): "app/sub/mod.py",
        ("sub.gone", "app"): None, ("gone.mod", "app"): None, ("sub", "app"): None}
    # the whole entry's states, judged in one pass, hold exactly where each lookup still finds
    # what it found
    table = [_encoded((n, p, where, deps._identity(where, sealing=False)))
             for (n, p), where in found.items()]
    assert None not in table
    assert TaintDependencies(root, {}).stale(table) == set()
    moved = [_encoded((n, p, "app/helpers.py" if where is None else None, "-"))
             for (n, p), where in found.items()]
    assert TaintDependencies(root, {}).stale(moved) == set(range(len(moved)))

"""The whole-result entry: a warm run reads one entry per scan, not one per file.

Real bandit over a small git repository (so unchanged files get git's ids),
the real store in tmp dirs. Each test counts the entries a run opened
(``FileScan.entries_read`` and the store's own reads) and what it scanned
again, and compares findings with an uncached scan.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cache_rows import Row, connection, execute, rows, write

from gate.cache import SqliteStore
from gate.cache.codec import CodecError, decode_file_result, encode_file_result
from gate.cache.entry import canonical
from gate.cache.mac import cache_key, sign
from gate.cache.whole import WHOLE_VERSION, WholeWriter, decode_whole
from gate.checks.engine.cached_scan import FileScan, FileScanSpec, scan_with_cache
from gate.checks.interface import ScanTarget
from gate.checks.sast import scan_files as sast_scan

FILES = {
    "app/run.py": "import subprocess\n\ndef run(c):\n    subprocess.call(c, shell=True)\n",
    "app/conf.py": 'password = "Tr0ub4dor-horse-battery"\n',
    "app/clean.py": "def add(a, b):\n    return a + b\n",
    "app/broken.py": "def broken(:\n",
}
PATHS = tuple(sorted(FILES))


pytestmark = pytest.mark.usefixtures("whole_results_for_small_trees")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)


@pytest.fixture
def target(tmp_path: Path) -> ScanTarget:
    root = tmp_path / "repo"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "fixture")
    return ScanTarget(root=root, files=PATHS, cache_dir=tmp_path / "cache")


def _spec() -> FileScanSpec:
    return FileScanSpec(check="sast", tool_version="1.9", scan=sast_scan,
                        modules=("gate.checks.sast.check",), rules=["B101"])


def _scan(target: ScanTarget) -> FileScan:
    return scan_with_cache(_spec(), target, target.files)


def _uncached(target: ScanTarget) -> FileScan:
    return _scan(replace(target, cache_dir=None))


def _same(scan: FileScan, reference: FileScan) -> bool:
    return (scan.findings, scan.not_scanned, scan.warnings) == \
        (reference.findings, reference.not_scanned, reference.warnings)


def _dir(target: ScanTarget) -> Path:
    assert target.cache_dir is not None
    return target.cache_dir


def _wholes(cache: Path) -> list[Row]:
    return rows(cache, "sast-whole")


def _per_file(cache: Path) -> list[Row]:
    return rows(cache, "sast")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The namespace of every entry the store opens, in order."""
    opened: list[str] = []
    real = SqliteStore.get

    def counting(self: SqliteStore, key: Any, **kwargs: Any) -> Any:
        opened.append(key.namespace)
        return real(self, key, **kwargs)

    monkeypatch.setattr(SqliteStore, "get", counting)
    return opened


def test_a_warm_run_reads_one_entry(target: ScanTarget, reads: list[str]) -> None:
    cold = _scan(target)
    assert (cold.cached, cold.scanned, cold.entries_read) == (0, 4, 5)  # the whole + each file
    assert len(_wholes(_dir(target))) == 1
    reads.clear()
    warm = _scan(target)
    assert reads == ["sast-whole"]
    assert (warm.cached, warm.scanned, warm.entries_read) == (4, 0, 1)
    assert _same(warm, _uncached(target)) and _same(warm, cold)


def test_an_unchanged_warm_run_does_not_rewrite_the_entry(target: ScanTarget) -> None:
    _scan(target)
    before = _wholes(_dir(target))
    assert len(before) == 1
    _scan(target)
    assert _wholes(_dir(target)) == before


def test_an_edited_file_is_rescanned_and_the_entry_updated(target: ScanTarget,
                                                          reads: list[str]) -> None:
    _scan(target)
    (target.root / "app/clean.py").write_text("def add(a, b):\n    return eval(a) + b\n")
    reads.clear()
    warm = _scan(target)
    assert reads == ["sast-whole", "sast"]  # the whole result, then the edited file's own
    assert (warm.cached, warm.scanned) == (3, 1)
    assert [f.rule_id for f in warm.findings if f.path == "app/clean.py"] == ["B307"]
    assert _same(warm, _uncached(target))
    reads.clear()
    again = _scan(target)  # the rewritten whole entry knows the edit
    assert reads == ["sast-whole"]
    assert (again.cached, again.scanned) == (4, 0)
    assert _same(again, warm)


def _recorded(target: ScanTarget) -> list[str]:
    [whole] = _wholes(_dir(target))
    payload = whole.entry()["payload"]
    return sorted(payload["ids"])


def test_a_narrowed_run_keeps_the_other_files_for_the_next_full_run(
        target: ScanTarget, reads: list[str]) -> None:
    _scan(target)
    (target.root / "app/clean.py").write_text("def add(a, b):\n    return eval(a) + b\n")
    narrowed = _scan(replace(target, files=("app/clean.py",)))  # a change-only run
    assert (narrowed.cached, narrowed.scanned) == (0, 1)
    assert _recorded(target) == list(PATHS)
    reads.clear()
    full = _scan(target)
    assert reads == ["sast-whole"]
    assert (full.cached, full.scanned) == (4, 0)
    assert _same(full, _uncached(target))


def test_a_deleted_file_leaves_the_entry(target: ScanTarget) -> None:
    _scan(target)
    (target.root / "app/broken.py").unlink()
    smaller = replace(target, files=tuple(p for p in PATHS if p != "app/broken.py"))
    assert (_scan(smaller).cached, _scan(smaller).scanned) == (3, 0)
    assert _recorded(target) == ["app/clean.py", "app/conf.py", "app/run.py"]


@pytest.mark.parametrize("corruption", [b"", b"{not json", b"gate-cache 3 00\n{}"])
def test_a_corrupt_whole_entry_falls_back_to_the_per_file_entries(
        target: ScanTarget, reads: list[str], corruption: bytes) -> None:
    cold = _scan(target)
    for row in _wholes(_dir(target)):
        write(_dir(target), replace(row, body=corruption))
    reads.clear()
    warm = _scan(target)
    assert reads == ["sast-whole"] + ["sast"] * 4
    assert (warm.cached, warm.scanned) == (4, 0)
    assert _same(warm, cold)
    reads.clear()
    assert (_scan(target).entries_read, reads) == (1, ["sast-whole"])  # healed


def test_corrupt_whole_and_per_file_entries_mean_a_rescan(target: ScanTarget) -> None:
    _scan(target)
    for row in [*_wholes(_dir(target)), *_per_file(_dir(target))]:
        write(_dir(target), replace(row, body=b"{"))
    warm = _scan(target)
    assert (warm.cached, warm.scanned) == (0, 4)
    assert _same(warm, _uncached(target))


def _tamper(cache: Path, whole: Row, key: bytes | None) -> None:
    """Empty every file's findings in a whole entry; re-sign with ``key`` (``None``: keep the
    old MAC)."""
    entry = whole.entry()
    for row in entry["payload"]["outcomes"].values():
        row[0] = []
    forged = canonical(entry)
    mac = whole.mac if key is None else sign(key, forged)
    write(cache, replace(whole, body=forged, mac=mac))


@pytest.mark.parametrize("key", [None, b"k" * 32])
def test_a_tampered_whole_entry_is_rejected(target: ScanTarget, key: bytes | None) -> None:
    cold = _scan(target)
    assert any(f.rule_id == "B602" for f in cold.findings)
    [whole] = _wholes(_dir(target))
    _tamper(_dir(target), whole, key)
    warm = _scan(target)
    assert warm.entries_read == 5  # rejected: every file from its own entry
    assert _same(warm, cold)


def test_the_mac_is_what_stops_the_tampering(target: ScanTarget) -> None:
    """Control: the same tampering signed with the real key is served (so the test bites)."""
    _scan(target)
    [whole] = _wholes(_dir(target))
    _tamper(_dir(target), whole, cache_key())
    assert _scan(target).findings == ()


def test_a_whole_entry_over_the_bound_is_not_kept(target: ScanTarget,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _scan(target)
    [whole] = _wholes(_dir(target))
    largest = max(len(r.body) for r in _per_file(_dir(target)))
    assert largest < len(whole.body) - 100
    execute(_dir(target), "DELETE FROM entries WHERE namespace = 'sast-whole'")
    monkeypatch.setattr("gate.cache.store.DEFAULT_MAX_ENTRY_BYTES", largest)
    warm = _scan(target)
    assert _wholes(_dir(target)) == []
    assert (warm.cached, warm.scanned, warm.entries_read) == (4, 0, 5)
    assert _same(warm, cold)


def test_each_scan_root_keeps_its_own_entry(target: ScanTarget, tmp_path: Path) -> None:
    _scan(target)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(target.root), str(clone)], check=True)
    other = replace(target, root=clone)
    first = _scan(other)  # same content and paths: served from the per-file entries
    assert (first.cached, first.scanned, first.entries_read) == (4, 0, 5)
    assert len(_wholes(_dir(target))) == 2
    assert (_scan(target).entries_read, _scan(other).entries_read) == (1, 1)


def _edit_and_scan(root: str, cache: str, n: int) -> tuple[Any, ...]:
    from gate.checks.engine import cached_scan

    cached_scan.WHOLE_MIN_FILES = 1  # a fresh process: as the fixture does in this one
    cached_scan.WHOLE_SLACK = 0
    path = Path(root) / "app/clean.py"
    if n:
        path.write_text(f"def add(a, b):\n    return a + b  # edit {n}\n")
    scan = scan_with_cache(_spec(), ScanTarget(root=Path(root), files=PATHS,
                                               cache_dir=Path(cache)), PATHS)
    return scan.findings, scan.not_scanned


def test_concurrent_writers_leave_a_valid_whole_entry(target: ScanTarget) -> None:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(3, mp_context=spawn) as pool:
        done = list(pool.map(_edit_and_scan, [str(target.root)] * 6,
                             [str(target.cache_dir)] * 6, range(6)))
    assert len(done) == 6
    assert len(_wholes(_dir(target))) == 1
    with connection(_dir(target)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    warm = _scan(target)
    assert warm.entries_read in (1, 2)  # the last writer may have scanned another edit
    assert _same(warm, _uncached(target))


def test_the_codec_round_trips_and_shares_repeated_findings(target: ScanTarget) -> None:
    reference = _uncached(target)
    payloads: dict[str, dict[str, Any]] = {}
    for rel in PATHS:
        mine = tuple(f for f in reference.findings if f.path == rel)
        skipped = tuple(n for n in reference.not_scanned if n.path == rel)
        payloads[rel] = encode_file_result(mine, skipped)
    writer = WholeWriter()
    for rel, payload in payloads.items():
        writer.add(rel, f"id-{rel}", payload)
        writer.add(f"copy/{rel}", f"id-{rel}", payload)  # the same findings elsewhere
    value = json.loads(json.dumps(writer.value()))
    read = decode_whole(value)
    assert len(value["templates"]) == len({f.rule_id for f in reference.findings})
    for rel in PATHS:
        assert read.identity(rel) == f"id-{rel}"
        assert read.outcome(rel) == decode_file_result(payloads[rel])
    again = WholeWriter(read)
    for rel in PATHS:
        again.keep(rel, read)
    assert decode_whole(again.value()).outcome("app/run.py") == read.outcome("app/run.py")


def test_the_codec_rejects_anything_but_its_own_shape() -> None:
    finding = [0, 1, 1, "f" * 32, None]
    template = {"check": "sast", "rule_id": "B101"}  # far from a whole finding
    v = WHOLE_VERSION
    bad_values: list[Any] = [
        None, [], {"version": v + 1, "templates": [], "states": [], "ids": {}, "outcomes": {}},
        {"version": v, "states": [], "ids": {}, "outcomes": {}},
        {"version": v, "templates": [1], "states": [], "ids": {}, "outcomes": {}},
        {"version": v, "templates": [json.dumps(template)], "states": [], "ids": {},
         "outcomes": {}},  # a template as text (the previous version's), not as an object
        {"version": v, "templates": [], "ids": {}, "outcomes": {}},
        {"version": v, "templates": [], "states": [1], "ids": {}, "outcomes": {}},
        {"version": v, "templates": [], "states": [], "outcomes": {}},
        {"version": v, "templates": [], "states": [], "ids": [], "outcomes": {}},
        {"version": v, "templates": [], "states": [], "ids": {"a.py": 1}, "outcomes": {}},
        {"version": v, "templates": [], "states": [], "ids": {"a.py": "x"}},
        {"version": v, "templates": [], "states": [], "ids": {"a.py": "x"}, "outcomes": []},
        {"version": v, "templates": [], "states": [], "ids": {"a.py": "x"},
         "outcomes": {"b.py": [[], [], []]}},  # an outcome for a file it has no identity of
        {"version": v, "templates": [], "states": [], "files": [["a.py", "x", [], [], []]]}]
    for bad in bad_values:
        with pytest.raises(CodecError):
            decode_whole(bad)
    for row in ([finding], [[1, 1, 1, "f", None]], [[0, "1", 1, "f", None]],
                [[0, 1, 1, 5, None]], [[0, 1, 1, "f"]]):
        read = decode_whole({"version": v, "templates": [template], "states": [],
                             "ids": {"a.py": "x"}, "outcomes": {"a.py": [row, [], []]}})
        with pytest.raises(CodecError):
            read.outcome("a.py")
    for outcome in ([[], []], [[], [], {}], "x", None, [[], {}, []]):
        read = decode_whole({"version": v, "templates": [], "states": [],
                             "ids": {"a.py": "x"}, "outcomes": {"a.py": outcome}})
        with pytest.raises(CodecError):
            read.outcome("a.py")
        assert not WholeWriter(read).carry("a.py", read)
    for depends in ([1], [-1], ["0"], [None]):
        read = decode_whole({"version": v, "templates": [], "states": ["s"],
                             "ids": {"a.py": "x"}, "outcomes": {"a.py": [[], [], depends]}})
        with pytest.raises(CodecError):
            read.depends("a.py")
        assert not WholeWriter(read).carry("a.py", read)


def test_a_scan_of_a_few_files_uses_only_their_own_entries(
        target: ScanTarget, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _scan(target)
    before = _wholes(_dir(target))
    assert len(before) == 1
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_MIN_FILES", 3)
    (target.root / "app/clean.py").write_text("def add(a, b):\n    return eval(a) + b\n")
    reads.clear()
    few = _scan(replace(target, files=("app/clean.py", "app/run.py")))  # a pre-push, say
    assert reads == ["sast", "sast"]
    assert (few.cached, few.scanned, few.entries_read) == (1, 1, 2)
    assert _wholes(_dir(target)) == before


def _payload(rule: str, line: int) -> dict[str, Any]:
    from gate.findings import Finding, Location, Severity

    finding = Finding(check="sast", rule_id=rule, severity=Severity.LOW, message=rule,
                      location=Location("a.py", line, line), fingerprint=f"{rule}-{line}")
    return encode_file_result((finding,), ())


def test_kept_rows_are_copied_as_they_are_and_unused_table_slots_dropped() -> None:
    first = WholeWriter()
    first.add("a.py", "id-a", _payload("B101", 1), ("s1", "s2"))
    first.add("b.py", "id-b", {**_payload("B602", 2), "findings": [
        {**_payload("B602", 2)["findings"][0], "path": "b.py"}]}, ("s2", "s3"))
    read = decode_whole(json.loads(json.dumps(first.value())))
    assert read.states == ["s1", "s2", "s3"]
    assert (read.depends("a.py"), read.depends("b.py")) == ([0, 1], [1, 2])
    again = WholeWriter(read)
    again.keep("b.py", read)
    again.add("a.py", "id-a2", {"findings": [], "not_scanned": []}, ("s3",))
    value = again.value()
    b602 = read.outcomes["b.py"][0][0][0]
    assert value["templates"] == [read.templates[b602]]  # B101's is no longer used
    assert value["states"] == ["s2", "s3"]
    assert value["ids"] == {"a.py": "id-a2", "b.py": "id-b"}
    assert value["outcomes"] == {"a.py": [[], [], [1]],
                                 "b.py": [[[0, 2, 2, "B602-2", None]], [], [0, 1]]}
    shared = WholeWriter(read)  # a new row whose finding's rest equals a kept template's
    shared.keep("b.py", read)
    shared.add("c.py", "id-c", {**_payload("B602", 2), "findings": [
        {**_payload("B602", 2)["findings"][0], "path": "c.py", "start": 9, "end": 9}]})
    both = shared.value()
    assert both["templates"] == [read.templates[b602]]  # one copy for both files
    assert both["outcomes"]["c.py"] == [[[0, 9, 9, "B602-2", None]], [], []]
    plain = WholeWriter()
    plain.add("c.py", "id-c", {"findings": [], "not_scanned": []})
    assert plain.value()["ids"] == {"c.py": "id-c"}
    assert plain.value()["outcomes"] == {}  # nothing to serve but its identity
    assert decode_whole(value).outcome("b.py") == read.outcome("b.py")
    with pytest.raises(ValueError):
        WholeWriter().keep("b.py", read)  # a row's indices belong to the tables it came with


@pytest.mark.parametrize("direct", [True, False])
def test_served_findings_are_the_objects_the_constructor_makes(
        direct: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.cache.whole as whole

    assert whole._DIRECT  # Finding and Location are plain dataclasses today
    monkeypatch.setattr(whole, "_DIRECT", direct)  # False: through their constructors
    import pickle
    from datetime import date

    from gate.findings import (
        Confidence,
        Finding,
        FlowStep,
        Location,
        RelatedLocation,
        Severity,
        Suppression,
    )

    full = Finding(
        check="sast", rule_id="GATE-PY-CMDI", severity=Severity.HIGH, message="m",
        location=Location("a.py", 3, 4), fingerprint="f" * 32, title="t",
        confidence=Confidence.MEDIUM, help_url="https://example.com/x", cwe=("CWE-78",),
        aliases=("X-1",), fix="quote it", package="p", version="1", fixed_versions=("2",),
        suppression=Suppression(kind="inline", reason="ok", source="a.py:3 # nosec",
                                expires=date(2030, 1, 2), rules=("B602",)),
        new=True, extra=(("engine", "dataflow"),),
        related=(RelatedLocation(Location("b.py", 1, 1), "there"),),
        flow=(FlowStep(Location("a.py", 1, 1), "source"), FlowStep(Location("a.py", 3, 3), "sink")))
    bare = Finding(check="sast", rule_id="B101", severity=Severity.LOW, message="assert",
                   location=Location("a.py"), fingerprint="0" * 32)
    writer = WholeWriter()
    writer.add("a.py", "id", encode_file_result((full, bare), ()))
    served, _ = decode_whole(json.loads(json.dumps(writer.value()))).outcome("a.py")
    assert served == (full, bare)
    for made, built in zip(served, (full, bare), strict=True):
        assert type(made) is Finding and type(made.location) is Location
        assert vars(made) == vars(built) and list(vars(made)) == list(vars(built))
        assert vars(made.location) == vars(built.location)
        assert list(vars(made.location)) == list(vars(built.location))
        assert (hash(made), repr(made)) == (hash(built), repr(built))
        assert pickle.loads(pickle.dumps(made)) == built
        with pytest.raises(AttributeError):  # still frozen
            made.message = "changed"  # type: ignore[misc]


def test_a_few_drifted_files_leave_the_entry_as_it_is(target: ScanTarget, reads: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_SLACK", 2)
    _scan(target)
    before = _wholes(_dir(target))
    assert len(before) == 1
    (target.root / "app/clean.py").write_text("def add(a, b):\n    return eval(a) + b\n")
    edited = _scan(target)  # 2 rows differ (the old one, the new one): within the slack
    assert (edited.cached, edited.scanned) == (3, 1)
    assert _wholes(_dir(target)) == before
    reads.clear()
    again = _scan(target)  # the edited file from its own entry, the rest from the whole one
    assert reads == ["sast-whole", "sast"]
    assert (again.cached, again.scanned, again.entries_read) == (4, 0, 2)
    assert _same(again, _uncached(target)) and _same(again, edited)
    (target.root / "app/conf.py").write_text("token = 1\n")
    more = _scan(target)  # 4 rows differ now: over the slack, rewritten
    assert (more.cached, more.scanned) == (3, 1)
    [after] = _wholes(_dir(target))
    assert after.body != before[0].body
    reads.clear()
    last = _scan(target)
    assert reads == ["sast-whole"]
    assert (last.cached, last.scanned, last.entries_read) == (4, 0, 1)
    assert _same(last, _uncached(target))

"""The sast and secrets checks with the cache and the pool: same findings, less work.

Real bandit and detect-secrets over a small fixture tree. Each scenario that
could make a cache lie (a corrupt entry, a concurrent run, a tool upgrade, a
new fingerprint key, an edit) must still give exactly the uncached findings.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from cache_rows import Row, connection, rows, write

from gate.cache.codec import decode_file_result, encode_file_result
from gate.checks.engine import cached_scan as _cached_scan
from gate.checks.engine.cached_scan import FileScanSpec, scan_with_cache
from gate.checks.interface import CheckResult, ScanTarget
from gate.checks.sast import SastCheck
from gate.checks.sast import scan_files as sast_scan
from gate.checks.secrets import SecretsCheck
from gate.findings import Finding

AWS = "AKIA" + "Q7Z3M1X8K2W9P4R6"
PASSWORD = "Tr0ub4dor" + "-horse-battery"

FILES = {
    "app/run.py": "import subprocess\n\ndef run(c):\n    subprocess.call(c, shell=True)\n",
    "app/conf.py": f'password = "{PASSWORD}"\nKEY = "{AWS}"\n',
    "app/twice.py": "assert a\nassert a\nx = eval(s)  # nosec B307 trusted input\n",
    "app/clean.py": "def add(a, b):\n    return a + b\n",
    "app/broken.py": "def broken(:\n",
    "deploy/env.sh": f"export AWS_KEY={AWS}\n",
    "docs/readme.md": "nothing to see\n",
}


@pytest.fixture(autouse=True)
def whole_results_for_small_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    """These trees are tiny: give them whole-result entries as a large tree gets."""
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_MIN_FILES", 1)
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_SLACK", 0)  # rewritten on any change


def _tree(root: Path) -> ScanTarget:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return ScanTarget(root=root, files=tuple(sorted(FILES)))


def _key(f: Finding) -> tuple[object, ...]:
    return (f.location.path, f.location.start_line or 0, f.rule_id, f.fingerprint)


def _normalised(result: CheckResult) -> tuple[object, ...]:
    return (sorted(result.findings, key=_key), sorted(result.not_scanned, key=repr),
            result.files_scanned, result.errors)


@pytest.fixture
def tree(tmp_path: Path) -> ScanTarget:
    return _tree(tmp_path / "repo")


@pytest.fixture
def uncached(tree: ScanTarget) -> dict[str, tuple[object, ...]]:
    """The reference: each check as before this feature (one process, no cache)."""
    return {"sast": _normalised(SastCheck().run(tree)),
            "secrets": _normalised(SecretsCheck().run(tree))}


def _both(target: ScanTarget) -> dict[str, tuple[object, ...]]:
    return {"sast": _normalised(SastCheck().run(target)),
            "secrets": _normalised(SecretsCheck().run(target))}


def _all_entries(cache: Path) -> list[Row]:
    return rows(cache)


def _entries(cache: Path) -> list[Row]:
    """The per-file entries (not the whole-result entries, one per scan)."""
    return [r for r in _all_entries(cache) if not r.namespace.endswith("-whole")]


def _wholes(cache: Path) -> list[Path]:
    return [r for r in _all_entries(cache) if r.namespace.endswith("-whole")]


def test_reference_tree_has_findings_of_every_kind(uncached: dict[str, tuple[object, ...]]
                                                   ) -> None:
    sast_findings, sast_skipped = uncached["sast"][0], uncached["sast"][1]
    assert {f.rule_id for f in sast_findings} >= {"B404", "B602", "B105", "B101", "B307"}
    assert sast_skipped  # broken.py
    assert any("AWS Access Key" in (f.rule_id, *f.aliases) for f in uncached["secrets"][0])


@pytest.mark.parametrize("jobs", [1, 2])
def test_cold_and_warm_runs_equal_the_uncached_scan(tree: ScanTarget, tmp_path: Path, jobs: int,
                                                    uncached: dict[str, tuple[object, ...]]
                                                    ) -> None:
    target = replace(tree, jobs=jobs, cache_dir=tmp_path / "cache")
    assert _both(target) == uncached
    written = _entries(tmp_path / "cache")
    assert len(written) == 2 * 5 + len(FILES)  # sast: bandit + dataflow per .py; secrets: all
    assert len(_wholes(tmp_path / "cache")) == 3  # and one whole result per scan
    assert _both(target) == uncached


def test_pool_without_cache_equals_the_uncached_scan(tree: ScanTarget,
                                                     uncached: dict[str, tuple[object, ...]]
                                                     ) -> None:
    assert _both(replace(tree, jobs=3)) == uncached


def _spec(version: str = "1.9") -> FileScanSpec:
    return FileScanSpec(check="sast", tool_version=version, scan=sast_scan,
                        modules=("gate.checks.sast.check",), rules=["B101"])


def test_warm_run_after_an_edit_rescans_only_that_file(tree: ScanTarget, tmp_path: Path) -> None:
    target = replace(tree, files=tuple(f for f in tree.files if f.endswith(".py")),
                     cache_dir=tmp_path / "cache")
    cold = scan_with_cache(_spec(), target, target.files)
    assert (cold.cached, cold.scanned) == (0, 5)

    (tree.root / "app/clean.py").write_text("def add(a, b):\n    return eval(a) + b\n")
    warm = scan_with_cache(_spec(), target, target.files)

    assert (warm.cached, warm.scanned) == (4, 1)
    assert warm.entries_read == 2  # the whole result, then the edited file's own entry
    assert [f.rule_id for f in warm.findings if f.path == "app/clean.py"] == ["B307"]
    fresh = scan_with_cache(_spec(), replace(target, cache_dir=None), target.files)
    assert warm == replace(fresh, cached=4, scanned=1, entries_read=2)


def test_tool_upgrade_misses_and_never_serves_old_results(tree: ScanTarget,
                                                          tmp_path: Path) -> None:
    target = replace(tree, files=("app/run.py",), cache_dir=tmp_path / "cache")
    scan_with_cache(_spec("1.9"), target, target.files)
    for row in _entries(tmp_path / "cache"):  # every entry of the old version...
        assert b'"B602"' in row.body
    upgraded = scan_with_cache(_spec("2.0"), target, target.files)
    assert (upgraded.cached, upgraded.scanned) == (0, 1)
    again = scan_with_cache(_spec("2.0"), target, target.files)
    assert (again.cached, again.scanned) == (1, 0)
    assert {f.rule_id for f in again.findings} == {"B404", "B602"}


def test_other_key_inputs_miss(tree: ScanTarget, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = replace(tree, files=("app/conf.py",), cache_dir=tmp_path / "cache")
    scan_with_cache(_spec(), target, target.files)
    assert scan_with_cache(replace(_spec(), rules=["B101", "B999"]), target,
                           target.files).scanned == 1
    assert scan_with_cache(_spec(), replace(target, options={"x": 1}), target.files).scanned == 1
    monkeypatch.setenv("GATE_FINGERPRINT_KEY", "another-key")  # B105 fingerprints change
    rekeyed = scan_with_cache(_spec(), target, target.files)
    assert rekeyed.scanned == 1
    monkeypatch.delenv("GATE_FINGERPRINT_KEY")
    original = scan_with_cache(_spec(), target, target.files)
    assert original.cached == 1
    assert {f.fingerprint for f in rekeyed.findings} != {f.fingerprint for f in original.findings}


@pytest.mark.parametrize("corruption", [b"", b"{not json", b'{"format": 1}'])
def test_corrupt_entries_are_rescanned_and_healed(tree: ScanTarget, tmp_path: Path,
                                                  uncached: dict[str, tuple[object, ...]],
                                                  corruption: bytes) -> None:
    target = replace(tree, cache_dir=tmp_path / "cache")
    _both(target)
    entries = _all_entries(tmp_path / "cache")
    for row in entries:
        write(tmp_path / "cache", dataclasses.replace(row, body=corruption))
    assert _both(target) == uncached
    healed = _all_entries(tmp_path / "cache")
    assert [(r.namespace, r.digest) for r in healed] == [(r.namespace, r.digest) for r in entries]
    assert [r for r in healed if r.body == corruption] == []


def test_a_well_formed_but_false_entry_is_not_trusted(tree: ScanTarget, tmp_path: Path,
                                                      uncached: dict[str, tuple[object, ...]]
                                                      ) -> None:
    """Someone empties an entry's findings but cannot recompute its checksum to match."""
    target = replace(tree, cache_dir=tmp_path / "cache")
    _both(target)
    emptied = 0
    for row in _all_entries(tmp_path / "cache"):
        text = row.body.decode()
        start = text.find('"findings":[')
        if start >= 0 and '"findings":[]' not in text:
            end = text.find('],"not_scanned"', start)
            body = text[:start] + '"findings":[' + text[end:]
            write(tmp_path / "cache", dataclasses.replace(row, body=body.encode()))
            emptied += 1
    assert emptied > 0
    assert _both(target) == uncached


def _run_checks(root: str, cache: str) -> dict[str, tuple[object, ...]]:
    target = ScanTarget(root=Path(root), files=tuple(sorted(FILES)), jobs=2,
                        cache_dir=Path(cache))
    return _both(target)


def test_concurrent_runs_share_the_cache_safely(tree: ScanTarget, tmp_path: Path,
                                               uncached: dict[str, tuple[object, ...]]) -> None:
    cache = tmp_path / "cache"
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(3, mp_context=spawn) as pool:  # not daemonic: each runs a pool
        futures = [pool.submit(_run_checks, str(tree.root), str(cache)) for _ in range(3)]
        results = [f.result() for f in futures]
    assert all(r == uncached for r in results)
    assert _both(replace(tree, cache_dir=cache)) == uncached
    assert {p.name for p in (cache / "v4").iterdir()} <= {"cache.sqlite", "cache.sqlite-wal",
                                                         "cache.sqlite-shm"}
    with connection(cache) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_file_changed_during_its_scan_is_not_cached(tree: ScanTarget, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = replace(tree, files=("app/run.py", "app/clean.py"), cache_dir=tmp_path / "cache")
    real = _cached_scan._stat

    def drifting(root: Path, rel: str) -> tuple[int, int, int] | None:
        # taken after the scan; the snapshot's stat was taken before it
        return (0, 0, 0) if rel == "app/run.py" else real(root, rel)

    monkeypatch.setattr(_cached_scan, "_stat", drifting)
    scan_with_cache(_spec(), target, target.files)
    monkeypatch.setattr(_cached_scan, "_stat", real)
    again = scan_with_cache(_spec(), target, target.files)
    assert (again.cached, again.scanned) == (1, 1)


def test_chunks_with_warnings_are_not_cached(tree: ScanTarget, tmp_path: Path) -> None:
    spec = replace(_spec(), scan=_warning_scan)
    target = replace(tree, files=("app/run.py",), cache_dir=tmp_path / "cache")
    first = scan_with_cache(spec, target, target.files)
    assert first.warnings == ("bandit test crashed",)
    assert scan_with_cache(spec, target, target.files).scanned == 1


def _warning_scan(root: Path, files: object) -> object:
    scan = sast_scan(root, files)  # type: ignore[arg-type]
    return replace(scan, warnings=("bandit test crashed",))  # type: ignore[type-var]


def test_codec_round_trips_every_field(uncached: dict[str, tuple[object, ...]]) -> None:
    findings = tuple(uncached["sast"][0]) + tuple(uncached["secrets"][0])  # type: ignore[arg-type]
    skipped = tuple(uncached["sast"][1])  # type: ignore[arg-type]
    assert any(f.suppression for f in findings)
    assert decode_file_result(encode_file_result(findings, skipped)) == (findings, skipped)


def test_a_bandit_upgrade_rescans_everything(tree: ScanTarget, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             uncached: dict[str, tuple[object, ...]]) -> None:
    from gate.checks.sast import check as sast_module

    target = replace(tree, cache_dir=tmp_path / "cache")
    SastCheck().run(target)
    before = len(_entries(tmp_path / "cache"))
    # the version comes from bandit's installed metadata (bandit is not imported to label it)
    monkeypatch.setattr(sast_module, "installed_version", lambda _name: "99.0.0")
    sast_module._bandit_version.cache_clear()  # read once per process: this one "upgraded"
    try:
        upgraded = SastCheck().run(target)
    finally:
        sast_module._bandit_version.cache_clear()
    assert upgraded.tool_version == "99.0.0"
    # nothing of bandit 1.x was reused; the dataflow pass does not depend on bandit's version
    assert len(_entries(tmp_path / "cache")) == before + before // 2
    assert _normalised(upgraded) == uncached["sast"]


def test_a_fully_cached_run_starts_no_pool(tree: ScanTarget, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = replace(tree, files=tuple(f for f in tree.files if f.endswith(".py")),
                     cache_dir=tmp_path / "cache", jobs=2)
    first = scan_with_cache(_spec(), target, target.files)

    def no_pool(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("a pool was started although every file was cached")

    monkeypatch.setattr(_cached_scan, "map_chunks", no_pool)
    again = scan_with_cache(_spec(), target, target.files)
    assert (again.cached, again.scanned) == (len(target.files), 0)
    assert again.findings == first.findings

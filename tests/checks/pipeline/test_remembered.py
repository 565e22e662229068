"""The pipeline verdict remembered under its exact input: unchanged CI files are not parsed
again, and anything that changes the verdict (a workflow, the advisories) is judged anew."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_support import actions_db, files_under, write

import gate.checks.pipeline.loader as loader
from gate.checks.interface import CheckResult, ScanTarget
from gate.checks.pipeline import PipelineCheck

WORKFLOW = ("on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n"
            "      - uses: tj-actions/changed-files@v35\n")


def _run(root: Path, cache: Path | None, vuln_db: Path | None = None) -> CheckResult:
    return PipelineCheck().run(ScanTarget(root, files_under(root), cache_dir=cache,
                                          vuln_db=vuln_db))


def _same(result: CheckResult) -> tuple[object, ...]:
    return (result.findings, result.not_scanned, result.warnings, result.errors,
            result.files_scanned)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each parse was given."""
    counts: list[int] = []
    original = loader.parse_files

    def counting(read: list[object]) -> loader.Loaded:
        counts.append(len(read))
        return original(read)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "parse_files", counting)
    return counts


def test_unchanged_ci_files_are_not_parsed_again(tmp_path: Path, parsed: list[int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATE_DB_DIR", str(tmp_path / "none"))
    root, cache = write(tmp_path / "repo", {".github/workflows/x.yml": WORKFLOW,
                                            "app.py": "x = 1\n"}), tmp_path / "cache"
    first = _run(root, cache)
    assert [f.rule_id for f in first.findings] == ["GATE-GHA-001"]
    again = _run(root, cache)
    assert parsed == [1]
    assert _same(again) == _same(first)
    write(root, {"app.py": "x = 2\n"})
    assert _same(_run(root, cache)) == _same(first) and parsed == [1]
    write(root, {".github/workflows/x.yml": WORKFLOW.replace("@v35", "@v46")})
    edited = _run(root, cache)
    assert parsed == [1, 1]
    assert _same(edited) == _same(_run(root, None))


def test_new_advisories_are_a_new_verdict(tmp_path: Path, parsed: list[int]) -> None:
    root, cache = write(tmp_path / "repo", {".github/workflows/x.yml": WORKFLOW}), \
        tmp_path / "cache"
    database = tmp_path / "db"
    database.mkdir()
    before = _run(root, cache, database / "all.zip")
    assert [f.rule_id for f in before.findings] == ["GATE-GHA-001"]
    vuln_db = actions_db(database)
    after = _run(root, cache, vuln_db)
    assert parsed == [1, 1]
    assert sorted(f.rule_id for f in after.findings) == [
        "GATE-GHA-001", "GATE-GHA-016", "GATE-GHA-016"]
    assert _same(after) == _same(_run(root, None, vuln_db))

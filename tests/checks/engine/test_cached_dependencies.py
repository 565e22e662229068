"""The engine's dependency hook: an entry sealed when written, checked on every hit.

A small real implementation (a file's result depends on one other file,
``deps.txt``, whose text is the stamp) over the real bandit scan and the real
cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gate.checks.engine.cached_scan import FileScanSpec, scan_with_cache
from gate.checks.interface import ScanTarget
from gate.checks.sast import scan_files as sast_scan
from gate.findings import Finding, Location, Severity

RUN = "import subprocess\n\ndef run(c):\n    subprocess.call(c, shell=True)\n"


class OneFileDeps:
    """Every result depends on ``deps.txt``; ``seal`` adds a finding carrying its text."""

    def __init__(self, root: Path, refuse: bool = False) -> None:
        self.root = root
        self.refuse = refuse
        self.sealed: list[str] = []
        self.checked: list[str] = []
        self.judged: list[str] = []

    def _state(self) -> str:
        return (self.root / "deps.txt").read_text(encoding="utf-8")

    def seal(self, rel: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...] | None:
        self.sealed.append(rel)
        if self.refuse:
            return None
        stamp = Finding(check="sast", rule_id="STAMP", severity=Severity.INFO, message="stamp",
                        location=Location(rel), fingerprint="stamp",
                        extra=(("state", self._state()),))
        return (*findings, stamp)

    def fresh(self, rel: str, findings: tuple[Finding, ...]) -> bool:
        self.checked.append(rel)
        stamps = [dict(f.extra)["state"] for f in findings if f.rule_id == "STAMP"]
        return stamps == [self._state()]

    def split(self, rel: str, findings: tuple[Finding, ...]
              ) -> tuple[tuple[Finding, ...], tuple[str, ...]] | None:
        stamps = tuple(dict(f.extra)["state"] for f in findings if f.rule_id == "STAMP")
        return tuple(f for f in findings if f.rule_id != "STAMP"), stamps

    def stale(self, states: Sequence[Any]) -> set[int]:
        self.judged.extend(states)
        return {i for i, state in enumerate(states) if state != self._state()}


def _setup(tmp_path: Path) -> tuple[ScanTarget, FileScanSpec]:
    root = tmp_path / "tree"
    (root / "app").mkdir(parents=True)
    (root / "app/run.py").write_text(RUN, encoding="utf-8")
    (root / "app/clean.py").write_text("x = 1\n", encoding="utf-8")
    (root / "deps.txt").write_text("one", encoding="utf-8")
    target = ScanTarget(root=root, files=("app/clean.py", "app/run.py"), jobs=2,
                        cache_dir=tmp_path / "cache")
    spec = FileScanSpec(check="sast", tool_version="t", scan=sast_scan, modules=("gate.findings",))
    return target, spec


def test_entries_are_sealed_and_served_while_fresh(tmp_path: Path) -> None:
    target, spec = _setup(tmp_path)
    deps = OneFileDeps(target.root)
    cold = scan_with_cache(replace(spec, dependencies=deps), target, target.files)
    assert sorted(deps.sealed) == ["app/clean.py", "app/run.py"] and deps.checked == []
    assert [f.rule_id for f in cold.findings] == ["B404", "B602"]  # unsealed, as scanned
    deps = OneFileDeps(target.root)
    warm = scan_with_cache(replace(spec, dependencies=deps), target, target.files)
    assert (warm.cached, warm.scanned) == (2, 0)
    assert deps.checked == ["app/clean.py", "app/run.py"] and deps.sealed == []
    assert [(f.path, f.rule_id) for f in warm.findings] == [
        ("app/clean.py", "STAMP"), ("app/run.py", "STAMP"), ("app/run.py", "B404"),
        ("app/run.py", "B602")]


def test_a_stale_dependency_makes_a_hit_a_miss(tmp_path: Path) -> None:
    target, spec = _setup(tmp_path)
    scan_with_cache(replace(spec, dependencies=OneFileDeps(target.root)), target, target.files)
    (target.root / "deps.txt").write_text("two", encoding="utf-8")
    deps = OneFileDeps(target.root)
    stale = scan_with_cache(replace(spec, dependencies=deps), target, target.files)
    assert (stale.cached, stale.scanned) == (0, 2)
    assert sorted(deps.sealed) == ["app/clean.py", "app/run.py"]
    again = scan_with_cache(replace(spec, dependencies=OneFileDeps(target.root)), target,
                            target.files)
    assert (again.cached, again.scanned) == (2, 0)


def test_a_refused_seal_stores_nothing(tmp_path: Path) -> None:
    target, spec = _setup(tmp_path)
    scan_with_cache(replace(spec, dependencies=OneFileDeps(target.root, refuse=True)), target,
                    target.files)
    again = scan_with_cache(replace(spec, dependencies=OneFileDeps(target.root)), target,
                            target.files)
    assert (again.cached, again.scanned) == (0, 2)


def test_a_spec_without_dependencies_ignores_other_files(tmp_path: Path) -> None:
    target, spec = _setup(tmp_path)
    scan_with_cache(spec, target, target.files)
    (target.root / "deps.txt").write_text("two", encoding="utf-8")
    warm = scan_with_cache(spec, target, target.files)
    assert (warm.cached, warm.scanned) == (2, 0)


@pytest.fixture
def whole_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    """This tree is tiny: give it a whole-result entry as a large tree gets."""
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_MIN_FILES", 1)
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_SLACK", 0)  # rewritten on any change


@pytest.mark.usefixtures("whole_entries")
def test_the_whole_entry_judges_each_distinct_state_once(tmp_path: Path) -> None:
    target, spec = _setup(tmp_path)
    scan_with_cache(replace(spec, dependencies=OneFileDeps(target.root)), target, target.files)
    deps = OneFileDeps(target.root)
    warm = scan_with_cache(replace(spec, dependencies=deps), target, target.files)
    assert (warm.cached, warm.scanned, warm.entries_read) == (2, 0, 1)
    assert deps.judged == ["one"] and deps.checked == []  # both files share the one state
    # served from the whole entry: without the finding that carried the state
    assert [(f.path, f.rule_id) for f in warm.findings] == [
        ("app/run.py", "B404"), ("app/run.py", "B602")]


@pytest.mark.usefixtures("whole_entries")
def test_a_stale_state_in_the_whole_entry_is_a_miss(tmp_path: Path) -> None:
    target, spec = _setup(tmp_path)
    scan_with_cache(replace(spec, dependencies=OneFileDeps(target.root)), target, target.files)
    (target.root / "deps.txt").write_text("two", encoding="utf-8")
    deps = OneFileDeps(target.root)
    stale = scan_with_cache(replace(spec, dependencies=deps), target, target.files)
    assert deps.judged == ["one"]
    assert deps.checked == ["app/clean.py", "app/run.py"]  # their own entries: stale too
    assert (stale.cached, stale.scanned) == (0, 2)
    deps = OneFileDeps(target.root)
    again = scan_with_cache(replace(spec, dependencies=deps), target, target.files)
    assert (again.cached, again.scanned, again.entries_read) == (2, 0, 1)
    assert deps.judged == ["two"]  # the rewritten entry holds only the state in use

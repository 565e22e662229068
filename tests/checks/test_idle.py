"""A check with nothing to read: its result without a worker, equal to what its run returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gate.checks.idle import idle_result
from gate.checks.interface import Check, CheckResult, HistoryRange, NotScanned, ScanTarget
from gate.checks.registry import BUILTIN_CHECKS, load_check
from gate.policy import default_policy

SELECTIVE = ("dependencies", "iac", "pipeline")
READ_BY = {"dependencies": "requirements.txt", "iac": "main.tf",
           "pipeline": ".github/workflows/ci.yml"}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# app\n", encoding="utf-8")
    return tmp_path


def _timeless(result: CheckResult) -> CheckResult:
    return replace(result, duration=0.0)


def _target(root: Path, name: str, files: tuple[str, ...], **extra: object) -> ScanTarget:
    """As the pipeline builds it: the check's options from the default policy."""
    return ScanTarget(root=root, files=files, options=default_policy().for_branch(None).check(name).options(),
                      **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", SELECTIVE)
def test_an_idle_check_gets_what_its_run_returns(tree: Path, name: str) -> None:
    target = _target(tree, name, ("README.md", "app.py"))
    idle = idle_result(BUILTIN_CHECKS[name], target)
    assert idle is not None
    assert idle.files_scanned == 0
    assert _timeless(idle) == _timeless(load_check(name).run(target))


@pytest.mark.parametrize("name", SELECTIVE)
def test_set_aside_files_it_does_not_read_leave_it_idle(tree: Path, name: str) -> None:
    aside = (NotScanned("logo.png", "binary"),)
    target = _target(tree, name, ("README.md", "app.py"), set_aside=aside)
    if name == "pipeline":  # a platform the policy leaves out is not one it reads
        target = replace(target, options={**target.options, "platforms": ["github-actions"]},
                         set_aside=(*aside, NotScanned(".gitlab-ci.yml", "over max_file_size")))
    idle = idle_result(BUILTIN_CHECKS[name], target)
    assert idle is not None
    assert _timeless(idle) == _timeless(load_check(name).run(target))


def test_the_dependencies_check_says_it_found_no_manifest(tree: Path) -> None:
    idle = idle_result(BUILTIN_CHECKS["dependencies"], _target(tree, "dependencies", ("app.py",)))
    assert idle is not None
    assert idle.warnings == ("no dependency manifest found (requirements*.txt, pyproject.toml, "
                             "pylock.toml, poetry.lock, uv.lock)",)


@pytest.mark.parametrize("name", SELECTIVE)
def test_one_file_it_reads_makes_it_run(tree: Path, name: str) -> None:
    target = _target(tree, name, ("README.md", "app.py", READ_BY[name]))
    assert idle_result(BUILTIN_CHECKS[name], target) is None


@pytest.mark.parametrize("name", SELECTIVE)
def test_a_set_aside_file_it_reads_makes_it_run(tree: Path, name: str) -> None:
    """It must list that file as not scanned: only its run does."""
    target = _target(tree, name, ("app.py",),
                     set_aside=(NotScanned(READ_BY[name], "over max_file_size"),))
    assert idle_result(BUILTIN_CHECKS[name], target) is None


def test_a_policy_naming_manifests_makes_dependencies_read_everything(tree: Path) -> None:
    target = ScanTarget(root=tree, files=("app.py",), options={"files": ["deps/*.pin"]})
    assert idle_result(BUILTIN_CHECKS["dependencies"], target) is None


@pytest.mark.parametrize("name", SELECTIVE)
def test_a_change_s_history_is_not_read_by_these(tree: Path, name: str) -> None:
    target = _target(tree, name, ("app.py",), history=HistoryRange("0" * 40))
    assert idle_result(BUILTIN_CHECKS[name], target) is not None


class HistoryCheck(Check):
    """Reads only ``.cfg`` files, and (by default) the change's history."""

    name = "history"
    tool = "none"

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        return path.endswith(".cfg")

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        return CheckResult(check=self.name, tool=self.tool, tool_version="0")


def test_a_history_to_read_makes_a_check_that_may_read_it_run(tree: Path) -> None:
    target = ScanTarget(root=tree, files=("app.py",), history=HistoryRange("0" * 40))
    assert idle_result(f"{__name__}:HistoryCheck", target) is None
    assert idle_result(f"{__name__}:HistoryCheck", replace(target, history=None)) is not None


class EverythingCheck(Check):
    """Keeps the default ``reads`` (every file): never idle, whatever it is given."""

    name = "everything"
    tool = "none"

    def tool_version(self) -> str:
        return "0"

    def run(self, target: ScanTarget) -> CheckResult:
        return CheckResult(check=self.name, tool=self.tool, tool_version="0")


class BrokenReadsCheck(EverythingCheck):
    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        raise RuntimeError("bug")


@pytest.mark.parametrize("target", [f"{__name__}:EverythingCheck",
                                    f"{__name__}:BrokenReadsCheck",
                                    "no_such_module:Check", f"{__name__}:READ_BY"])
def test_what_cannot_be_told_idle_runs(tree: Path, target: str) -> None:
    assert idle_result(target, ScanTarget(root=tree, files=("app.py",))) is None

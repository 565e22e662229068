"""The registry: built-ins in a fixed order, third-party checks from entry points."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from gate.checks.interface import CheckError
from gate.checks.registry import BUILTIN_CHECKS, _may_declare, available_checks, load_check
from gate.pipeline import RunOptions, run


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Install a plugin the way pip would: a dist-info with a gate.checks entry point."""
    site = tmp_path / "site"
    dist = site / "gate_flaw_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gate-flaw-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[gate.checks]\nflaw = fakechecks:FlawCheck\nsast = fakechecks:CrashCheck\n")
    monkeypatch.syspath_prepend(str(site))  # spawned workers inherit sys.path
    return "flaw"


def test_builtins_come_first_in_a_fixed_order() -> None:
    assert list(available_checks())[:4] == ["sast", "dependencies", "secrets", "iac"]


def test_plugin_is_discovered_and_cannot_shadow_a_builtin(plugin: str) -> None:
    checks = available_checks()
    assert checks[plugin] == "fakechecks:FlawCheck"
    assert checks["sast"] == BUILTIN_CHECKS["sast"]


def test_plugin_runs_and_gets_its_own_policy_block(plugin: str,
                                                  make_repo: Callable[..., Path]) -> None:
    root = make_repo({"a.py": "# FLAW-low\n", ".gate.yml": "checks:\n  flaw: {fail_on: low}\n"})
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert result.verdict == "fail"
    assert result.findings[0].check == "flaw"


def test_broken_plugin_is_a_check_error() -> None:
    with pytest.raises(CheckError, match="cannot load check 'x'"):
        load_check("x", "no_such_module:Thing")
    with pytest.raises(CheckError, match="is not a gate Check"):
        load_check("x", "pathlib:PurePosixPath")


def _site(tmp_path: Path, entry_points: str | None) -> Path:
    site = tmp_path / "site"
    dist = site / "some_dist-1.0.dist-info"
    dist.mkdir(parents=True)
    if entry_points is not None:
        (dist / "entry_points.txt").write_text(entry_points)
    (site / "other.egg-info").write_text("Metadata-Version: 1.0\n")  # a file: no entry points
    return site


def test_no_distribution_naming_the_group_is_proof_of_no_plugin(tmp_path: Path) -> None:
    site = _site(tmp_path, "[console_scripts]\nx = y:z\n")
    assert not _may_declare((str(site), str(tmp_path / "missing")), "gate.checks")


def test_a_distribution_naming_the_group_is_asked_of_importlib_metadata(tmp_path: Path) -> None:
    site = _site(tmp_path, "[gate.checks]\nflaw = fakechecks:FlawCheck\n")
    assert _may_declare((str(site),), "gate.checks")


def test_a_zip_or_an_egg_on_the_path_is_no_proof(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    egg = tmp_path / "thing.egg"
    egg.mkdir()
    assert _may_declare((str(archive),), "gate.checks")
    assert _may_declare((str(egg),), "gate.checks")


@pytest.mark.parametrize(("group", "declared"), [("gate.checks", False),
                                               ("console_scripts", True)])
def test_the_shortcut_agrees_with_importlib_metadata_here(group: str, declared: bool) -> None:
    assert bool(entry_points(group=group)) is declared
    assert _may_declare(tuple(sys.path), group) is declared

"""``gate.distributions``: installed distributions as importlib.metadata finds them."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from gate.distributions import entry_point_files, metadata_text, normalize
from gate.versions import installed_version


@pytest.mark.parametrize("name", ["bandit", "detect-secrets", "PyYAML", "python_hcl2",
                                  "Pydantic"])
def test_the_metadata_importlib_metadata_reads(name: str) -> None:
    assert metadata_text(name) == metadata.distribution(name).read_text("METADATA")


def test_a_missing_distribution_is_an_empty_answer() -> None:
    assert metadata_text("gate-no-such-distribution") == ""


@pytest.mark.parametrize(("raw", "normal"), [("Foo.Bar-baz", "foo_bar_baz"),
                                             ("foo__bar", "foo_bar"), ("FOO", "foo")])
def test_names_compare_as_importlib_metadata_compares_them(raw: str, normal: str) -> None:
    assert normalize(raw) == normal


def test_the_first_distribution_along_the_path_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for where, version in ((first, "1.0"), (second, "2.0")):
        info = where / f"probe_dist-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Name: probe-dist\nVersion: {version}\n")
    assert metadata_text("Probe.Dist", [str(first), str(second)]) == \
        "Name: probe-dist\nVersion: 1.0\n"
    assert metadata_text("probe-dist", [str(tmp_path / "missing"), str(second)]) == \
        "Name: probe-dist\nVersion: 2.0\n"


def test_what_only_importlib_metadata_can_read_is_no_answer(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    egg = tmp_path / "old.egg"
    egg.mkdir()
    bare = tmp_path / "site" / "bare_dist-1.0.dist-info"
    bare.mkdir(parents=True)  # no METADATA
    assert metadata_text("x", [str(archive)]) is None
    assert entry_point_files([str(archive)]) is None
    assert metadata_text("x", [str(egg)]) is None
    assert metadata_text("bare-dist", [str(tmp_path / "site")]) is None


def test_another_finder_of_distributions_is_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    class Finder:
        @staticmethod
        def find_distributions(*args: object, **kwargs: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert metadata_text("bandit") is None
    assert entry_point_files() is None
    assert installed_version("bandit") == metadata.version("bandit")  # importlib.metadata's


def test_entry_point_files_are_every_distributions(tmp_path: Path) -> None:
    for name, text in (("one-1.0.dist-info", "[gate.checks]\nx = m:C\n"),
                       ("two-1.0.egg-info", "[console_scripts]\ny = n:f\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "entry_points.txt").write_text(text)
    (tmp_path / "three-1.0.dist-info").mkdir()  # none
    assert sorted(entry_point_files([str(tmp_path)]) or []) == [
        b"[console_scripts]\ny = n:f\n", b"[gate.checks]\nx = m:C\n"]

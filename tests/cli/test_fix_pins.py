"""Rewriting pins: only the exact pin's version token changes, in every supported layout."""

from __future__ import annotations

from pathlib import Path

from gate.findings import Severity
from gate.fix import plan_fixes
from gate.report.grouping import PackageFix


def _fix(path: str, line: int | None = None, package: str = "requests",
         version: str = "2.19.0", to: str = "2.20.0") -> PackageFix:
    return PackageFix(package=package, version=version, path=path, line=line,
                      advisories=("PYSEC-2018-28",), severity=Severity.HIGH, fix_version=to)


def test_pyproject_dependencies_optional_and_poetry(tmp_path: Path) -> None:
    text = """\
[project]
name = "requests-demo"
dependencies = ["requests==2.19.0", "requests-toolbelt==2.19.0", 'urllib3>=1']

[project.optional-dependencies]
socks = [
  "requests[socks] == 2.19.0; python_version >= '3.8'",  # same pin, with extras
  "requests>=2.19.0",
]

[tool.poetry.dependencies]
requests = "2.19.0"
Requests = { version = "==2.19.0", optional = true }
requests-oauthlib = "^2.19.0"

[tool.other]
example = "requests==2.19.0"
"""
    (tmp_path / "pyproject.toml").write_text(text)
    plan = plan_fixes(tmp_path, [_fix("pyproject.toml", 3)])
    assert not plan.skipped
    assert plan.changed[0][1] == 4
    old, new = plan.files["pyproject.toml"]
    assert old == text
    assert new == text.replace('["requests==2.19.0"', '["requests==2.20.0"').replace(
        '"requests[socks] == 2.19.0;', '"requests[socks] == 2.20.0;').replace(
        'requests = "2.19.0"', 'requests = "2.20.0"').replace(
        '{ version = "==2.19.0"', '{ version = "==2.20.0"')


def test_requirements_line_moved_or_missing(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "requests>=2.19.0\nRequests==2.19.0  # moved\nrequests-mock==2.19.0\n")
    plan = plan_fixes(tmp_path, [_fix("requirements.txt", 1)])
    assert plan.files["requirements.txt"][1] == (
        "requests>=2.19.0\nRequests==2.20.0  # moved\nrequests-mock==2.19.0\n")
    gone = plan_fixes(tmp_path, [_fix("requirements.txt", 1, version="2.0.0")])
    assert [s.reason for s in gone.skipped] == ["no exact pin requests==2.0.0 found in the file"]
    assert gone.files == {}


def test_files_outside_the_repository_are_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("requests==2.19.0\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link.txt").symlink_to(outside)
    plan = plan_fixes(repo, [_fix("../outside.txt"), _fix("link.txt")])
    assert plan.files == {}
    assert len(plan.skipped) == 2

"""Helpers for the pipeline tests: scan a fixture tree with the real check."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gate.checks.interface import CheckResult, ScanTarget
from gate.checks.pipeline import PipelineCheck

FIXTURES = Path(__file__).parent / "fixtures"
ADVISORIES = Path(__file__).resolve().parents[2] / "fixtures" / "osv-actions"


def files_under(root: Path) -> tuple[str, ...]:
    """Every file below ``root`` as repo-relative POSIX paths (dotfiles included)."""
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))


def actions_db(directory: Path) -> Path:
    """A database directory as ``gate db update`` leaves it: the PyPI archive (empty here)
    and ``github-actions/all.zip`` made from the fixture advisories; returns ``all.zip``."""
    (directory / "github-actions").mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(directory / "github-actions" / "all.zip", "w") as archive:
        for record in sorted(ADVISORIES.glob("*.json")):
            archive.write(record, record.name)
    pypi = directory / "all.zip"
    with zipfile.ZipFile(pypi, "w"):
        pass
    return pypi


def scan(root: Path, vuln_db: Path | None = None, **options: object) -> CheckResult:
    """Run the pipeline check over every file under ``root``."""
    return PipelineCheck().run(ScanTarget(root, files_under(root), options=dict(options),
                                          vuln_db=vuln_db))


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> text) under ``root``; returns ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root

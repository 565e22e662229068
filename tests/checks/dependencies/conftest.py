"""Fixtures for the dependencies check: the OSV fixture database (directory and zip) and repos."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gate.checks.dependencies import DependenciesCheck
from gate.checks.dependencies.osv_source import decode, iter_documents
from gate.checks.interface import CheckResult, ScanTarget

OSV_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "osv"


@pytest.fixture(scope="session")
def osv_dir() -> Path:
    """The fixture database as a directory tree (real PyPA YAML + synthetic JSON)."""
    return OSV_FIXTURES


@pytest.fixture(scope="session")
def osv_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same records in osv.dev's ``all.zip`` layout: one ``<id>.json`` per record.

    Documents that are not readable records are copied as they are, so both
    forms hold the same good and bad data.
    """
    target = tmp_path_factory.mktemp("osv") / "all.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for doc in iter_documents(OSV_FIXTURES):
            assert doc.payload is not None
            try:
                record = decode(doc)
            except ValueError:
                archive.writestr(Path(doc.name).name, doc.payload)
                continue
            name = record.get("id", Path(doc.name).stem) if isinstance(record, dict) else doc.name
            archive.writestr(f"{name}.json", json.dumps(record))
    return target


def write_repo(root: Path, files: dict[str, str]) -> tuple[str, ...]:
    """Write ``files`` (repo-relative path -> text) under ``root``; return the paths."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tuple(sorted(files))


RunCheck = Callable[..., CheckResult]


@pytest.fixture
def run_check(tmp_path: Path, osv_dir: Path) -> RunCheck:
    """Write a repo and run the check offline against the fixture database."""

    def run(files: dict[str, str], *, vuln_db: Path | None = osv_dir,
            options: dict[str, Any] | None = None, check: DependenciesCheck | None = None,
            inventory: tuple[str, ...] | None = None, timeout: float | None = None) -> CheckResult:
        listed = write_repo(tmp_path, files)
        target = ScanTarget(root=tmp_path, files=inventory if inventory is not None else listed,
                            options=options or {}, vuln_db=vuln_db, timeout=timeout)
        return (check or DependenciesCheck()).run(target)

    return run

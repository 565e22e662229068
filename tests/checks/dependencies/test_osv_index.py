"""The offline database read package by package through an index in the result cache: the
same records in the same order as the full load, only the asked packages' documents read."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from packaging.version import Version

from gate.checks.dependencies import VulnerabilityServiceError, load_database
from gate.checks.dependencies.osv_index import IndexedDatabase, indexed_database


@pytest.fixture
def database(tmp_path: Path, osv_dir: Path) -> Path:
    """A copy of the fixture database (the tests change files in it)."""
    target = tmp_path / "osv"
    shutil.copytree(osv_dir, target)
    return target


def test_the_index_answers_as_the_full_load_record_for_record(database: Path,
                                                              tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = indexed_database(database, cache)
    assert not isinstance(first, IndexedDatabase)  # loaded whole: the index is remembered
    indexed = indexed_database(database, cache)
    assert isinstance(indexed, IndexedDatabase)
    full = load_database(database)
    assert indexed.stats == full.stats
    assert sorted(indexed.positions) == sorted(full.index)
    for name, records in full.index.items():
        assert indexed.records(name) == records
        for version in ("0.1", "1.0", "2.0.0", "2.19.0", "5.3", "99"):
            assert indexed.lookup(name, Version(version)) == full.lookup(name, Version(version))
    assert indexed.lookup("not-in-the-database", Version("1.0")) == []


def test_only_the_documents_of_the_asked_package_are_read(database: Path,
                                                          tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    indexed_database(database, cache)
    other = database / "pypa" / "vulns" / "paramiko" / "PYSEC-2018-19.yaml"
    st = other.stat()
    other.write_bytes(b"\0" * st.st_size)  # unreadable now; size and mtime kept
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    indexed = indexed_database(database, cache)
    assert isinstance(indexed, IndexedDatabase)
    assert [r.id for r in indexed.records("requests")] == [
        "PYSEC-2018-28", "GHSA-x84v-xcm2-53pg"]
    with pytest.raises(VulnerabilityServiceError, match=r"PYSEC-2018-19\.yaml"):
        indexed.records("paramiko")  # read only now, and it fails closed


def test_a_changed_database_is_loaded_whole_again(database: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    indexed_database(database, cache)
    time.sleep(0.01)
    extra = database / "synthetic" / "GATE-SYN-listed.json"
    extra.write_text(extra.read_text().replace("GATE-SYN-listed", "GATE-SYN-listed-2"))
    again = indexed_database(database, cache)
    assert not isinstance(again, IndexedDatabase)
    assert again.stats == load_database(database).stats
    assert "GATE-SYN-listed-2" in {r.id for records in again.index.values() for r in records}

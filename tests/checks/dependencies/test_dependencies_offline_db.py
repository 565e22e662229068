"""Loading the offline OSV database: directory and zip forms, messy records, unusable databases."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from packaging.version import Version
from pip_audit._service import ResolvedDependency

from gate.checks.dependencies import OfflineOsvService, VulnerabilityServiceError, load_database
from gate.checks.dependencies.offline import OsvVulnerabilityResult, cached_database
from gate.checks.interface import CheckError
from gate.findings import Severity


def ids(db_path: Path, name: str, version: str) -> set[str]:
    return {r.id for r in load_database(db_path).lookup(name, Version(version))}


def test_directory_load_counts_records_and_skips(osv_dir: Path) -> None:
    stats = load_database(osv_dir).stats
    assert stats.records == 10  # 7 real (minus 1 withdrawn) + 4 synthetic records
    assert stats.skipped == {"withdrawn": 1, "unreadable": 2}
    assert any("broken.json" in p for p in stats.problems)


def test_zip_and_directory_give_identical_answers(osv_dir: Path, osv_zip: Path) -> None:
    from_dir, from_zip = load_database(osv_dir), load_database(osv_zip)
    assert from_dir.stats.records == from_zip.stats.records
    assert from_dir.stats.skipped == from_zip.stats.skipped
    assert set(from_dir.index) == set(from_zip.index)
    for name, records in from_dir.index.items():
        assert {r.id for r in records} == {r.id for r in from_zip.index[name]}
        for record in records:
            twin = next(r for r in from_zip.index[name] if r.id == record.id)
            assert twin.affected == record.affected
            assert twin.severity == record.severity


@pytest.mark.parametrize(("name", "version", "expected"), [
    ("requests", "2.19.1", {"PYSEC-2018-28", "GHSA-x84v-xcm2-53pg"}),
    ("requests", "2.20.0", set()),
    ("pyyaml", "5.3.1", {"PYSEC-2021-142"}),
    ("pyyaml", "5.4", set()),
    ("redis", "1.34", set()),  # only a withdrawn record affects it
    ("py", "1.11.0", {"PYSEC-2022-42969"}),  # last_affected
    ("paramiko", "2.0.7", {"PYSEC-2018-19"}),  # several introduced/fixed pairs, unsorted
    ("paramiko", "1.18.4", {"PYSEC-2018-19"}),
    ("paramiko", "1.17.6", set()),
    ("paramiko", "2.0.8", set()),
    ("easy-parse", "0.1.1", {"PYSEC-2023-97"}),  # unquoted YAML datetimes
    ("steam", "1.0", {"PYSEC-2019-125"}),  # fixed "2019-09-12": kept open, fail closed
    ("gate-synthetic-listed", "1.1", {"GATE-SYN-listed"}),
    ("gate-synthetic-listed", "1.0.1", set()),
    ("gate-synthetic-other", "3.0.0", set()),  # npm entry
    ("gate-synthetic-messy", "3.1", {"GATE-SYN-messy"}),
    ("gate-synthetic-messy", "3.2", set()),
    ("gate-synthetic-prerelease", "2.0.0rc1", {"GATE-SYN-prerelease"}),
])
def test_lookup_on_both_forms(osv_dir: Path, osv_zip: Path, name: str, version: str,
                              expected: set[str]) -> None:
    assert ids(osv_dir, name, version) == expected
    assert ids(osv_zip, name, version) == expected


def test_real_snapshot_layout_yaml_is_read_without_number_or_date_coercion(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "id: X-1\npublished: 2023-06-29T21:15:00Z\naffected:\n- package: {ecosystem: PyPI, name: p}\n"
        "  versions: [3.10]\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n"
        "    - fixed: 3.20\n")
    db = load_database(tmp_path)
    assert db.lookup("p", Version("3.10"))  # not the float 3.1
    assert db.lookup("p", Version("3.19"))  # fixed is 3.20, not 3.2
    assert not db.lookup("p", Version("3.20"))


def test_service_returns_pip_audit_results_with_osv_facts(osv_dir: Path) -> None:
    service = OfflineOsvService(load_database(osv_dir))
    dep = ResolvedDependency(name="Requests", version=Version("2.19.1"))
    spec, results = service.query(dep)
    assert spec is dep
    by_id = {r.id: r for r in results}
    ghsa = by_id["GHSA-x84v-xcm2-53pg"]
    assert isinstance(ghsa, OsvVulnerabilityResult)
    assert ghsa.fix_versions == [Version("2.20.0")]
    assert ghsa.aliases == {"CVE-2018-18074"}
    assert ghsa.severity is not None and ghsa.severity.severity is Severity.HIGH
    assert by_id["PYSEC-2018-28"].severity is None  # the PyPA record carries no severity


def test_missing_database_is_a_check_error(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="does not exist"):
        load_database(tmp_path / "nope")
    with pytest.raises(VulnerabilityServiceError):
        cached_database(tmp_path / "nope")


def test_database_with_nothing_readable_is_a_check_error(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="no readable OSV record"):
        load_database(tmp_path)  # empty directory
    (tmp_path / "junk.json").write_text("{ not json")
    (tmp_path / "other.yaml").write_text("just: a mapping\n")
    with pytest.raises(CheckError, match=r"junk\.json"):
        load_database(tmp_path)


def test_corrupt_zip_and_unknown_file_kinds_are_check_errors(tmp_path: Path) -> None:
    bad_zip = tmp_path / "all.zip"
    bad_zip.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(CheckError):
        load_database(bad_zip)
    other = tmp_path / "db.tar"
    other.write_bytes(b"x")
    with pytest.raises(CheckError, match="not a directory, zip or OSV file"):
        load_database(other)


def test_oversized_zip_member_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.checks.dependencies.osv_source as source

    path = tmp_path / "all.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("BIG.json", '{"id": "BIG", "padding": "' + "x" * 2000 + '"}')
        archive.writestr("OK.json", '{"id": "OK", "affected": [{"package": '
                                    '{"ecosystem": "PyPI", "name": "p"}, "versions": ["1"]}]}')
    monkeypatch.setattr(source, "MAX_DOCUMENT_BYTES", 1000)
    db = load_database(path)
    assert db.stats.records == 1
    assert db.stats.unreadable == 1


def test_duplicate_ids_are_indexed_once(tmp_path: Path) -> None:
    text = '{"id": "D", "affected": [{"package": {"ecosystem": "PyPI", "name": "p"}, "versions": ["1"]}]}'
    (tmp_path / "a.json").write_text(text)
    (tmp_path / "b.json").write_text(text)
    db = load_database(tmp_path)
    assert len(db.lookup("p", Version("1"))) == 1
    assert db.stats.skipped == {"duplicate id": 1}


def test_cached_database_loads_once(osv_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.checks.dependencies.offline as offline

    first = cached_database(osv_dir)
    monkeypatch.setattr(offline, "load_database", lambda path: pytest.fail("loaded twice"))
    assert cached_database(osv_dir) is first

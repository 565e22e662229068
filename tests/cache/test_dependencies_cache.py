"""The dependencies check's result cache: keyed by pins and database, online answers expire."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cache_rows import rows, write

from gate.checks.dependencies import DependenciesCheck, VulnerabilityServiceError
from gate.checks.dependencies import audit as audit_module
from gate.checks.dependencies.offline import OfflineOsvService, load_database
from gate.checks.interface import CheckResult, ScanTarget

OSV = Path(__file__).resolve().parents[1] / "fixtures" / "osv"
VULNERABLE = "requests==2.19.1\nPyYAML==5.3.1\n"


@pytest.fixture
def audits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the real audits (service queries) the check makes."""
    calls: list[int] = []
    real = audit_module.audit

    def counting(service: Any, pins: Any, **kw: Any) -> Any:
        calls.append(len(pins))
        return real(service, pins, **kw)

    monkeypatch.setattr(audit_module, "audit", counting)  # the check imports it when it audits
    return calls


def _target(tmp_path: Path, requirements: str = VULNERABLE, **kw: Any) -> ScanTarget:
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    (repo / "requirements.txt").write_text(requirements)
    return ScanTarget(root=repo, files=("requirements.txt",), cache_dir=tmp_path / "cache", **kw)


def _same(a: CheckResult, b: CheckResult) -> bool:
    return (a.findings, a.not_scanned, a.warnings) == (b.findings, b.not_scanned, b.warnings)


def test_offline_results_are_reused_until_the_database_changes(tmp_path: Path,
                                                               audits: list[int]) -> None:
    db = tmp_path / "osv"
    shutil.copytree(OSV, db)
    target = _target(tmp_path, vuln_db=db)
    uncached = DependenciesCheck().run(replace(target, cache_dir=None))
    first = DependenciesCheck().run(target)
    second = DependenciesCheck().run(target)
    assert len(audits) == 2  # the uncached run and the first cached one
    assert _same(first, uncached) and _same(second, uncached)
    assert {f.rule_id for f in second.findings} == {"PYSEC-2018-28", "PYSEC-2021-142"}

    (db / "extra.json").write_text('{"id": "X-1", "affected": []}')
    DependenciesCheck().run(target)
    assert len(audits) == 3  # a database with another file is another database


def test_another_pin_set_is_asked_again(tmp_path: Path, audits: list[int]) -> None:
    DependenciesCheck().run(_target(tmp_path, vuln_db=OSV))
    DependenciesCheck().run(_target(tmp_path, "requests==2.19.1\n", vuln_db=OSV))
    moved = DependenciesCheck().run(_target(tmp_path, "\n" + VULNERABLE, vuln_db=OSV))
    assert len(audits) == 3
    assert {f.start_line for f in moved.findings} == {2, 3}  # locations are part of the key


def _online(counter: list[int]) -> Any:
    database = load_database(OSV)

    def factory(timeout: float | None) -> Any:
        counter.append(1)
        return OfflineOsvService(database)  # stands in for PyPI: no network in tests

    return factory


def test_online_answers_expire_after_the_ttl(tmp_path: Path, audits: list[int]) -> None:
    asked: list[int] = []
    check = DependenciesCheck(online_service=_online(asked))
    fresh = check.run(_target(tmp_path, cache_ttl=3600))
    again = check.run(_target(tmp_path, cache_ttl=3600))
    assert asked == [1] and _same(fresh, again)
    check.run(_target(tmp_path, cache_ttl=0))  # the entry is older than a zero TTL
    assert asked == [1, 1]
    offline = DependenciesCheck().run(_target(tmp_path, vuln_db=OSV, cache_ttl=0))
    again = DependenciesCheck().run(_target(tmp_path, vuln_db=OSV, cache_ttl=0))
    assert _same(offline, again)  # the TTL is for online answers; a database has an identity
    assert len(audits) == 3


def test_a_service_failure_is_not_cached(tmp_path: Path) -> None:
    def broken(timeout: float | None) -> Any:
        raise VulnerabilityServiceError("PyPI unreachable")

    for _ in range(2):
        with pytest.raises(VulnerabilityServiceError, match="unreachable"):
            DependenciesCheck(online_service=broken).run(_target(tmp_path))
    assert rows(tmp_path / "cache") == []


def test_a_corrupt_entry_is_recomputed(tmp_path: Path, audits: list[int]) -> None:
    target = _target(tmp_path, vuln_db=OSV)
    first = DependenciesCheck().run(target)
    entries = rows(tmp_path / "cache")
    assert [e.namespace for e in entries if b"PYSEC-2018-28" in e.body] == ["dependencies",
                                                                          "osv-index"]
    for entry in entries:
        write(tmp_path / "cache",
              replace(entry, body=entry.body.replace(b"PYSEC-2018-28", b"PYSEC-0000-00")))
    again = DependenciesCheck().run(target)
    assert len(audits) == 2 and _same(first, again)

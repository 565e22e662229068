"""Evaluating one OSV record: the schema's IsVulnerable, pre-releases, and messy data."""

from __future__ import annotations

from typing import Any

import pytest
from packaging.version import Version

from gate.checks.dependencies.osv_record import EventKind, InvalidRecord, parse_record


def record(events: list[dict[str, Any]] | None = None, versions: list[Any] | None = None,
           **extra: Any) -> dict[str, Any]:
    """A minimal PyPI record for package ``pkg``."""
    affected: dict[str, Any] = {"package": {"ecosystem": "PyPI", "name": "pkg"}}
    if events is not None:
        affected["ranges"] = [{"type": "ECOSYSTEM", "events": events}]
    if versions is not None:
        affected["versions"] = versions
    return {"id": "TEST-1", "affected": [affected], **extra}


def affected(raw: dict[str, Any], version: str) -> bool:
    return bool(parse_record(raw).matching("pkg", Version(version)))


@pytest.mark.parametrize(("version", "expected"), [
    ("0.0.1", True), ("1.9.9", True), ("2.0.0rc1", True), ("2.0.0.dev1", True),
    ("2.0.0", False), ("2.0.0.post1", False), ("3.0", False),
])
def test_introduced_zero_fixed_range_includes_prereleases_of_the_fix(version: str,
                                                                    expected: bool) -> None:
    # A SpecifierSet("<2.0.0") would exclude 2.0.0rc1: Versions are compared directly.
    assert affected(record([{"introduced": "0"}, {"fixed": "2.0.0"}]), version) is expected


@pytest.mark.parametrize(("version", "expected"), [
    ("0.9", False), ("1.0", True), ("1.4.9", True), ("1.5", False),
    ("1.9", False), ("2.0", True), ("2.2.1", True), ("2.3", False), ("9.0", False),
])
def test_several_introduced_fixed_pairs_in_any_order(version: str, expected: bool) -> None:
    events = [{"introduced": "2.0"}, {"fixed": "2.3"}, {"introduced": "1.0"}, {"fixed": "1.5"}]
    assert affected(record(events), version) is expected


@pytest.mark.parametrize(("version", "expected"), [
    ("1.11.0", True), ("1.11.0.post1", False), ("1.12", False), ("0.1", True),
])
def test_last_affected_is_inclusive(version: str, expected: bool) -> None:
    assert affected(record([{"introduced": "0"}, {"last_affected": "1.11.0"}]), version) is expected


def test_introduced_without_fix_affects_every_later_version() -> None:
    raw = record([{"introduced": "1.2"}])
    assert affected(raw, "99.0")
    assert not affected(raw, "1.1")


def test_limit_bounds_the_range() -> None:
    raw = record([{"introduced": "0"}, {"limit": "3.0"}])
    assert affected(raw, "2.9")
    assert not affected(raw, "3.0")
    assert affected(record([{"introduced": "0"}, {"limit": "*"}]), "100")


def test_explicit_versions_only() -> None:
    raw = record(versions=["1.0", "1.1"])
    assert affected(raw, "1.0")
    assert affected(raw, "1.0.0")  # PEP 440 equality, not string equality
    assert not affected(raw, "1.0.1")


def test_explicit_versions_add_to_ranges() -> None:
    raw = record([{"introduced": "2.0"}, {"fixed": "2.1"}], versions=["1.0"])
    assert affected(raw, "1.0")
    assert affected(raw, "2.0.5")
    assert not affected(raw, "1.5")


def test_git_and_semver_ranges_are_ignored_for_pypi() -> None:
    raw = {"id": "T", "affected": [{"package": {"ecosystem": "PyPI", "name": "pkg"}, "ranges": [
        {"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}, {"fixed": "abc"}]},
        {"type": "SEMVER", "events": [{"introduced": "0"}]},
    ]}]}
    assert not affected(raw, "1.0")


def test_other_ecosystems_are_ignored_and_names_are_canonical() -> None:
    raw = {"id": "T", "affected": [
        {"package": {"ecosystem": "npm", "name": "pkg"}, "versions": ["1.0"]},
        {"package": {"ecosystem": "PyPI", "name": "My_Package.Name"}, "versions": ["1.0"]},
    ]}
    parsed = parse_record(raw)
    assert parsed.packages() == {"my-package-name"}
    assert not parsed.matching("pkg", Version("1.0"))


def test_unparseable_fixed_keeps_the_range_open_fail_closed() -> None:
    # Real case: steam's PYSEC-2019-125 has ``fixed: "2019-09-12"``.
    raw = record([{"introduced": "0"}, {"fixed": "2019-09-12"}])
    assert affected(raw, "1.0")
    assert affected(raw, "2025.1")


def test_unparseable_or_missing_introduced_counts_as_zero() -> None:
    assert affected(record([{"introduced": "not a version"}, {"fixed": "2.0"}]), "0.1")
    assert affected(record([{"fixed": "2.0"}]), "1.0")
    assert not affected(record([{"fixed": "2.0"}]), "2.0")


def test_non_string_and_non_pep440_versions_are_skipped_not_fatal() -> None:
    raw = record(versions=["0.1-bulbasaur", 1.0, None, {"x": 1}, "1.2"])
    assert affected(raw, "1.2")
    assert not affected(raw, "1.0")  # the float 1.0 is not trusted to mean "1.0"


def test_fixed_and_last_affected_versions_are_collected() -> None:
    raw = record([{"introduced": "0"}, {"fixed": "1.5"}, {"introduced": "2.0"},
                  {"fixed": "2.3"}, {"fixed": "garbage"}])
    (entry,) = parse_record(raw).affected
    assert entry.events(EventKind.FIXED) == (Version("1.5"), Version("2.3"))


def test_withdrawn_aliases_summary_and_advisory_url() -> None:
    parsed = parse_record(record(
        [{"introduced": "0"}], withdrawn="2023-06-06T10:37:00Z",
        aliases=["CVE-1", "TEST-1", 3], details="First line\n  continues.",
        references=[{"type": "WEB", "url": "https://web"}, "junk",
                    {"type": "ADVISORY", "url": "https://advisory"}]))
    assert parsed.withdrawn
    assert parsed.aliases == ("CVE-1",)
    assert parsed.summary == "First line continues."
    assert parsed.advisory_url == "https://advisory"


@pytest.mark.parametrize("raw", [[], "text", {"no": "id"}, {"id": ""}, {"id": 5}])
def test_documents_that_are_not_records_raise_invalid_record(raw: Any) -> None:
    with pytest.raises(InvalidRecord):
        parse_record(raw)


def test_missing_affected_gives_an_empty_record() -> None:
    assert parse_record({"id": "X"}).affected == ()

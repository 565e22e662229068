"""Severity from OSV records: CVSS v3 base scores computed from vectors, database labels, unknown."""

from __future__ import annotations

import pytest

from gate.checks.dependencies.severity import cvss3_base_score, rate_record, score_to_severity
from gate.findings import Severity


@pytest.mark.parametrize(("vector", "score"), [
    # Reference scores from the NVD / FIRST calculators.
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8),
    ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8),
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 2.8),
    ("CVSS:3.0/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N", 4.8),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),  # temporal metrics ignored
])
def test_cvss3_base_score(vector: str, score: float) -> None:
    assert cvss3_base_score(vector) == score


@pytest.mark.parametrize("vector", [
    "AV:N/AC:L/Au:N/C:P/I:P/A:P",  # CVSS v2
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  # incomplete
    "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "",
])
def test_vectors_that_are_not_valid_cvss3_give_none(vector: str) -> None:
    assert cvss3_base_score(vector) is None


@pytest.mark.parametrize(("score", "severity"), [
    (0.0, Severity.INFO), (0.1, Severity.LOW), (3.9, Severity.LOW), (4.0, Severity.MEDIUM),
    (6.9, Severity.MEDIUM), (7.0, Severity.HIGH), (8.9, Severity.HIGH), (9.0, Severity.CRITICAL),
])
def test_score_to_severity_uses_the_cvss_ratings(score: float, severity: Severity) -> None:
    assert score_to_severity(score) is severity


def test_cvss_vector_wins_over_database_label_and_the_highest_score_counts() -> None:
    rated = rate_record({
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"},
                     {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "database_specific": {"severity": "LOW"},
    })
    assert rated is not None
    assert rated.severity is Severity.CRITICAL
    assert rated.source == "cvss_v3 9.8"


def test_per_package_severity_is_read() -> None:
    rated = rate_record({"affected": [{"severity": [
        {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}]}]})
    assert rated is not None and rated.severity is Severity.HIGH


@pytest.mark.parametrize(("label", "severity"), [
    ("LOW", Severity.LOW), ("MODERATE", Severity.MEDIUM), ("moderate", Severity.MEDIUM),
    ("HIGH", Severity.HIGH), ("CRITICAL", Severity.CRITICAL),
])
def test_database_specific_labels(label: str, severity: Severity) -> None:
    rated = rate_record({"database_specific": {"severity": label}})
    assert rated is not None and rated.severity is severity


@pytest.mark.parametrize("raw", [
    {}, {"severity": "junk"}, {"severity": [{"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}]},
    {"database_specific": {"severity": "SEVERE"}}, {"database_specific": "x"},
])
def test_unknown_severity_is_none(raw: dict[str, object]) -> None:
    assert rate_record(raw) is None

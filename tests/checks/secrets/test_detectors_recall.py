"""Recall and precision of our detectors, through the real secrets check (detect-secrets too).

Every value is generated at run time (``detectors/samples.py``): live-format
values carry a valid checksum or structure, look-alikes are placeholders,
documented examples, test-mode keys, bad checksums, public keys, expired
tokens or development hosts. Nothing real-looking is stored in this file.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gate.checks.secrets import scan_files
from gate.checks.secrets.detectors import DETECTORS
from gate.checks.secrets.detectors.samples import lookalike, positive
from gate.findings import Finding, Severity

RULES = [d.rule_id for d in DETECTORS]


def _scan(tmp_path: Path, snippets: dict[str, str]) -> dict[str, list[Finding]]:
    files = []
    for rule, text in snippets.items():
        name = f"{rule.lower()}.py"
        (tmp_path / name).write_text(text + "\n")
        files.append(name)
    result = scan_files(tmp_path, files)
    assert result.not_scanned == ()
    by_file: dict[str, list[Finding]] = {rule: [] for rule in snippets}
    for finding in result.findings:
        by_file[finding.path[:-3].upper()].append(finding)
    return by_file


@pytest.fixture(scope="module")
def positives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Finding]]:
    rng = random.Random(16)
    return _scan(tmp_path_factory.mktemp("pos"), {r: positive(r, rng) for r in RULES})


@pytest.fixture(scope="module")
def lookalikes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Finding]]:
    rng = random.Random(11)
    return _scan(tmp_path_factory.mktemp("neg"), {r: lookalike(r, rng) for r in RULES})


def test_there_are_at_least_sixty_formats() -> None:
    assert len(RULES) >= 60 and len(set(RULES)) == len(RULES)


@pytest.mark.parametrize("rule", RULES)
def test_live_format_is_found_at_high_or_above(rule: str,
                                               positives: dict[str, list[Finding]]) -> None:
    ours = [f for f in positives[rule] if f.rule_id == rule]
    assert len(ours) == 1, [(f.rule_id, f.severity) for f in positives[rule]]
    assert ours[0].severity >= Severity.HIGH
    extra = dict(ours[0].extra)
    assert extra["classification"] in {"checksum-valid", "live-format"}
    detector = next(d for d in DETECTORS if d.rule_id == rule)
    assert ("live_format" in extra) is detector.provider_token
    assert ours[0].help_url and ours[0].fix and "dev_credential" not in extra


@pytest.mark.parametrize("rule", RULES)
def test_lookalike_never_reaches_high(rule: str, lookalikes: dict[str, list[Finding]]) -> None:
    loud = [(f.rule_id, f.severity.label) for f in lookalikes[rule] if f.severity >= Severity.HIGH]
    assert loud == []
    assert not [f for f in lookalikes[rule] if dict(f.extra).get("live_format")]


@pytest.mark.parametrize("rule", [r for r in RULES if r.startswith("GATE-SECRET-GITHUB")
                                  and "FINE" not in r] + ["GATE-SECRET-NPM-TOKEN"])
def test_checksum_valid_tokens_are_critical(rule: str,
                                            positives: dict[str, list[Finding]]) -> None:
    [finding] = [f for f in positives[rule] if f.rule_id == rule]
    assert finding.severity is Severity.CRITICAL
    assert dict(finding.extra)["classification"] == "checksum-valid"

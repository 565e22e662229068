"""Policy loading: every error names the file, line and key; typos get a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.findings import Confidence, Severity
from gate.policy import PolicyError, default_policy, load_policy
from gate.policy.model import OnError


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / ".gate.yml"
    path.write_text(text)
    return load_policy(path)


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        _load(tmp_path, text)
    return [p.render("F") for p in info.value.problems]


def test_default_policy_fails_on_high_and_on_errors() -> None:
    policy = default_policy().policy
    for check in ("sast", "dependencies", "secrets", "iac"):
        assert policy.fail_on_for(check) == Severity.HIGH
        assert policy.on_error_for(check) == OnError.FAIL
    assert policy.max_file_size == 2_000_000


def test_valid_policy_with_overrides(tmp_path: Path) -> None:
    loaded = _load(tmp_path, """
version: 1
fail_on: high
min_confidence: medium
max_file_size: 512KiB
checks:
  sast: {fail_on: medium, exclude: ["tests/**"], timeout: 30}
  dependencies: {files: [requirements.txt]}
  iac: {frameworks: [terraform]}
waivers:
  - {rule: B101, paths: ["tests/**"], reason: "asserts in tests", expires: 2027-03-31}
branches:
  "release/*": {fail_on: low, checks: {sast: {fail_on: info}}}
""")
    policy = loaded.policy  # type: ignore[attr-defined]
    assert policy.fail_on_for("sast") == Severity.MEDIUM
    assert policy.fail_on_for("secrets") == Severity.HIGH
    assert policy.min_confidence_for("sast") == Confidence.MEDIUM
    assert policy.timeout_for("sast") == 30
    assert policy.max_file_size == 512 * 1024
    assert policy.check("dependencies").options() == {"files": ["requirements.txt"],
                                                      "vuln_db_max_age": 7.0}
    assert policy.check("iac").options() == {"frameworks": ["terraform"], "uncovered": "warn",
                                                 "helm_values": {}}
    assert str(policy.waivers[0].expires) == "2027-03-31"
    release = loaded.for_branch("release/1.2")  # type: ignore[attr-defined]
    assert release.fail_on_for("secrets") == Severity.LOW
    assert release.fail_on_for("sast") == Severity.INFO
    assert loaded.for_branch("main").fail_on_for("sast") == Severity.MEDIUM  # type: ignore[attr-defined]


def test_typo_suggests_the_key(tmp_path: Path) -> None:
    assert _problems(tmp_path, "fail_onn: high\n") == [
        "F:1: fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)"]


def test_nested_typo_names_the_dotted_key_and_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "checks:\n  sast:\n    min_confidnce: high\n  sats: {}\n")
    assert problems == [
        "F:3: checks.sast.min_confidnce: unknown key 'min_confidnce' "
        "(did you mean 'min_confidence'?)",
        "F:4: checks.sats: unknown key 'sats' (did you mean 'sast'?)",
    ]


def test_bad_values(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "fail_on: severe\ntimeout: -1\nmode: sometimes\n")
    assert problems[0].startswith("F:1: fail_on: Input should be 'info', 'low'")
    assert problems[1].startswith("F:2: timeout: Input should be greater than 0")
    assert problems[2].startswith("F:3: mode: Input should be 'all' or 'new'")


def test_waiver_without_reason_is_an_error(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "waivers:\n  - rule: B101\n  - rule: B102\n    reason: '  '\n")
    assert problems == ["F:2: waivers.0.reason: Field required",
                        "F:4: waivers.1.reason: a waiver needs a reason (got '  ')"]


def test_bad_date_is_reported_with_its_key(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "waivers:\n  - {rule: B1, reason: x, expires: 2027-13-01}\n")
    assert problems[0].startswith("F:2: waivers.0.expires:")


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "fail_on: high\nchecks: [\n  sast\n")
    assert len(problems) == 1 and problems[0].startswith("F:4: invalid YAML")


def test_not_a_mapping(tmp_path: Path) -> None:
    assert _problems(tmp_path, "- a\n- b\n") == ["F:1: the policy must be a mapping of keys"]


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    assert _problems(tmp_path, "fail_on: low\nfail_on: high\n") == [
        "F:2: fail_on: duplicate key"]


def test_empty_file_is_the_default(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "# nothing yet\n")
    assert loaded.policy == default_policy().policy  # type: ignore[attr-defined]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "nope.yml")


def test_unknown_key_in_branch_override(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "branches:\n  main:\n    fail_onn: low\n")
    assert problems == ["F:3: branches.main.fail_onn: unknown key 'fail_onn' "
                        "(did you mean 'fail_on'?)"]


def test_plugin_checks_get_a_block(tmp_path: Path) -> None:
    path = tmp_path / ".gate.yml"
    path.write_text("checks:\n  licence: {fail_on: low, options: {allow: [MIT]}}\n")
    policy = load_policy(path, ("licence",)).policy
    assert policy.fail_on_for("licence") == Severity.LOW
    assert policy.check("licence").options() == {"allow": ["MIT"]}

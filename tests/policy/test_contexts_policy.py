"""``contexts:`` in the policy: per-context thresholds, path globs, errors, and the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.checks.interface import CheckResult
from gate.findings import Finding, Location, Severity
from gate.policy import PolicyError, default_policy, load_policy
from gate.policy.model import Policy
from gate.result import Verdict
from gate.verdict import evaluate, threshold


def _policy(tmp_path: Path, text: str) -> Policy:
    path = tmp_path / ".gate.yml"
    path.write_text(text)
    return load_policy(path).policy


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        _policy(tmp_path, text)
    return [p.render("F") for p in info.value.problems]


def _finding(check: str, severity: str, context: str, *,
             extra: tuple[tuple[str, str], ...] = ()) -> Finding:
    return Finding(check=check, rule_id="R", severity=Severity.parse(severity), message="m",
                   location=Location(f"{context}/x.py", 1, 1),
                   fingerprint=f"{check}{severity}{context}{extra}", context=context, extra=extra)


def _failing(policy: Policy, findings: list[Finding]) -> list[tuple[str, str, str]]:
    results = {name: CheckResult(check=name, tool=name, tool_version="1")
               for name in sorted({f.check for f in findings})}
    result = evaluate(policy, results, findings)
    return sorted((f.check, f.severity.label, f.context) for f in result.failing_findings())


def test_default_policy_fails_only_in_code_ci_and_iac() -> None:
    policy = default_policy().policy
    for context in ("code", "ci", "iac"):
        assert policy.fail_on_in("sast", context) == Severity.HIGH
    for context in ("test", "docs", "example", "generated", "vendored"):
        assert policy.fail_on_in("sast", context) is None
    assert policy.fail_on_in("sast", "something-new") == Severity.HIGH  # unknown: fail closed


def test_a_test_finding_is_reported_and_does_not_fail() -> None:
    findings = [_finding("secrets", "critical", context)
                for context in ("code", "test", "docs", "example", "ci", "generated",
                                "vendored", "iac")]
    policy = default_policy().policy
    assert _failing(policy, findings) == [("secrets", "critical", "ci"),
                                          ("secrets", "critical", "code"),
                                          ("secrets", "critical", "iac")]
    results = {"secrets": CheckResult(check="secrets", tool="t", tool_version="1")}
    result = evaluate(policy, results, findings[1:2])
    assert result.verdict == Verdict.PASS and len(result.findings) == 1


def test_a_live_format_token_fails_in_every_context() -> None:
    live = (("live_format", "true"),)
    findings = [_finding("secrets", "high", c, extra=live)
                for c in ("test", "docs", "example", "vendored", "generated")]
    findings.append(_finding("secrets", "high", "test", extra=(("live_format", "false"),)))
    findings.append(_finding("secrets", "low", "test", extra=live))  # still below fail_on
    assert _failing(default_policy().policy, findings) == [
        ("secrets", "high", c) for c in ("docs", "example", "generated", "test", "vendored")]


def test_per_context_fail_on(tmp_path: Path) -> None:
    policy = _policy(tmp_path, """
fail_on: high
checks:
  sast: {fail_on: medium}
contexts:
  test: {fail_on: critical}
  docs: {fail_on: low}
  ci: {fail_on: never}
""")
    assert policy.fail_on_in("sast", "code") == Severity.MEDIUM
    assert policy.fail_on_in("sast", "test") == Severity.CRITICAL
    assert policy.fail_on_in("secrets", "docs") == Severity.LOW
    assert policy.fail_on_in("secrets", "ci") is None
    assert policy.fail_on_in("secrets", "example") is None  # untouched: the built-in default
    findings = [_finding("sast", "high", "test"), _finding("sast", "critical", "test"),
                _finding("sast", "medium", "code"), _finding("sast", "low", "docs"),
                _finding("sast", "critical", "ci"),
                _finding("sast", "critical", "ci", extra=(("live_format", "true"),))]
    assert _failing(policy, findings) == [("sast", "critical", "ci"),
                                          ("sast", "critical", "test"),
                                          ("sast", "low", "docs"),
                                          ("sast", "medium", "code")]


def test_context_globs_keep_file_order(tmp_path: Path) -> None:
    policy = _policy(tmp_path, """
contexts:
  code: {paths: ["tests/smoke/**"]}
  test: {paths: ["qa/**"], fail_on: high}
  docs: {fail_on: never}
""")
    assert policy.context_globs() == {"code": ("tests/smoke/**",), "test": ("qa/**",)}
    assert list(policy.context_globs()) == ["code", "test"]


def test_branch_override_of_a_context(tmp_path: Path) -> None:
    path = tmp_path / ".gate.yml"
    path.write_text("contexts:\n  test: {paths: [qa/**]}\n"
                    "branches:\n  'release/*':\n    contexts: {test: {fail_on: high}}\n")
    loaded = load_policy(path)
    assert loaded.policy.fail_on_in("sast", "test") is None
    release = loaded.for_branch("release/1")
    assert release.fail_on_in("sast", "test") == Severity.HIGH
    assert release.context_globs() == {"test": ("qa/**",)}


def test_errors_name_file_line_and_key(tmp_path: Path) -> None:
    assert _problems(tmp_path, "contexts:\n  test:\n    fail_onn: high\n") == [
        "F:3: contexts.test.fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)"]
    problems = _problems(tmp_path, "contexts:\n  tests: {fail_on: high}\n")
    assert len(problems) == 1 and problems[0].startswith("F:2: contexts.tests: Input should be "
                                                         "'code', 'test', 'docs'")
    problems = _problems(tmp_path, "contexts:\n  docs:\n    fail_on: sometimes\n")
    assert len(problems) == 1 and problems[0].startswith(
        "F:3: contexts.docs.fail_on: Input should be 'info', 'low', 'medium', 'high', "
        "'critical' or 'never'")
    problems = _problems(tmp_path, "contexts:\n  docs:\n    paths: docs/**\n")
    assert len(problems) == 1 and problems[0].startswith("F:3: contexts.docs.paths:")


def test_threshold_of_a_finding() -> None:
    policy = default_policy().policy
    assert threshold(_finding("iac", "high", "iac"), policy) == Severity.HIGH
    assert threshold(_finding("iac", "high", "example"), policy) is None
    live = _finding("secrets", "high", "vendored", extra=(("live_format", "true"),))
    assert threshold(live, policy) == Severity.HIGH

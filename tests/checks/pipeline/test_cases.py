"""The acceptance corpus: one vulnerable workflow per class fails for its own reason (its rule,
its severity, nothing else), and the safe spelling beside it yields no finding at all.

The first nine ``fail-*`` cases are the issue's: each passed before the pipeline check.
Every action is pinned to a SHA unless the case is about the ref, so no pin finding hides
in the expectations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_support import FIXTURES, actions_db, scan

CASES = FIXTURES / "cases"

EXPECTED: dict[str, set[tuple[str, str]]] = {
    # the issue's nine
    "fail-github-script-comment": {("GATE-GHA-005", "high")},
    "fail-workflow-run-artifact-env": {("GATE-GHA-007", "high")},
    "fail-unsecure-commands": {("GATE-GHA-013", "high")},
    "fail-release-pip-cache": {("GATE-GHA-008", "high")},
    "fail-dependabot-actor": {("GATE-GHA-014", "high")},
    "fail-known-vulnerable-action": {("GATE-GHA-016", "high"), ("GATE-GHA-001", "medium")},
    "fail-reusable-secrets-inherit": {("GATE-GHA-017", "high")},
    "fail-curl-secret": {("GATE-GHA-010", "high")},
    "fail-gitlab-job-token": {("GATE-GITLAB-005", "high")},
    # every other class
    "fail-run-injection-prt": {("GATE-GHA-003", "high")},
    "fail-run-injection-env-expr": {("GATE-GHA-003", "high")},
    "fail-dispatch-string-input": {("GATE-GHA-003", "low")},
    "fail-github-env-injection": {("GATE-GHA-006", "high")},
    "fail-pwn-request": {("GATE-GHA-002", "critical")},
    "fail-artipacked": {("GATE-GHA-009", "high")},
    "fail-tojson-secrets": {("GATE-GHA-011", "high")},
    "fail-base64-command": {("GATE-GHA-012", "high")},
    "fail-self-hosted-pr": {("GATE-GHA-015", "high")},
    "fail-composite-action-input": {("GATE-GHA-003", "high")},
    "fail-reusable-input": {("GATE-GHA-003", "high")},
    "fail-gitlab-eval": {("GATE-GITLAB-003", "high")},
    "fail-gitlab-component": {("GATE-GITLAB-004", "medium")},
    "fail-gitlab-include": {("GATE-GITLAB-002", "medium")},
    "fail-step-output": {("GATE-GHA-003", "high"), ("GATE-GHA-006", "medium")},
    "fail-changed-files-output": {("GATE-GHA-003", "high")},
}


def test_every_case_directory_is_listed() -> None:
    names = {p.name for p in CASES.iterdir() if p.is_dir()}
    failing = {n for n in names if n.startswith("fail-")}
    assert failing == set(EXPECTED)
    assert {n for n in names if n.startswith("pass-")}, "no safe spellings"
    assert names == failing | {n for n in names if n.startswith("pass-")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_vulnerable_case_fails_for_its_own_reason(name: str, tmp_path: Path) -> None:
    result = scan(CASES / name, vuln_db=actions_db(tmp_path))
    assert result.errors == () and result.not_scanned == ()
    got = {(f.rule_id, f.severity.label) for f in result.findings}
    assert got == EXPECTED[name]
    own = [f for f in result.findings if f.rule_id not in ("GATE-GHA-001", "GATE-GHA-018")]
    assert own, "a pin-only finding does not count"
    assert max(f.severity for f in own).label in ("high", "critical") or name in (
        "fail-dispatch-string-input", "fail-gitlab-component", "fail-gitlab-include")


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.iterdir()
                                        if p.name.startswith("pass-")))
def test_safe_spelling_passes(name: str, tmp_path: Path) -> None:
    result = scan(CASES / name, vuln_db=actions_db(tmp_path))
    assert result.errors == () and result.not_scanned == ()
    assert [(f.rule_id, f.location.start_line) for f in result.findings] == []


def test_issue_cases_fail_the_default_policy(tmp_path: Path) -> None:
    """Each of the issue's nine has a finding at the default fail_on (high) or above."""
    for name in list(EXPECTED)[:9]:
        result = scan(CASES / name, vuln_db=actions_db(tmp_path / name))
        assert any(f.severity.label in ("high", "critical") for f in result.findings), name


def test_flow_names_trigger_job_and_sink(tmp_path: Path) -> None:
    result = scan(CASES / "fail-composite-action-input")
    (finding,) = result.findings
    steps = [(s.location.path, s.location.start_line, s.message) for s in finding.flow]
    assert steps[0][:2] == (".github/workflows/comment.yml", 1)
    assert steps[0][2].startswith("on: issue_comment: any GitHub user can start it")
    assert steps[1][0] == ".github/actions/handle/action.yml"
    assert steps[1][2].startswith("action .github/actions/handle: token: issues: write")
    assert steps[2] == (".github/workflows/comment.yml", 8,
                        "step 1 (./.github/actions/handle) of handle uses "
                        ".github/actions/handle/action.yml")
    assert steps[3] == (".github/actions/handle/action.yml", 8, "expanded into a run: script")
    assert (finding.location.path, finding.location.start_line) == (
        ".github/actions/handle/action.yml", 8)
    assert dict(finding.extra)["trigger"] == "issue_comment"
    assert dict(finding.extra)["framework"] == "github-actions"

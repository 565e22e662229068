"""The fixtures the GHA/GitLab rules had in the iac check, now judged by the pipeline check:
the same files fail and pass (the pin rules split: first-party tags are GATE-GHA-018,
reusable workflows GATE-GHA-017)."""

from __future__ import annotations

import pytest
from pipeline_support import FIXTURES, scan

EXPECTED: dict[str, set[tuple[str, str, int]]] = {
    "gate-gha-001": {("GATE-GHA-001", ".github/workflows/fail.yml", 7),
                     ("GATE-GHA-017", ".github/workflows/fail.yml", 9),
                     ("GATE-GHA-018", ".github/workflows/fail.yml", 6),
                     ("GATE-GHA-018", ".github/workflows/pass.yml", 6)},
    "gate-gha-002": {("GATE-GHA-002", ".github/workflows/fail.yml", 10),
                     ("GATE-GHA-018", ".github/workflows/fail.yml", 8),
                     ("GATE-GHA-018", ".github/workflows/pass.yml", 6),
                     ("GATE-GHA-018", ".github/workflows/pass.yml", 7)},
    "gate-gha-003": {("GATE-GHA-003", ".github/workflows/fail.yml", 7)},
    "gate-gha-004": {("GATE-GHA-004", ".github/workflows/fail.yml", 2),
                     ("GATE-GHA-004", ".github/workflows/fail-job.yml", 4)},
    "gate-gitlab-001": {("GATE-GITLAB-001", "fail/.gitlab-ci.yml", 1),
                        ("GATE-GITLAB-001", "fail/.gitlab-ci.yml", 3)},
    "gate-gitlab-002": {("GATE-GITLAB-002", "fail/.gitlab-ci.yml", 2),
                        ("GATE-GITLAB-002", "fail/.gitlab-ci.yml", 3)},
    "gate-gitlab-003": {("GATE-GITLAB-003", "fail/.gitlab-ci.yml", 3)},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_moved_fixture(name: str) -> None:
    result = scan(FIXTURES / name)
    assert result.errors == () and result.not_scanned == ()
    got = {(f.rule_id, f.path, f.location.start_line) for f in result.findings}
    assert got == EXPECTED[name]

"""The environment of the gate's git commands."""

from __future__ import annotations

import pytest

from gate.git.command import git_env


def test_prompts_pagers_and_optional_locks_are_off_and_the_rest_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "1")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    monkeypatch.setenv("GATE_TEST_MARKER", "kept")
    env = git_env()
    assert {k: env[k] for k in ("GIT_TERMINAL_PROMPT", "GIT_PAGER", "GIT_OPTIONAL_LOCKS",
                                "LC_ALL", "GATE_TEST_MARKER")} == {
        "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0",
        "LC_ALL": "C", "GATE_TEST_MARKER": "kept"}

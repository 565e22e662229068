"""The progress display: on an interactive stderr only, never on stdout, gone before the report."""

from __future__ import annotations

import io
import sys

import pytest

from gate.checks.interface import CheckResult
from gate.cli.progress import Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_display_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert Progress.for_stderr() is None


def test_display_on_a_terminal_says_when_each_check_is_done(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    progress = Progress.for_stderr()
    assert progress is not None
    progress.started("sast")
    progress.started("secrets")
    progress.done(CheckResult("sast", "bandit", "1.9", duration=1.25))
    progress.done(CheckResult("secrets", "detect-secrets", "1.5", errors=("boom",)))
    progress.stop()
    text = fake.getvalue()
    assert "sast: done in 1.2s (ok)" in text
    assert "secrets: done in 0.0s (error)" in text
    assert capsys.readouterr().out == ""  # nothing on stdout, where the report goes

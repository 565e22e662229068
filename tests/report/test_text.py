"""The terminal report: readable, and a crafted path cannot drive the user's terminal."""

from __future__ import annotations

from gate.findings import Finding, Location, Severity
from gate.report.text import TextReporter
from gate.result import CheckOutcome, RunResult


def _run() -> RunResult:
    f = Finding(check="sast", rule_id="B602", severity=Severity.HIGH, message="shell\x1b[2J=True",
                location=Location("evil\x1b]0;pwned\x07\n::error::x.py", 3, 3), fingerprint="f",
                new=True)
    outcome = CheckOutcome(name="sast", verdict="fail", tool="bandit", tool_version="1.9",
                           duration=0.2, fail_on=Severity.HIGH, errors=())
    return RunResult(verdict="fail", checks=(outcome,), findings=(f,), failing=frozenset({0}),
                     reasons=("sast: 1 finding(s) at or above high",))


def test_plain_text_has_no_control_characters() -> None:
    text = TextReporter().render(_run())
    assert "\x1b" not in text and "\x07" not in text
    assert not any(line.startswith("::") for line in text.splitlines())
    assert "  HIGH     sast B602  evil?]0;pwned??::error::x.py:3  (code) new" in text
    assert text.startswith("gate: FAIL  1 failing · 1 findings · 0 suppressed (0.0s)\n")


def test_rich_text_escapes_untrusted_text() -> None:
    text = TextReporter(rich=True).render(_run())
    assert "\x1b]0;pwned" not in text and "\x1b[2J" not in text
    assert "FAIL" in text

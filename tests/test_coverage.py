"""The not_scanned policy: a file nobody read for secrets fails closed, unless binary by name."""

from __future__ import annotations

import pytest

from gate.checks.interface import CheckResult, NotScanned
from gate.coverage import blocks, judge_coverage
from gate.inventory import SYMLINK_OUTSIDE
from gate.policy.model import NotScannedPolicy, Policy
from gate.policy.schema import validate
from gate.report.markdown import render_markdown
from gate.report.text import TextReporter
from gate.result import CheckOutcome, Verdict
from gate.serialize import from_dict, to_dict
from gate.verdict import evaluate, exit_code

UNREADABLE = NotScanned("deploy/creds.env", "unreadable: Permission denied")
BIG_ZIP = NotScanned("assets/big.zip", "larger than the 104857600 byte hard cap: no check reads it")
LINK = NotScanned("leak.env", SYMLINK_OUTSIDE)
AUTO, FAIL, WARN = NotScannedPolicy.AUTO, NotScannedPolicy.FAIL, NotScannedPolicy.WARN


@pytest.mark.parametrize("entry, setting, expected", [
    (UNREADABLE, AUTO, True), (BIG_ZIP, AUTO, False), (LINK, AUTO, False),
    (UNREADABLE, FAIL, True), (BIG_ZIP, FAIL, True), (LINK, FAIL, True),
    (UNREADABLE, WARN, False), (BIG_ZIP, WARN, False), (LINK, WARN, False),
    (NotScanned("a1b2c3d4e5f6..HEAD", "history not scanned: git log stopped"), AUTO, True),
    (NotScanned("IMG.PNG", "could not read the file: EIO"), AUTO, False),
])
def test_blocks(entry: NotScanned, setting: NotScannedPolicy, expected: bool) -> None:
    assert blocks(entry, setting) is expected


def test_the_default_is_auto() -> None:
    assert Policy().not_scanned is NotScannedPolicy.AUTO
    assert validate({"not_scanned": "fail"}).not_scanned is FAIL


def _secrets(*not_scanned: NotScanned, errors: tuple[str, ...] = ()) -> dict[str, CheckResult]:
    return {"secrets": CheckResult(check="secrets", tool="detect-secrets", tool_version="1.5",
                                   not_scanned=not_scanned, errors=errors, files_scanned=3)}


def test_a_file_the_secrets_check_could_not_read_fails_it() -> None:
    run = evaluate(Policy(), _secrets(UNREADABLE, BIG_ZIP), [])

    assert run.verdict == Verdict.FAIL and exit_code(run.verdict) == 1
    secrets = run.check("secrets")
    assert secrets is not None and secrets.verdict == Verdict.FAIL
    assert run.reasons == (
        "secrets: 1 file(s) not scanned for secrets fail under not_scanned: auto: "
        "deploy/creds.env (unreadable: Permission denied)",)
    assert run.warnings == (
        "1 file(s) not scanned for secrets allowed under not_scanned: auto: assets/big.zip "
        "(larger than the 104857600 byte hard cap: no check reads it)",)


def test_warn_lists_and_passes() -> None:
    run = evaluate(Policy(not_scanned=WARN), _secrets(UNREADABLE), [], not_scanned=(LINK,))

    assert run.verdict == Verdict.PASS and run.reasons == ()
    assert len(run.warnings) == 2


def test_files_no_check_read_fail_the_run_even_with_other_checks_only() -> None:
    results = {"sast": CheckResult(check="sast", tool="bandit", tool_version="1.9")}
    run = evaluate(Policy(), results, [], not_scanned=(UNREADABLE,))

    assert run.verdict == Verdict.FAIL
    assert run.check("sast").verdict == Verdict.PASS  # type: ignore[union-attr]
    assert run.reasons == ("1 file(s) read by no check fail under not_scanned: auto: "
                           "deploy/creds.env (unreadable: Permission denied)",)


def test_a_check_error_stays_an_error() -> None:
    run = evaluate(Policy(), _secrets(UNREADABLE, errors=("timed out after 2s",)), [])

    assert run.verdict == Verdict.ERROR and exit_code(run.verdict) == 3


def test_other_checks_not_scanned_files_do_not_fail_the_gate() -> None:
    outcome = CheckOutcome(name="sast", verdict=Verdict.PASS, tool="bandit", tool_version="1.9",
                           duration=0.1, fail_on=Policy().fail_on_for("sast"),
                           not_scanned=(NotScanned("py2.py", "syntax error"),))

    coverage = judge_coverage(AUTO, (outcome,), ())

    assert coverage.outcomes == (outcome,) and coverage.reasons == coverage.warnings == ()


def test_reports_show_the_not_scanned_count() -> None:
    run = evaluate(Policy(), _secrets(UNREADABLE, BIG_ZIP), [], not_scanned=(LINK,))

    data = to_dict(run)
    assert data["summary"]["not_scanned"] == 3
    assert to_dict(from_dict(data))["summary"]["not_scanned"] == 3
    text = TextReporter().render(run)
    assert text.startswith("gate: FAIL  0 failing · 0 findings · 0 suppressed · 3 not scanned (")
    # Each place, then its reason whole on the line below.
    assert f"  leak.env\n    {SYMLINK_OUTSIDE}\n" in text
    assert "  secrets: deploy/creds.env\n    unreadable: Permission denied\n" in text
    markdown = render_markdown(run)
    assert "· 3 not scanned ·" in markdown
    assert "<summary>Not scanned (3)</summary>" in markdown

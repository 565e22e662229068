"""The retry wrapper, the status line, the comment body and the Actions helpers, in isolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from publish_fixtures import HEAD, finding, make_run

from gate.context import Context
from gate.publish.github_actions import escape_property, step_outputs, write_outputs
from gate.publish.interface import PublishError
from gate.publish.retry import ApiFailure, Kind, RetryPolicy, call
from gate.publish.text import MARKER, comment_body, redact, status_description


class Boom(Exception):
    def __init__(self, failure: ApiFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def _classify(exc: Exception) -> ApiFailure | None:
    return exc.failure if isinstance(exc, Boom) else None


def _flaky(*failures: ApiFailure, result: str = "done"):
    calls = []

    def op() -> str:
        calls.append(1)
        if len(calls) <= len(failures):
            raise Boom(failures[len(calls) - 1])
        return result

    return op, calls


def _policy(sleeps: list[float], attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, base_delay=1.0, max_wait=10.0, sleep=sleeps.append)


def test_permanent_failures_are_not_retried() -> None:
    op, calls = _flaky(ApiFailure(Kind.PERMANENT, 403, "Forbidden"))
    with pytest.raises(PublishError) as info:
        call(op, classify=_classify, policy=_policy([]), what="status")
    assert (info.value.status, info.value.reason, len(calls)) == (403, "Forbidden", 1)


def test_transient_failures_back_off_exponentially() -> None:
    sleeps: list[float] = []
    bad = ApiFailure(Kind.MAYBE_APPLIED, 502, "Bad Gateway")
    op, calls = _flaky(bad, bad, bad)
    assert call(op, classify=_classify, policy=_policy(sleeps), what="edit") == "done"
    assert sleeps == [1.0, 2.0, 4.0] and len(calls) == 4


def test_attempts_run_out() -> None:
    bad = ApiFailure(Kind.MAYBE_APPLIED, None, "no answer")
    op, calls = _flaky(bad, bad, bad)
    with pytest.raises(PublishError) as info:
        call(op, classify=_classify, policy=_policy([], attempts=2), what="edit")
    assert info.value.status is None and info.value.stops_publishing and len(calls) == 2


def test_a_create_that_landed_is_recovered_not_repeated() -> None:
    op, calls = _flaky(ApiFailure(Kind.MAYBE_APPLIED, 502, "Bad Gateway"), result="second")
    found = call(op, classify=_classify, policy=_policy([]), what="create",
                 recover=lambda: "the first one")
    assert found == "the first one" and len(calls) == 1


def test_rate_limits_wait_as_told_and_never_recover() -> None:
    sleeps: list[float] = []
    op, calls = _flaky(ApiFailure(Kind.NOT_APPLIED, 403, "secondary rate limit", 7.0))
    recovered: list[int] = []
    assert call(op, classify=_classify, policy=_policy(sleeps), what="create",
                recover=lambda: recovered.append(1)) == "done"
    assert sleeps == [7.0] and recovered == [] and len(calls) == 2


def test_a_wait_longer_than_the_cap_is_reported_not_slept() -> None:
    sleeps: list[float] = []
    op, _ = _flaky(ApiFailure(Kind.NOT_APPLIED, 403, "API rate limit exceeded", 3600.0))
    with pytest.raises(PublishError, match="retry in 3600s"):
        call(op, classify=_classify, policy=_policy(sleeps), what="create")
    assert sleeps == []


def test_unknown_exceptions_are_bugs_and_propagate() -> None:
    def op() -> str:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        call(op, classify=_classify, policy=_policy([]), what="x")


def test_status_description_fits_140_characters() -> None:
    many = [finding(i, severity=s) for i, s in enumerate(["critical", "high"] * 40)]
    text = status_description(make_run(many))
    assert text.startswith("failed: 80 failing (40 critical, 40 high) of 80 findings")
    assert len(status_description(make_run([], verdict="error"))) <= 140
    assert status_description(make_run([finding(1, severity="low")])) == (
        "passed: 1 findings, none failing")


def test_comment_body_starts_with_the_marker_and_respects_the_limit() -> None:
    context = Context("github", "o/r", HEAD, "main", 7, "https://x.example/run/1")
    run = make_run([finding(i, message="m" * 200, line=i + 1) for i in range(400)])
    body = comment_body(run, context, 20_000)
    assert body.startswith(MARKER + "\n") and len(body) <= 20_000
    assert "[run, full report and artifacts](https://x.example/run/1)" in body


def test_comment_footer_ignores_an_unsafe_run_url() -> None:
    context = Context("github", "o/r", HEAD, None, 7, "javascript:alert(1)")
    assert "javascript" not in comment_body(make_run([]), context, 60_000)


def test_redact() -> None:
    assert redact("token abcd1234 here", ["abcd1234", None, ""]) == "token *** here"


def test_properties_are_escaped() -> None:
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_outputs_use_heredocs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outputs = step_outputs(make_run([finding(1)]), [("json", Path("r/gate.json"))])
    outputs["evil"] = "line1\nx=y\nghadelimiter_fake"
    assert write_outputs(str(out), outputs) is None
    parsed: dict[str, str] = {}
    lines = out.read_text(encoding="utf-8").splitlines()
    while lines:
        name, _, delimiter = lines.pop(0).partition("<<")
        value = []
        while (line := lines.pop(0)) != delimiter:
            value.append(line)
        parsed[name] = "\n".join(value)
    assert parsed["verdict"] == "fail" and parsed["failing"] == "1" and parsed["high"] == "1"
    assert parsed["report-json"] == "r/gate.json"
    assert parsed["evil"] == "line1\nx=y\nghadelimiter_fake"


def test_unwritable_output_file_is_a_warning(tmp_path: Path) -> None:
    warning = write_outputs(str(tmp_path / "missing-dir" / "out"), {"verdict": "pass"})
    assert warning is not None and "GITHUB_OUTPUT" in warning

"""The Markdown report: untrusted text is inert, the size cap cuts least severe first."""

from __future__ import annotations

import re

from gate.findings import Finding, Location, Severity, content_fingerprint
from gate.report.escape import md_text
from gate.report.markdown import SANE_LIMIT, render_markdown
from gate.result import CheckOutcome, RunResult


def _finding(i: int, severity: Severity, path: str = "src/app.py",
             message: str = "something bad") -> Finding:
    return Finding(check="sast", rule_id="B602", severity=severity, message=message,
                   location=Location(path, i, i),
                   fingerprint=content_fingerprint("sast", "B602", path, str(i)),
                   help_url="https://bandit.readthedocs.io/en/latest/plugins/b602.html")


def _run(findings: list[Finding], failing: set[int] | None = None) -> RunResult:
    outcome = CheckOutcome(name="sast", verdict="fail", tool="bandit", tool_version="1.9",
                           duration=1.0, fail_on=Severity.HIGH)
    return RunResult(verdict="fail", checks=(outcome,), findings=tuple(findings),
                     failing=frozenset(failing or set()))


def test_hostile_path_and_message_are_inert() -> None:
    evil_path = "x/<img src=x onerror=alert(1)>|[a](http://evil)`@admin.py"
    evil_msg = "<script>alert(1)</script> ping @octocat see #1 ![x](http://e/x.png)\n| x |"
    body = render_markdown(_run([_finding(1, Severity.HIGH, evil_path, evil_msg)], {0}))
    assert "<img" not in body and "<script" not in body
    assert "@octocat" not in body and "@admin" not in body
    assert "](http://evil)" not in body and "![x](" not in body
    assert "http://e" not in body
    # the table stays a table: no row gets extra unescaped pipes
    rows = [line for line in body.splitlines() if "B602" in line]
    assert len(rows) == 1
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == 7


def test_md_text_folds_newlines_and_limits() -> None:
    assert "\n" not in md_text("a\nb\r\nc")
    assert len(md_text("x" * 1000, limit=50)) <= 50


def test_links_only_for_http_urls() -> None:
    f = _finding(1, Severity.HIGH)
    body = render_markdown(_run([f], {0}))
    assert "[B602](https://bandit.readthedocs.io/" in body
    bad = Finding(**{**f.__dict__, "help_url": "javascript:alert(1)"})
    assert "javascript" not in render_markdown(_run([bad], {0}))


def test_size_cap_cuts_least_severe_first() -> None:
    findings = [_finding(i, Severity.HIGH) for i in range(30)]
    findings += [Finding(**{**_finding(100 + i, Severity.LOW, message="x" * 200).__dict__,
                            "rule_id": f"B{300 + i}"}) for i in range(300)]
    run = _run(findings, set(range(30)))
    full = render_markdown(run)
    capped = render_markdown(run, max_chars=20_000, details_url="https://ci.example/run/1")
    assert len(full) > 20_000 >= len(capped)
    assert capped.count("| high |") == 30  # every failing finding survives
    assert "less severe findings are not shown" in capped
    assert "](https://ci.example/run/1)" in capped


def test_sane_limit_even_when_the_platform_allows_more() -> None:
    findings = [_finding(i, Severity.HIGH, path=f"src/{'d' * 150}/m{i}.py", message="y" * 230)
                for i in range(2000)]
    body = render_markdown(_run(findings, set(range(2000))), max_chars=950_000)
    assert len(body) <= SANE_LIMIT
    assert "less severe findings are not shown" in body


def test_pass_headline() -> None:
    run = RunResult(verdict="pass", checks=(), findings=())
    assert render_markdown(run).startswith("## ✅ gate passed")

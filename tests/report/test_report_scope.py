"""Report scope and the size limit: what goes into the files platforms ingest.

A run judged by the real verdict stage under the default policy (fails on high
in code): a high finding in code fails, the same in tests would fail in code, a
low ``assert`` in tests would fail nowhere. Each format's default scope keeps
exactly the first two kinds; JSON keeps everything.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from gate.checks.interface import CheckResult
from gate.findings import Confidence, Finding, Location, Severity, Suppression
from gate.policy.model import Policy
from gate.policy.schema import validate
from gate.report.budget import fit
from gate.report.registry import get_reporter, render_report
from gate.report.scope import BLOCKING_KEY, Scope, scoped, stamp
from gate.result import RunResult
from gate.verdict import evaluate


def _f(rule: str, sev: Severity, path: str, line: int, context: str, **kw: Any) -> Finding:
    return Finding("sast", rule, sev, f"{rule} here", Location(path, line, line),
                   f"fp-{rule}-{path}-{line}", confidence=Confidence.HIGH, context=context, **kw)


def _findings(asserts: int = 40) -> list[Finding]:
    found = [
        _f("B602", Severity.HIGH, "app/run.py", 3, "code"),           # fails
        _f("B602", Severity.HIGH, "tests/test_run.py", 5, "test"),    # would fail in code
        _f("B105", Severity.CRITICAL, "docs/conf.py", 2, "docs"),     # would fail in code
        _f("B608", Severity.MEDIUM, "app/db.py", 9, "code"),          # below the threshold
        _f("B602", Severity.HIGH, "app/old.py", 4, "code",            # suppressed, would fail
           suppression=Suppression("inline", "reviewed", "app/old.py:4", rules=("B602",))),
    ]
    found += [_f("B101", Severity.LOW, f"tests/test_{n % 4}.py", n + 1, "test")
              for n in range(asserts)]
    return found


def _run(policy: Policy | None = None, asserts: int = 40) -> RunResult:
    policy = policy or Policy()
    found = _findings(asserts)
    result = CheckResult("sast", "bandit", "1.8.0", tuple(found), files_scanned=9)
    return stamp(evaluate(policy, {"sast": result}, found), policy)


def _sarif_results(text: str) -> list[dict[str, Any]]:
    return [r for run in json.loads(text)["runs"] for r in run["results"]]


def test_stamps_say_where_each_finding_would_fail() -> None:
    run = _run()
    stamps = {(f.rule_id, f.path): dict(f.extra).get(BLOCKING_KEY) for f in run.findings}
    assert stamps[("B602", "app/run.py")] == "context"
    assert stamps[("B602", "tests/test_run.py")] == "code"
    assert stamps[("B105", "docs/conf.py")] == "code"
    assert stamps[("B602", "app/old.py")] == "context"  # suppression does not change it
    assert stamps[("B608", "app/db.py")] is None
    assert stamps[("B101", "tests/test_0.py")] is None
    assert [f.rule_id for f in run.failing_findings()] == ["B602"]


def test_default_scopes_per_format() -> None:
    run = _run()
    assert len(run.findings) == 45
    sarif = _sarif_results(render_report(run, "sarif"))
    assert [(r["ruleId"], r["level"]) for r in sarif] == [
        ("B105/advisory", "warning"), ("B602", "warning"), ("B602", "error"),
        ("B602/advisory", "warning")]  # app/old.py (suppressed), app/run.py, the test
    assert [r["level"] == "error" for r in sarif] == [
        r["properties"]["gate/failing"] for r in sarif]
    sast = json.loads(render_report(run, "gitlab-sast"))
    assert len(sast["vulnerabilities"]) == 3  # the suppressed one is never in a GitLab report
    assert sorted(v["severity"] for v in sast["vulnerabilities"]) == ["High", "Medium", "Medium"]
    assert any("41 finding(s) left out (1 medium, 40 low)" in m["value"]
               for m in sast["scan"]["messages"])
    junit = ET.fromstring(render_report(run, "junit").split("\n", 1)[1])
    assert junit.get("tests") == "4"
    assert len(json.loads(render_report(run, "codequality"))) == 3
    assert len(json.loads(render_report(run, "json"))["findings"]) == 45


def test_policy_scope_per_format_and_for_all() -> None:
    policy = validate({"reports": {"scope": {"sarif": "failing", "json": "code"}}})
    assert (policy.reports.scope_for("sarif"), policy.reports.scope_for("json"),
            policy.reports.scope_for("junit"), policy.reports.scope_for("text")) == (
        "failing", "code", "code", "all")
    everything = validate({"reports": {"scope": "all"}})
    assert everything.reports.scope_for("gitlab-sast") == "all"
    run = _run(policy)
    assert len(_sarif_results(render_report(run, "sarif", "failing"))) == 1
    assert len(_sarif_results(render_report(run, "sarif", "all"))) == 45


def test_a_context_threshold_moves_findings_into_the_failing_scope() -> None:
    policy = validate({"contexts": {"test": {"fail_on": "high"}}})
    run = _run(policy)
    assert sorted(f.path for f in run.failing_findings()) == ["app/run.py", "tests/test_run.py"]
    failing = scoped(run, Scope.FAILING)
    assert len(failing.findings) == 2
    assert failing.failing == frozenset({0, 1})


def test_repeats_of_one_fingerprint_stay_together() -> None:
    twin = [_f("B602", Severity.HIGH, "app/run.py", 3, "code"),
            _f("B602", Severity.LOW, "app/run.py", 8, "code")]
    twin[1] = Finding(**{**twin[1].__dict__, "fingerprint": twin[0].fingerprint})
    result = CheckResult("sast", "bandit", "1.8.0", tuple(twin))
    run = stamp(evaluate(Policy(), {"sast": result}, twin), Policy())
    assert len(scoped(run, Scope.CODE).findings) == 2  # keys :1 and :2 keep their meaning


def _notes(text: str) -> list[str]:
    return [n["message"]["text"] for run in json.loads(text)["runs"]
            for n in run["invocations"][0].get("toolExecutionNotifications", [])]


def test_size_limit_groups_before_it_cuts_and_says_so() -> None:
    run = _run(asserts=400)
    sarif = get_reporter("sarif")
    whole = sarif.render(run)
    # Just over the limit: the largest group (one test file's 100 asserts) is collapsed to its
    # first finding, and no more.
    just = fit(run, sarif.render, limit=len(whole.encode()) - 1)
    assert len(_sarif_results(just)) == 306
    assert _notes(just) == ["sast: size limit: 99 finding(s) that do not fail the gate were "
                            "grouped with the first of their rule in their file (99 low not "
                            "listed); the JSON report has every finding"]
    # Grouping alone: one B101 per test file (4) stays, with the failing and the rest.
    grouped = fit(run, sarif.render, limit=20_000)
    assert len(grouped.encode()) <= 20_000
    assert len(_sarif_results(grouped)) == 9
    assert _notes(grouped) == ["sast: size limit: 396 finding(s) that do not fail the gate were "
                               "grouped with the first of their rule in their file (396 low not "
                               "listed); the JSON report has every finding"]
    # Tighter: cut from the least important end; the failing finding stays.
    small = fit(run, sarif.render, limit=9_000)
    assert len(small.encode()) <= 9_000
    kept = _sarif_results(small)
    assert len(kept) == 6
    assert [r["ruleId"] for r in kept if r["level"] == "error"] == ["B602"]
    [note] = [n["message"]["text"] for run_ in json.loads(small)["runs"]
              for n in run_["invocations"][0].get("toolExecutionNotifications", [])]
    assert note.startswith(f"sast: size limit: {405 - len(kept):,} finding(s) left out (")
    assert ", 396 of them grouped with the first of their rule in their file;" in note

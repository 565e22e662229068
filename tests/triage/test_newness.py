"""Newness by fingerprint, and the dependencies distinction (changed pin vs new advisory)."""

from __future__ import annotations

from pathlib import Path

from gitrepo import Repo

from gate.findings import Finding, Location, Severity
from gate.pipeline import RunOptions, run
from gate.policy import Mode
from gate.result import RunResult, Verdict
from gate.triage.newness import PIN_ADDED_OR_CHANGED, PIN_KEY, PIN_UNCHANGED, BaseFindings, mark_new

OSV = Path(__file__).parents[1] / "fixtures" / "osv"


def _f(fp: str, check: str = "sast", package: str | None = None) -> Finding:
    return Finding(check=check, rule_id="R", severity=Severity.HIGH, message="m",
                   location=Location("a.py"), fingerprint=fp, package=package)


def test_counts_multiplicity_and_leaves_unknown_checks_alone() -> None:
    base = BaseFindings(by_check={"sast": ("x", "y")})
    out = mark_new([_f("x"), _f("x"), _f("z"), _f("x", check="iac")], base)
    assert [f.new for f in out] == [False, True, True, None]


def test_dependency_findings_say_whether_the_pin_changed() -> None:
    base = BaseFindings(by_check={"dependencies": ("old",)})
    out = mark_new([_f("old", "dependencies", "requests"), _f("new", "dependencies", "pyyaml")],
                   base)
    assert [(f.new, dict(f.extra)[PIN_KEY]) for f in out] == [
        (False, PIN_UNCHANGED), (True, PIN_ADDED_OR_CHANGED)]


def _deps(repo: Repo, mode: Mode = Mode.NEW) -> RunResult:
    return run(RunOptions(path=repo.root, checks=("dependencies",), env={}, mode=mode,
                          base="main", vuln_db=OSV))


def test_advisory_on_an_unchanged_pin_is_reported_but_does_not_fail(repo: Repo) -> None:
    repo.write({"requirements.txt": "requests==2.19.0\n", "app.py": "x = 1\n"}).commit("base")
    repo.branch("feature").write({"app.py": "x = 2\n"}).commit()
    result = _deps(repo)
    assert result.verdict == Verdict.PASS
    (finding,) = result.findings
    assert (finding.package, finding.new) == ("requests", False)
    assert dict(finding.extra)[PIN_KEY] == PIN_UNCHANGED
    assert _deps(repo, Mode.ALL).verdict == Verdict.FAIL


def test_added_or_changed_vulnerable_pin_fails(repo: Repo) -> None:
    repo.write({"requirements.txt": "requests==2.19.0\nPyYAML==5.4\n"}).commit("base")
    repo.branch("feature").write({"requirements.txt": "# pinned\nrequests==2.19.0\n"
                                  "PyYAML==5.3\n"}).commit()
    result = _deps(repo)
    flags = sorted((f.package, f.new, dict(f.extra)[PIN_KEY])
                   for f in result.findings)
    assert flags == [("pyyaml", True, PIN_ADDED_OR_CHANGED),
                     ("requests", False, PIN_UNCHANGED)]
    assert [f.package for f in result.failing_findings()] == ["pyyaml"]

"""The gate's own files (baseline, reports, cache entries) are recognised by content and never
scanned: recording a baseline again converges, a report left in the tree adds no finding."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.artefacts import recognise, recognise_text
from gate.findings import Finding, Location, Severity, content_fingerprint
from gate.inventory import build_inventory
from gate.report.registry import FORMATS, get_reporter
from gate.result import CheckOutcome, RunResult, Verdict

OSV_DB = Path(__file__).parent / "fixtures" / "osv"
# Built at runtime so this file holds no secret literal.
SECRET_LINE = 'API_TOKEN = "' + "f3a9c1e7b2d84a6f" + "9e0c5b7a1d3f8e2c" + '"\n'


def _result() -> RunResult:
    finding = Finding(check="secrets", rule_id="Hex High Entropy String", severity=Severity.HIGH,
                      message="Hex High Entropy String", location=Location("app.py", 1, 1),
                      fingerprint=content_fingerprint("secrets", "Hex", "app.py", "x"))
    outcome = CheckOutcome(name="secrets", verdict=Verdict.FAIL, tool="detect-secrets",
                           tool_version="1.5.0", duration=0.1, fail_on=Severity.HIGH,
                           files_scanned=1)
    return RunResult(verdict=Verdict.FAIL, checks=(outcome,), findings=(finding,),
                     failing=frozenset({0}), gate_version="0.1.0",
                     policy_source="built-in default")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_report_format_is_recognised_by_content(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "whatever-name.out"
    path.write_text(get_reporter(fmt).render(_result()), encoding="utf-8")
    kind = recognise(path)
    assert kind is not None and kind.startswith("gate ")


def test_a_baseline_and_a_cache_entry_are_recognised(tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text(json.dumps({"version": 1, "generated_by": "gate 0.1.0", "findings": [
        {"check": "secrets", "rule": "R", "path": "a.py", "fingerprint": "ab" * 16}]}))
    cache = tmp_path / "entry.json"  # as the store names them: <digest>.json
    cache.write_bytes(b"gate-cache 3 " + b"00" * 32 + b"\n\x00\x01payload")
    assert (recognise(baseline), recognise(cache)) == ("gate baseline", "gate result-cache entry")


@pytest.mark.parametrize("text", [
    '{"name": "pkg", "version": "1.0.0"}',
    '{"version": 1, "generated_by": "gate", "findings": [], "extra": "AKIA"}',
    '{"version": 1, "generated_by": "gate", "findings": [{"check": "s", "rule": "r", '
    '"path": "p", "fingerprint": "not-hex secret=hunter2"}]}',
    '{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", '
    '"runs": [{"tool": {"driver": {"name": "semgrep"}}}]}',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><testsuites name="gate"/>',
    '<testsuites name="gate"><testsuite name="pytest"/></testsuites>',
    "# gate\n\nA README about a gate.\n",
    "gate: the project\n",
    "[]",
])
def test_lookalikes_are_not_recognised(text: str) -> None:
    assert recognise_text(text) is None


_MARKDOWN_HEAD = "## \u2705 gate passed\n{open}\n**0 failing** \u00b7 0 findings \u00b7 0 suppressed\n"


@pytest.mark.parametrize(("name", "text"), [
    # a Python module: a comment, then a docstring that opens like a markdown report
    ("app.py", _MARKDOWN_HEAD.format(open='"""') + '"""\nimport os\nos.system(input())\n'),
    # a workflow written as JSON (YAML reads it) with a JSON report's keys beside on/jobs
    (".github/workflows/ci.yml", json.dumps({
        "schema_version": "1.0", "gate_version": "0.1.0", "verdict": "pass", "checks": [],
        "findings": [], "summary": {}, "on": "push", "jobs": {}})),
    ("requirements.txt", "gate: PASS  0 failing \u00b7 0 findings \u00b7 0 suppressed (0.1s)\n"
                         "check  status  findings  failing  suppressed  not scanned  fails on\n"
                         "flask==0.5\n"),
    ("Dockerfile", _MARKDOWN_HEAD.format(open="#") + "FROM python:3\n"),
])
def test_a_file_a_check_reads_is_never_one_of_the_gates(name: str, text: str,
                                                         tmp_path: Path) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    assert recognise(path) is None


def test_a_python_module_shaped_like_a_report_is_still_judged_by_sast(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app.py": _MARKDOWN_HEAD.format(open='"""') + '"""\nimport os\n\n\n'
                      'def run(host):\n    os.system("ping " + host)\n'})
    done = _gate("run", "--checks", "sast", "--format", "json", "--no-post", "--no-cache",
                 cwd=root)
    found = {(f["rule_id"], f["path"]) for f in json.loads(done.stdout)["findings"]}
    assert ("B605", "app.py") in found


def test_inventory_leaves_own_files_out_and_names_them(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "gate.sarif").write_text(get_reporter("sarif").render(_result()))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "next.json").write_text("not yet written")
    inventory = build_inventory(tmp_path, own=("out/next.json",))
    assert inventory.files == ("app.py",)
    assert [(n.path, n.reason) for n in inventory.own] == [
        ("gate.sarif", "gate SARIF report"), ("out/next.json", "written by this run (--report)")]


def _gate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600, check=False)


def test_baseline_converges_and_reports_in_the_tree_add_nothing(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app.py": SECRET_LINE})
    sizes = []
    for _ in range(3):
        done = _gate("baseline", "--force", "--checks", "secrets", cwd=root)
        assert done.returncode == 0, done.stderr
        sizes.append(len(json.loads((root / ".gate-baseline.json").read_text())["findings"]))
    assert sizes == [1, 1, 1]
    counts = []
    for _ in range(3):
        done = _gate("run", "--checks", "secrets", "--format", "json",
                     "--report", "sarif=gate.sarif", "--report", "json=gate.json",
                     "--report", "markdown=gate.md", "--report", "junit=gate.xml", cwd=root)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        counts.append(len(report["findings"]))
        assert {f["path"] for f in report["findings"]} == {"app.py"}
    assert counts == [1, 1, 1]
    assert report["warnings"][0] == (
        "5 file(s) are the gate's own output, not judged (searched only for live provider "
        "tokens): .gate-baseline.json (gate baseline), gate.json (written by this run "
        "(--report)), gate.md (written by this run (--report)) and 2 more")


def test_a_live_token_in_a_report_shaped_file_still_fails(make_repo: Callable[..., Path]) -> None:
    """Shaped like a gate report to hide from the checks: a live-format token is still found."""
    report = json.loads(get_reporter("json").render(_result()))
    report["findings"][0]["message"] = "AWS_ACCESS_KEY_ID=" + "AKIA" + "Z7Q3X5V2L4N6P7RT"
    root = make_repo({"app.py": "x = 1\n", "scan.json": json.dumps(report, indent=2)})
    done = _gate("run", "--checks", "secrets", "--format", "json", cwd=root)
    out = json.loads(done.stdout)
    assert (done.returncode, out["verdict"]) == (1, "fail")
    assert [(f["path"], f["failing"]) for f in out["findings"]] == [("scan.json", True)]
    assert out["warnings"][0].startswith("1 file(s) are the gate's own output")

"""The baseline file: its format, matching, stale entries, and ``gate baseline``."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from gitrepo import Repo

from gate.cli.main import main
from gate.findings import Finding, Location, Severity, Suppression
from gate.triage.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    apply_baseline,
    entries_for,
    parse_baseline,
    render_baseline,
)


def _finding(fp: str, check: str = "sast", path: str = "a.py", line: int = 1) -> Finding:
    return Finding(check=check, rule_id="B602", severity=Severity.HIGH, message="m",
                   location=Location(path, line, line), fingerprint=fp)


def test_round_trip_is_stable_and_minimal() -> None:
    entries = entries_for([_finding("f2", path="b.py", line=9), _finding("f1"),
                           _finding("f1", line=30)])
    text = render_baseline(entries, "1.2.3")
    data = json.loads(text)
    assert data == {"version": 1, "generated_by": "gate 1.2.3", "findings": [
        {"check": "sast", "rule": "B602", "path": "a.py", "fingerprint": "f1"},
        {"check": "sast", "rule": "B602", "path": "b.py", "fingerprint": "f2"},
    ]}
    assert parse_baseline(text, "x").entries == entries
    assert render_baseline(reversed(entries), "1.2.3") == text


@pytest.mark.parametrize("text, message", [
    ("{", "not valid JSON"),
    ("[]", "not a gate baseline"),
    ('{"version": 2, "findings": []}', "version 2 is not supported"),
    ('{"version": 1, "findings": [{"check": "sast"}]}', "findings[0].path is missing"),
])
def test_bad_files_are_configuration_errors(text: str, message: str) -> None:
    with pytest.raises(BaselineError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_baseline(text, ".gate-baseline.json")


def test_apply_suppresses_and_lists_stale_entries_of_judged_checks_only() -> None:
    baseline = Baseline(entries=(BaselineEntry("sast", "a.py", "B602", "f1"),
                                 BaselineEntry("sast", "gone.py", "B602", "f9"),
                                 BaselineEntry("secrets", "k.env", "AWS", "s1")),
                        source=".gate-baseline.json")
    waived = Suppression(kind="waiver", reason="r")
    already = replace(_finding("f1", line=50), suppression=waived)
    out = apply_baseline([_finding("f1", line=40), _finding("f2"), already],
                         baseline, frozenset({"sast"}))
    kinds = [f.suppression.kind if f.suppression else None for f in out.findings]
    assert kinds == ["baseline", None, "waiver"]
    assert [e.fingerprint for e in out.stale] == ["f9"]  # secrets did not run: not stale
    assert "1 entry no longer match a finding (sast B602 gone.py)" in out.warnings[0]
    assert "gate baseline --update" in out.warnings[0]


def _baseline(repo: Repo) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo.root / ".gate-baseline.json").read_text())
    return data


POLICY = "checks:\n  rflaw: {enabled: false}\n"


def test_gate_baseline_then_run_passes_and_survives_moves(
        fakes: dict[str, str], repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({".gate.yml": POLICY, "a.py": "eval('FLAW-high')\n",
                "k.py": "token('FLAW-critical')  # gate:ignore[FLAW1] test key\n"})
    assert main(["run", str(repo.root)]) == 1
    assert main(["baseline", str(repo.root)]) == 0
    assert "1 entries (1 added, 0 removed)" in capsys.readouterr().out
    data = _baseline(repo)
    assert [e["path"] for e in data["findings"]] == ["a.py"]  # the inline-suppressed one: no
    assert "eval" not in json.dumps(data) and "line" not in json.dumps(data)
    repo.write({"a.py": "\n\n\nif True:\n    eval('FLAW-high')\n"})
    capsys.readouterr()
    assert main(["run", str(repo.root), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    finding = next(f for f in out["findings"] if f["path"] == "a.py")
    assert finding["suppression"]["kind"] == "baseline"
    assert finding["suppression"]["source"] == ".gate-baseline.json"


def test_gate_baseline_refuses_to_overwrite_and_update_only_shrinks(
        fakes: dict[str, str], repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({".gate.yml": POLICY, "a.py": "eval('FLAW-high')\n", "b.py": "eval('FLAW-low')\n"})
    assert main(["baseline", str(repo.root)]) == 0
    assert main(["baseline", str(repo.root)]) == 2
    assert "already exists" in capsys.readouterr().err
    repo.write({"a.py": "fixed = True\n", "c.py": "eval('FLAW-medium')\n"})
    assert main(["run", str(repo.root), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any("1 entry no longer match" in w for w in out["warnings"])
    assert main(["baseline", str(repo.root), "--update"]) == 0
    assert [e["path"] for e in _baseline(repo)["findings"]] == ["b.py"]  # c.py not added
    assert main(["baseline", str(repo.root), "--force"]) == 0
    assert [e["path"] for e in _baseline(repo)["findings"]] == ["b.py", "c.py"]


def test_policy_names_the_baseline_file(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({".gate.yml": POLICY + "baseline: security/accepted.json\n",
                "a.py": "eval('FLAW-high')\n"})
    assert main(["baseline", str(repo.root)]) == 0
    assert (repo.root / "security/accepted.json").is_file()
    assert main(["run", str(repo.root)]) == 0


def test_corrupt_baseline_stops_the_run(fakes: dict[str, str], repo: Repo,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({".gate.yml": POLICY, "a.py": "x\n", ".gate-baseline.json": "{nope"})
    assert main(["run", str(repo.root)]) == 2
    assert ".gate-baseline.json: not valid JSON" in capsys.readouterr().err


def test_baseline_refused_when_a_check_fails(fakes: dict[str, str], repo: Repo,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({".gate.yml": POLICY, "a.py": "BOOM\n"})
    assert main(["baseline", str(repo.root)]) == 3
    assert "not writing a baseline: lflaw did not complete" in capsys.readouterr().err
    assert not (repo.root / ".gate-baseline.json").exists()

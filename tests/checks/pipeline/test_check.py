"""The check behind the common interface: what it reads, what it cannot judge, its options,
suppressions, fingerprints, and that the iac check no longer reports CI files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_support import actions_db, scan, write

from gate.checks.iac import IacCheck
from gate.checks.interface import CheckError, NotScanned, ScanTarget
from gate.checks.pipeline import PipelineCheck
from gate.findings import content_fingerprint

INJECTION = ("on: issues\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    steps:\n"
             "      - run: echo \"${{ github.event.issue.title }}\"\n")


def test_finding_fields(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/x.yml": INJECTION})
    (finding,) = scan(tmp_path).findings
    assert finding.check == "pipeline" and finding.rule_id == "GATE-GHA-003"
    assert finding.message == (".github/workflows/x.yml expands ${{ github.event.issue.title }} "
                               "(an issue's title or body, written by anyone) into a run: "
                               "script of j")
    assert (finding.location.path, finding.location.start_line) == (".github/workflows/x.yml", 7)
    assert finding.aliases == ("CKV_GHA_2", "template-injection", "poutine:injection")
    assert finding.fix and finding.title
    assert finding.help_url == "docs/rules.md#gate-gha-003"
    assert finding.fingerprint == content_fingerprint(
        "pipeline", "GATE-GHA-003", ".github/workflows/x.yml", "run:j:0:github.event.issue.title")
    assert dict(finding.extra) == {"framework": "github-actions", "kind": "workflow",
                                   "job": "j", "trigger": "issues"}


def test_fingerprint_ignores_line_moves(tmp_path: Path) -> None:
    write(tmp_path / "a", {".github/workflows/x.yml": INJECTION})
    write(tmp_path / "b", {".github/workflows/x.yml": "# moved\n\n" + INJECTION})
    first, moved = scan(tmp_path / "a").findings, scan(tmp_path / "b").findings
    assert [f.fingerprint for f in first] == [f.fingerprint for f in moved]
    assert first[0].location.start_line + 2 == moved[0].location.start_line


def test_inline_suppression_is_attached_not_dropped(tmp_path: Path) -> None:
    text = INJECTION.replace("      - run:", "      # gate:ignore[template-injection] sanitised\n"
                                             "      - run:")
    write(tmp_path, {".github/workflows/x.yml": text})
    (finding,) = scan(tmp_path).findings
    assert finding.suppression is not None and finding.suppression.reason == "sanitised"
    assert finding.suppression.source == ".github/workflows/x.yml:7"


@pytest.mark.parametrize(("text", "reason"), [
    ("on: [push\n", "invalid YAML"),
    ("- a\n- b\n", "top level is not a mapping"),
    ("a: &a [*a, *a]\n" * 1, "invalid YAML"),
])
def test_unparsable_file_is_not_scanned(tmp_path: Path, text: str, reason: str) -> None:
    write(tmp_path, {".github/workflows/x.yml": text})
    result = scan(tmp_path)
    assert result.findings == () and result.errors == ()
    (entry,) = result.not_scanned
    assert entry.path == ".github/workflows/x.yml" and reason in entry.reason


def test_alias_bomb_and_oversized_and_binary(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    write(tmp_path, {".github/workflows/bomb.yml": bomb,
                     ".github/workflows/big.yml": "on: push\n" + "#" * 2000 + "\n"})
    (tmp_path / ".gitlab-ci.yml").write_bytes(b"\xff\xfe\x00bad")
    result = scan(tmp_path, max_file_bytes=1000)
    reasons = {n.path: n.reason for n in result.not_scanned}
    assert set(reasons) == {".github/workflows/bomb.yml", ".github/workflows/big.yml",
                            ".gitlab-ci.yml"}
    assert "over the 1000-byte limit" in reasons[".github/workflows/big.yml"]
    assert "not UTF-8" in reasons[".gitlab-ci.yml"]


def test_set_aside_ci_files_are_listed(tmp_path: Path) -> None:
    aside = (NotScanned(".github/workflows/huge.yml", "over max_file_size"),
             NotScanned("assets/logo.png", "binary"))
    result = PipelineCheck().run(ScanTarget(tmp_path, (), set_aside=aside))
    assert result.not_scanned == aside[:1]


def test_options(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/x.yml": INJECTION,
                     ".gitlab-ci.yml": "t:\n  image: node\n  script: [make]\n"})
    assert {f.rule_id for f in scan(tmp_path, platforms=["gitlab-ci"]).findings} == {
        "GATE-GITLAB-001"}
    with pytest.raises(CheckError, match="unknown pipeline platform 'jenkins'"):
        scan(tmp_path, platforms=["jenkins"])
    with pytest.raises(CheckError, match="allowed_hosts"):
        scan(tmp_path, allowed_hosts="example.com")
    with pytest.raises(CheckError, match="max_file_bytes"):
        scan(tmp_path, max_file_bytes=0)


def test_allowed_hosts_option(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/x.yml": (
        "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    steps:\n"
        "      - run: curl -d \"t=${{ secrets.DEPLOY }}\" https://hooks.acme.example/x\n")})
    assert [f.rule_id for f in scan(tmp_path).findings] == ["GATE-GHA-010"]
    assert scan(tmp_path, allowed_hosts=["acme.example"]).findings == ()


def test_advisories_not_evaluated_without_a_database(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATE_DB_DIR", str(tmp_path / "none"))
    write(tmp_path / "repo", {".github/workflows/x.yml": (
        "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n"
        "      - uses: tj-actions/changed-files@v35\n")})
    result = scan(tmp_path / "repo")
    assert [f.rule_id for f in result.findings] == ["GATE-GHA-001"]
    assert result.warnings[0].startswith("GATE-GHA-016 not evaluated: no GitHub Actions "
                                         "advisories in the local database")


@pytest.mark.parametrize(("uses", "expected"), [
    ("tj-actions/changed-files@v35", ["GHSA-mcph-m25j-8j63", "GHSA-mrrh-fwg8-r2c3"]),
    ("tj-actions/changed-files@v45.0.7", ["GHSA-mrrh-fwg8-r2c3"]),
    ("tj-actions/changed-files@v46.0.1", []),
    ("tj-actions/changed-files@v46", []),
    ("TJ-Actions/Changed-Files@v44", ["GHSA-mrrh-fwg8-r2c3"]),
    ("tj-actions/changed-files@" + "a" * 40 + " # v45.0.1", ["GHSA-mrrh-fwg8-r2c3"]),
    ("tj-actions/changed-files@" + "a" * 40 + " # v46.0.5", []),
    ("reviewdog/action-setup@v1", ["GHSA-qmg3-hpqr-gqvc"]),
    ("reviewdog/action-setup@v1.3.9", []),
])
def test_advisory_matching(tmp_path: Path, uses: str, expected: list[str]) -> None:
    write(tmp_path / "repo", {".github/workflows/x.yml": (
        "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: " + uses + "\n")})
    result = scan(tmp_path / "repo", vuln_db=actions_db(tmp_path / "db"))
    got = sorted(f.message.split("affected by ")[1].split(" ")[0]
                 for f in result.findings if f.rule_id == "GATE-GHA-016")
    assert got == expected


def test_unmatchable_refs_are_said_to_be_not_judged(tmp_path: Path) -> None:
    write(tmp_path / "repo", {".github/workflows/x.yml": (
        "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n"
        "      - uses: tj-actions/changed-files@" + "b" * 40 + "\n"
        "      - uses: tj-actions/changed-files@main\n")})
    result = scan(tmp_path / "repo", vuln_db=actions_db(tmp_path / "db"))
    assert [f.rule_id for f in result.findings if f.rule_id == "GATE-GHA-016"] == []
    assert [w.split(": ")[0] for w in result.warnings] == [
        ".github/workflows/x.yml:6", ".github/workflows/x.yml:7"]
    assert "without a # vX.Y.Z comment" in result.warnings[0]
    assert "is a branch, not a version" in result.warnings[1]


def test_iac_check_no_longer_reads_ci_files(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/x.yml": INJECTION,
                     ".gitlab-ci.yml": "t:\n  image: node\n  script: [make]\n"})
    files = (".github/workflows/x.yml", ".gitlab-ci.yml")
    result = IacCheck().run(ScanTarget(tmp_path, files))
    assert result.findings == () and result.not_scanned == ()
    assert PipelineCheck.reads(".github/workflows/x.yml", {})
    assert not PipelineCheck.reads("src/app.py", {})


def test_zizmor_ignore_on_the_trigger_line_suppresses(tmp_path: Path) -> None:
    write(tmp_path, {".github/workflows/x.yml": (
        "on:\n  pull_request_target:  # zizmor: ignore[dangerous-triggers]\njobs:\n  j:\n"
        "    runs-on: x\n    steps:\n      - uses: actions/checkout@" + "a" * 40 + "\n"
        "        with: {ref: '${{ github.event.pull_request.head.sha }}'}\n"
        "      - run: make\n")})
    (finding,) = scan(tmp_path).findings
    assert finding.rule_id == "GATE-GHA-002" and finding.suppression is not None
    assert finding.suppression.source == ".github/workflows/x.yml:2"
    assert finding.suppression.rules == ("DANGEROUS-TRIGGERS",)

"""``gate merge``: N shard reports judged as one run; an incomplete set is never a pass."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gate.cli.main import main
from gate.findings import Finding, Location, Severity
from gate.merge import ShardReport, load_report, merge
from gate.result import CheckOutcome, RunResult, ShardInfo, Verdict
from gate.serialize import to_dict
from gate.triage.interface import WaiverStatus

MakeRepo = Callable[..., Path]

AWS = "AKIA" + "T2Y8M4X1K7W3P9R5"
PASSWORD = "Tr0ub4dor" + "-merge-staple"

REPO = {
    "app/run.py": "import subprocess\n\ndef run(c):\n    subprocess.call(c, shell=True)\n",
    "app/conf.py": f'password = "{PASSWORD}"\nKEY = "{AWS}"\n',
    "app/twice.py": "assert a\nassert a\nx = eval(s)  # nosec B307 trusted input\n",
    "app/clean.py": "def add(a, b):\n    return a + b\n",
    "app/big.py": "".join(f"def f{n}(x):\n    return x + {n}\n" for n in range(200)),
    "app/broken.py": "def broken(:\n",
    "lib/yaml_use.py": "import yaml\n\ndef load(s):\n    return yaml.load(s)\n",
    "deploy/env.sh": f"export AWS_KEY={AWS}\n",
    "Dockerfile": "FROM python:latest\nADD https://example.com/x.tgz /x\n",
    "docs/readme.md": "nothing to see\n",
    ".gate.yml": "version: 1\nchecks:\n  sast: {fail_on: medium}\n",
}
VOLATILE = {"duration", "started_at"}


def _stable(report: dict[str, Any]) -> dict[str, Any]:
    """A report without timings and the merge's own context key."""
    out = {k: v for k, v in report.items() if k not in VOLATILE and k != "shard"}
    out["context"] = {k: v for k, v in report["context"].items() if k != "shards"}
    out["checks"] = [{k: v for k, v in c.items() if k != "duration"} for c in report["checks"]]
    return out


def _gate(*args: str) -> int:
    return main([*args, "--no-post"] if args[0] in {"run", "merge"} else list(args))


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    return make_repo(REPO)


@pytest.fixture
def shards(repo: Path, tmp_path: Path) -> list[Path]:
    paths = []
    for index in (1, 2):
        out = tmp_path / f"shard-{index}.json"
        _gate("run", str(repo), "--shard", f"{index}/2", "--checks", "sast,secrets,iac",
              "--no-cache", "--format", "json", "--report", f"json={out}")
        paths.append(out)
    return paths


def test_two_shards_merged_equal_one_unsharded_run(repo: Path, shards: list[Path],
                                                   tmp_path: Path) -> None:
    whole = tmp_path / "whole.json"
    whole_code = _gate("run", str(repo), "--checks", "sast,secrets,iac", "--no-cache",
                       "--format", "json", "--report", f"json={whole}")
    merged = tmp_path / "merged.json"
    merged_code = _gate("merge", *map(str, shards), "--format", "json",
                        "--report", f"json={merged}")

    one, combined = json.loads(whole.read_text()), json.loads(merged.read_text())
    assert merged_code == whole_code == 1
    assert combined["verdict"] == one["verdict"] == Verdict.FAIL
    assert combined["findings"] == one["findings"]  # same findings, order and failing marks
    assert _stable(combined) == _stable(one)
    assert combined["context"]["shards"] == "2"
    parts = [json.loads(p.read_text()) for p in shards]
    assert all(p["shard"]["sliced"] == ["sast", "secrets"] for p in parts)
    assert all(0 < len(p["findings"]) < len(one["findings"]) for p in parts)
    assert [c["name"] for c in parts[1]["checks"]] == ["sast", "secrets"]  # iac: shard 1 only


def test_sharded_and_unsharded_runs_share_the_cache(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    outs = []
    for spec in ("1/2", "2/2"):
        out = tmp_path / f"s{spec[0]}.json"
        _gate("run", str(repo), "--shard", spec, "--checks", "sast,secrets", "--cache-dir",
              str(cache), "--format", "json", "--report", f"json={out}")
        outs.append(out)
    whole = tmp_path / "whole.json"
    _gate("run", str(repo), "--checks", "sast,secrets", "--cache-dir", str(cache),
          "--format", "json", "--report", f"json={whole}")  # served from the shards' entries
    merged = tmp_path / "merged.json"
    _gate("merge", *map(str, outs), "--format", "json", "--report", f"json={merged}")
    assert json.loads(merged.read_text())["findings"] == json.loads(whole.read_text())["findings"]


def test_a_missing_shard_is_an_error_never_a_pass(shards: list[Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    merged = tmp_path / "merged.json"
    code = _gate("merge", str(shards[0]), "--format", "json", "--report", f"json={merged}")
    report = json.loads(merged.read_text())
    assert code == 3 and report["verdict"] == Verdict.ERROR
    assert "shard 2/2 is missing: its files were not judged" in report["reasons"]


def test_an_unreadable_or_absent_report_is_a_missing_shard(shards: list[Path],
                                                           tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "verdict": "pa')
    for second in (broken, tmp_path / "never-uploaded.json"):
        result = merge([load_report(shards[0]), load_report(second)])
        assert result.verdict == Verdict.ERROR
        assert any(str(second) in r for r in result.reasons)
        assert "shard 2/2 is missing: its files were not judged" in result.reasons


def _load(path: Path) -> RunResult:
    result = load_report(path).result
    assert result is not None
    return result


def _report(result: RunResult, source: str = "x") -> ShardReport:
    return ShardReport(source, result)


def test_a_failed_shard_makes_the_merge_an_error(shards: list[Path]) -> None:
    first, second = _load(shards[0]), _load(shards[1])
    broken = replace(second, verdict=Verdict.ERROR, checks=tuple(
        replace(c, verdict=Verdict.ERROR, errors=("timed out after 600s",),
                reasons=(f"{c.name} could not complete: timed out after 600s",))
        if c.name == "secrets" else c for c in second.checks))
    result = merge([_report(first), _report(broken)])
    assert result.verdict == Verdict.ERROR
    secrets = result.check("secrets")
    assert secrets is not None and secrets.verdict == Verdict.ERROR
    assert secrets.errors == ("shard 2/2: timed out after 600s",)
    assert "shard 2/2: secrets could not complete: timed out after 600s" in result.reasons


@pytest.mark.parametrize("tamper, problem", [
    (lambda r: replace(r, shard=replace(r.shard, index=1)), "shard 1/2 given more than once"),
    (lambda r: replace(r, shard=replace(r.shard, total=3)), "disagree on the number of shards"),
    (lambda r: replace(r, shard=replace(r.shard, inventory="0" * 32)),
     "partitioned different file lists"),
    (lambda r: replace(r, context={**r.context, "sha": "f" * 40}), "ran on different commits"),
    (lambda r: replace(r, policy_source="other.yml"), "ran under different policies"),
    (lambda r: replace(r, shard=None), "not a shard report"),
    (lambda r: replace(r, checks=tuple(c for c in r.checks if c.name != "sast")),
     "sast did not run in shard 2/2"),
])
def test_inconsistent_shards_are_an_error(shards: list[Path], tamper: Any, problem: str) -> None:
    first, second = _load(shards[0]), _load(shards[1])
    first = replace(first, context={**first.context, "sha": "a" * 40})
    second = replace(second, context={**second.context, "sha": "a" * 40})
    result = merge([_report(first), _report(tamper(second))])
    assert result.verdict == Verdict.ERROR
    assert any(problem in r for r in result.reasons), result.reasons


def test_no_report_at_all_is_an_error() -> None:
    result = merge([])
    assert result.verdict == Verdict.ERROR and result.reasons == ("no shard report given",)
    result = merge([ShardReport("a.json", None, "cannot read it (No such file or directory)")])
    assert result.verdict == Verdict.ERROR


def test_one_unsharded_report_merges_to_itself(repo: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole.json"
    code = _gate("run", str(repo), "--checks", "sast", "--no-cache", "--format", "json",
                 "--report", f"json={whole}")
    result = merge([load_report(whole)])
    assert _stable(to_dict(result)) == _stable(json.loads(whole.read_text()))
    assert code == 1 and result.verdict == Verdict.FAIL


def _finding(path: str, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(check="sast", rule_id="B1", severity=severity, message="m",
                   location=Location(path, 1, 1), fingerprint=path)


def _shard(index: int, findings: tuple[Finding, ...], failing: frozenset[int],
           waivers: tuple[WaiverStatus, ...] = (), warnings: tuple[str, ...] = ()) -> RunResult:
    check = CheckOutcome(name="sast", verdict=Verdict.FAIL if failing else Verdict.PASS,
                         tool="bandit", tool_version="1", duration=1.0, fail_on=Severity.HIGH,
                         files_scanned=3)
    return RunResult(verdict=check.verdict, checks=(check,), findings=findings, failing=failing,
                     waivers=waivers, warnings=warnings,
                     shard=ShardInfo(index, 2, "d" * 32, 3, ("sast",)))


def test_failing_marks_and_waivers_are_kept_across_shards() -> None:
    used = WaiverStatus(index=0, rule="B1", reason="r", state="active", matched=1)
    unused = WaiverStatus(index=0, rule="B1", reason="r", state="unused", matched=0)
    stale = f"{unused.label} matched no finding: remove it from the policy"
    a = _shard(1, (_finding("a.py"), _finding("b.py", Severity.LOW)), frozenset({0}),
               waivers=(used,))
    b = _shard(2, (_finding("c.py"),), frozenset(), waivers=(unused,), warnings=(stale,))
    result = merge([_report(b), _report(a)])
    assert [f.path for f in result.failing_findings()] == ["a.py"]
    assert result.verdict == Verdict.FAIL
    assert result.waivers == (replace(used, matched=1),)
    assert stale not in result.warnings
    sast = result.check("sast")
    assert sast is not None and sast.files_scanned == 6
    assert sast.reasons == ("sast: 1 finding(s) at or above high",)

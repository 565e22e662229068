"""All formats from one RunResult: they agree on counts, identity, and never leak a secret."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from gate.report.registry import FORMATS, get_reporter, write_report
from gate.result import RunResult
from gate.serialize import from_dict, to_dict

INTERCHANGE = ["sarif", "junit", "gitlab-sast", "gitlab-secrets", "gitlab-dependencies",
               "codequality"]
GITLAB = ["gitlab-sast", "gitlab-secrets", "gitlab-dependencies"]


def _all(run: RunResult) -> dict[str, str]:
    return {name: get_reporter(name).render(run) for name in FORMATS}


def test_interchange_formats_are_registered() -> None:
    assert set(INTERCHANGE) <= set(FORMATS)


def test_every_registered_format_renders_and_writes(run_result: RunResult, tmp_path: Path) -> None:
    for name in FORMATS:
        path = tmp_path / f"report.{name}"
        write_report(run_result, name, path)
        assert path.read_text(encoding="utf-8").strip(), name


def test_finding_counts_agree(run_result: RunResult) -> None:
    out = _all(run_result)
    report = json.loads(out["json"])
    total, suppressed = len(report["findings"]), report["summary"]["suppressed"]
    active = report["summary"]["findings"]
    assert (total, suppressed, active) == (9, 2, 7)

    sarif = [r for run in json.loads(out["sarif"])["runs"] for r in run["results"]]
    assert len(sarif) == total
    assert sum(1 for r in sarif if r.get("suppressions")) == suppressed

    cases = [c for c in ET.fromstring(out["junit"].encode()).iter("testcase")
             if c.get("file") is not None]  # one per finding; check-level cases have no file
    assert len(cases) == total
    assert sum(1 for c in cases if c.find("skipped") is not None) == suppressed
    assert sum(1 for c in cases if c.find("failure") is not None) == len(run_result.failing)

    # GitLab reports cannot mark a finding suppressed: they carry the active ones and say
    # how many they left out, so the totals still reconcile.
    gitlab = [json.loads(out[name]) for name in GITLAB]
    assert sum(len(doc["vulnerabilities"]) for doc in gitlab) == active
    left_out = 0
    for doc in gitlab:
        for message in doc["scan"]["messages"]:
            match = re.match(r"^(\d+) suppressed finding", message["value"])
            left_out += int(match.group(1)) if match else 0
    assert left_out == suppressed
    assert len(json.loads(out["codequality"])) == active


def test_identity_is_stable_across_renders_and_line_shifts(make_run: Any) -> None:
    def identities(run: RunResult) -> dict[str, list[str]]:
        out = _all(run)
        gitlab = [v["id"] for name in GITLAB for v in json.loads(out[name])["vulnerabilities"]]
        return {
            "sarif": [r["partialFingerprints"]["gate/v1"]
                      for run in json.loads(out["sarif"])["runs"] for r in run["results"]],
            "codequality": [i["fingerprint"] for i in json.loads(out["codequality"])],
            "gitlab": gitlab,
        }

    first, again, shifted = make_run(), make_run(), make_run(shift=7)
    assert [f.location for f in first.findings] != [f.location for f in shifted.findings]
    assert identities(first) == identities(again) == identities(shifted)
    assert _all(first) == _all(again)  # byte-identical: no clock, no randomness


def test_formats_survive_the_json_round_trip(run_result: RunResult) -> None:
    """``gate publish`` and ``gate merge`` render from a saved JSON report: same output."""
    restored = from_dict(json.loads(json.dumps(to_dict(run_result))))
    for name in INTERCHANGE:
        assert get_reporter(name).render(restored) == get_reporter(name).render(run_result), name


@pytest.mark.parametrize("name", [*INTERCHANGE, "json", "markdown", "text"])
def test_no_secret_value_and_nothing_from_the_environment(
        run_result: RunResult, secret_value: str, name: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = "sentinel-0f3c9a-not-in-any-finding"
    monkeypatch.setenv("GATE_TEST_SENTINEL", sentinel)
    monkeypatch.setenv("GITHUB_TOKEN", sentinel)
    monkeypatch.setenv("GITLAB_TOKEN", sentinel)
    text = get_reporter(name).render(run_result)
    assert secret_value not in text
    assert secret_value[4:] not in text  # not even without its prefix
    assert sentinel not in text

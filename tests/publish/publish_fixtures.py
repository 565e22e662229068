"""Builders for the publisher tests: findings, runs, CI environments, fast settings."""

from __future__ import annotations

import json
from pathlib import Path

from gate.findings import Finding, Location, Severity
from gate.publish import PublishSettings
from gate.publish.retry import RetryPolicy
from gate.result import CheckOutcome, RunResult

HEAD = "a1" * 20
MERGE = "b2" * 20
GH_TOKEN = "ghs_" + "Zq7" * 12
GL_TOKEN = "glpat-" + "Xw9" * 7
FAST = PublishSettings(
    retry=RetryPolicy(attempts=3, base_delay=0.0, max_wait=2.0, sleep=lambda _s: None),
    timeout=5, seconds_between_requests=0.0, seconds_between_writes=0.0)


def finding(i: int = 0, *, severity: str = "high", path: str = "src/app.py",
            message: str = "subprocess call with shell=True", rule: str = "B602",
            line: int | None = 10, check: str = "sast") -> Finding:
    return Finding(check=check, rule_id=rule, severity=Severity.parse(severity),
                   message=message, location=Location(path, line, line),
                   fingerprint=f"fp{i:06d}", title="shell injection")


def make_run(findings: list[Finding], *, fail_on: str = "high", verdict: str | None = None,
             sha: str = HEAD) -> RunResult:
    threshold = Severity.parse(fail_on)
    ordered = sorted(findings, key=lambda f: -f.severity)
    failing = frozenset(i for i, f in enumerate(ordered) if f.severity >= threshold)
    verdict = verdict or ("fail" if failing else "pass")
    check = CheckOutcome(name="sast", verdict=verdict, tool="bandit", tool_version="1.8",
                         duration=0.1, fail_on=threshold)
    return RunResult(verdict=verdict, checks=(check,), findings=tuple(ordered), failing=failing,
                     gate_version="0.1.0", context={"platform": "github", "sha": sha,
                                                    "pr_number": "7"})


def github_env(base: str, tmp_path: Path, *, pr: int = 7, head: str = HEAD, merge: str = MERGE,
               fork: bool = False, api_prefix: str = "", token: str | None = GH_TOKEN,
               event_name: str = "pull_request") -> dict[str, str]:
    event_path = tmp_path / "event.json"
    head_repo = "forker/r" if fork else "o/r"
    event = {"pull_request": {"number": pr, "head": {"sha": head, "repo": {"full_name": head_repo}},
                              "base": {"ref": "main", "repo": {"full_name": "o/r"}}}}
    event_path.write_text(json.dumps(event), encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event_name,
           "GITHUB_EVENT_PATH": str(event_path), "GITHUB_REPOSITORY": "o/r",
           "GITHUB_SHA": merge, "GITHUB_API_URL": base + api_prefix,
           "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "77",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "GITHUB_OUTPUT": str(tmp_path / "output.txt")}
    if token:
        env["GITHUB_TOKEN"] = token
    return env


def gitlab_env(base: str, *, iid: int = 5, sha: str = HEAD, merged_sha: str | None = None,
               token: str | None = GL_TOKEN, job_token: str | None = None) -> dict[str, str]:
    env = {"GITLAB_CI": "true", "CI_SERVER_URL": base, "CI_PROJECT_ID": "42",
           "CI_MERGE_REQUEST_IID": str(iid), "CI_COMMIT_SHA": merged_sha or sha,
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "CI_JOB_URL": "https://gitlab.example/group/proj/-/jobs/99",
           "CI_PIPELINE_SOURCE": "merge_request_event"}
    if merged_sha:
        env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] = sha
        env["CI_MERGE_REQUEST_EVENT_TYPE"] = "merged_result"
    if token:
        env["GITLAB_TOKEN"] = token
    if job_token:
        env["CI_JOB_TOKEN"] = job_token
    return env

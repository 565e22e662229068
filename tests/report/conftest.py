"""A RunResult with findings from every check, built from the dataclasses directly.

The interchange-format tests must not depend on the real checks: they pin the
shape of each format, whatever bandit or pip-audit happen to report today.
The result covers every case a reporter has to handle: a failing finding, one
below the threshold, an inline suppression and a waiver, a dependency with
fixed versions and no line, a secret, two identical flagged lines in one
file, a check error, a check warning, and files nobody scanned.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from gate.checks.interface import NotScanned
from gate.findings import (
    Confidence,
    Finding,
    Location,
    Severity,
    Suppression,
    content_fingerprint,
    secret_fingerprint,
)
from gate.result import CheckOutcome, RunResult, Verdict
from gate.verdict import sort_findings

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"

# Built at runtime so that no scanner (ours included) flags this file.
SECRET_VALUE = "AKIA" + "Q3JX7N2P9VT4LM8Z"
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"

MakeRun = Callable[..., RunResult]


def _sast(rule: str, sev: Severity, path: str, line: int, content: str, **kw: Any) -> Finding:
    return Finding(check="sast", rule_id=rule, severity=sev, message=kw.pop("message", rule),
                   location=Location(path, line, line),
                   fingerprint=content_fingerprint("sast", rule, path, content),
                   confidence=Confidence.HIGH,
                   help_url=f"https://bandit.readthedocs.io/en/latest/plugins/{rule.lower()}.html",
                   **kw)


def base_findings(shift: int = 0) -> list[Finding]:
    """Findings from all four checks; ``shift`` moves every line (fingerprints must not care)."""
    return [
        _sast("B602", Severity.HIGH, "app/run.py", 12 + shift, "subprocess.call(cmd, shell=True)",
              message="subprocess call with shell=True identified, security issue.",
              title="subprocess_popen_with_shell_equals_true", cwe=("CWE-78",),
              fix="Pass the command as a list and drop shell=True."),
        _sast("B307", Severity.MEDIUM, "app/calc.py", 5 + shift, "eval(expr)",
              message="Use of possibly insecure function - consider using safer ast.literal_eval.",
              title="blacklist", cwe=("CWE-78",)),
        _sast("B307", Severity.MEDIUM, "app/calc.py", 9 + shift, "eval(expr)",
              message="Use of possibly insecure function - consider using safer ast.literal_eval.",
              title="blacklist", cwe=("CWE-78",)),
        _sast("B101", Severity.LOW, "tests/test_app.py", 3 + shift, "assert ok",
              message="Use of assert detected.", title="assert_used", cwe=("CWE-703",),
              suppression=Suppression("inline", "asserts are fine in tests",
                                      "tests/test_app.py:3", rules=("B101",))),
        Finding(check="secrets", rule_id="AWS Access Key", severity=Severity.CRITICAL,
                message="AWS Access Key found (value redacted)",
                location=Location("config/settings.py", 7 + shift, 7 + shift),
                fingerprint=secret_fingerprint("secrets", "AWS Access Key",
                                               "config/settings.py", SECRET_VALUE),
                title="AWS Access Key", cwe=("CWE-798",),
                fix="Revoke the key, then load it from the environment or a secret store."),
        Finding(check="dependencies", rule_id="PYSEC-2023-74", severity=Severity.MEDIUM,
                message="requests 2.25.0: Proxy-Authorization header leaked on redirect",
                location=Location("requirements.txt", 3 + shift, 3 + shift),
                fingerprint=content_fingerprint("dependencies", "PYSEC-2023-74",
                                                "requirements.txt", "requests"),
                title="Unintended leak of Proxy-Authorization header in requests",
                help_url="https://osv.dev/vulnerability/PYSEC-2023-74",
                aliases=("CVE-2023-32681", "GHSA-j8r2-6x86-q33q"),
                package="requests", version="2.25.0", fixed_versions=("2.31.0",)),
        Finding(check="dependencies", rule_id="GHSA-g4mx-q9vg-27p4", severity=Severity.LOW,
                message="urllib3 1.26.5: request body not stripped after redirect",
                location=Location("requirements.txt"),
                fingerprint=content_fingerprint("dependencies", "GHSA-g4mx-q9vg-27p4",
                                                "requirements.txt", "urllib3"),
                aliases=("CVE-2023-45803",), package="urllib3", version="1.26.5",
                fixed_versions=("1.26.18", "2.0.7")),
        Finding(check="iac", rule_id="GATE-AWS-SG-001", severity=Severity.CRITICAL,
                message="Security group sg_web allows SSH (22) from 0.0.0.0/0",
                location=Location("infra/network.tf", 5 + shift, 9 + shift),
                fingerprint=content_fingerprint("iac", "GATE-AWS-SG-001", "infra/network.tf",
                                                "aws_security_group.sg_web"),
                title="Security group open to the world on SSH", aliases=("CKV_AWS_24",),
                fix="Restrict the ingress CIDR to known networks.",
                extra=(("resource", "aws_security_group.sg_web"),)),
        Finding(check="iac", rule_id="GATE-AWS-S3-002", severity=Severity.HIGH,
                message="Bucket logs has no default encryption",
                location=Location("infra/template.yaml", 20 + shift, 20 + shift),
                fingerprint=content_fingerprint("iac", "GATE-AWS-S3-002", "infra/template.yaml",
                                                "LogsBucket"),
                title="S3 bucket without default encryption", aliases=("CKV_AWS_19",),
                suppression=Suppression("waiver", "legacy bucket, migration ticket SEC-12",
                                        "security-team", date(2027, 3, 31), ("GATE-AWS-S3-002",))),
    ]


def base_checks() -> list[CheckOutcome]:
    """One outcome per check: sast fails, dependencies errored, iac has a warning."""
    return [
        CheckOutcome("sast", Verdict.FAIL, "bandit", "1.7.9", 2.5, Severity.MEDIUM,
                     files_scanned=14,
                     not_scanned=(NotScanned("app/broken.py", "syntax error", 4),)),
        CheckOutcome("dependencies", Verdict.ERROR, "pip-audit", "2.7.3", 4.0, Severity.HIGH,
                     files_scanned=1,
                     errors=("cannot resolve requirements-dev.txt: no such package 'nope'",)),
        CheckOutcome("secrets", Verdict.FAIL, "detect-secrets", "1.5.0", 1.0, Severity.LOW,
                     files_scanned=20),
        CheckOutcome("iac", Verdict.FAIL, "gate-iac", "0.1.0", 0.5, Severity.HIGH,
                     files_scanned=2, warnings=("terraform module ./modules/x not followed",)),
    ]


def build_run(findings: Iterable[Finding], checks: Iterable[CheckOutcome], **kw: Any) -> RunResult:
    """A RunResult as the verdict stage would build it (sorted; failing by each check's fail_on)."""
    outcomes = tuple(checks)
    fail_on = {c.name: c.fail_on for c in outcomes}
    ordered = sort_findings(findings)
    failing = frozenset(i for i, f in enumerate(ordered)
                        if not f.suppressed and f.severity >= fail_on.get(f.check, Severity.HIGH))
    defaults: dict[str, Any] = {
        "verdict": Verdict.ERROR, "gate_version": "0.1.0", "started_at": "2025-06-01T12:00:00+00:00",
        "duration": 12.5, "reasons": ("dependencies could not complete",),
        "warnings": ("policy: waiver for B105 expired on 2025-01-31",),
        "not_scanned": (NotScanned("assets/logo.png", "binary file"),),
        "context": {"platform": "github", "repository": "acme/shop", "sha": HEAD_SHA,
                    "pr_number": "42", "api_url": "https://api.github.com"},
    }
    defaults.update(kw)
    return RunResult(checks=outcomes, findings=tuple(ordered), failing=failing, **defaults)


@pytest.fixture
def make_run() -> MakeRun:
    """Factory: ``make_run(shift=0, findings=None, checks=None, **RunResult fields)``."""

    def make(shift: int = 0, findings: Iterable[Finding] | None = None,
             checks: Iterable[CheckOutcome] | None = None, **kw: Any) -> RunResult:
        return build_run(base_findings(shift) if findings is None else findings,
                         base_checks() if checks is None else checks, **kw)

    return make


@pytest.fixture
def run_result(make_run: MakeRun) -> RunResult:
    """The full fixture run."""
    return make_run()


@pytest.fixture
def secret_value() -> str:
    """The secret the secrets check "found": no report may contain it."""
    return SECRET_VALUE


@pytest.fixture(scope="session")
def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema, vendored so tests run on any clone."""
    loaded: dict[str, Any] = json.loads(
        (SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return loaded

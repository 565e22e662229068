"""A run like the one that prompted the readable reports: hundreds of low findings.

1,084 ``B101 assert_used`` in tests, more low findings in code and docs, a few
failing findings (one with a dataflow, one reached through a module call),
four vulnerable pins with eleven advisories, suppressed findings and files
not scanned. Built from the dataclasses, so the snapshots pin the layout, not
what a tool happens to report today.
"""

from __future__ import annotations

from pathlib import Path

from gate.checks.interface import NotScanned
from gate.findings import (
    Confidence,
    Finding,
    FlowStep,
    Location,
    RelatedLocation,
    Severity,
    Suppression,
    content_fingerprint,
    secret_fingerprint,
)
from gate.result import CheckOutcome, RunResult, Verdict
from gate.verdict import sort_findings

SHA = "0123456789abcdef0123456789abcdef01234567"
SOURCES = {
    "app/views.py": "from flask import request\n\n\ndef search(db):\n"
                    "    q = request.args.get('q')\n"
                    "    return db.execute(\"SELECT * FROM t WHERE name = '%s'\" % q)\n",
    "infra/main.tf": 'module "logs" {\n  source = "./modules/bucket"\n}\n',
    "infra/modules/bucket/main.tf": 'resource "aws_security_group" "web" {\n  ingress {\n'
                                    '    from_port   = 22\n    cidr_blocks = ["0.0.0.0/0"]\n'
                                    '  }\n}\n',
}


def _sast(rule: str, title: str, sev: Severity, path: str, line: int, context: str,
          **kw: object) -> Finding:
    return Finding(check="sast", rule_id=rule, title=title, severity=sev,
                   message=str(kw.pop("message", f"{title} issue")),
                   location=Location(path, line, line), confidence=Confidence.HIGH,
                   fingerprint=content_fingerprint("sast", rule, path, f"{line}"),
                   help_url=f"https://bandit.readthedocs.io/en/latest/plugins/{rule.lower()}.html",
                   context=context, **kw)  # type: ignore[arg-type]


def _dep(rule: str, package: str, version: str, fixed: tuple[str, ...], sev: Severity,
         line: int) -> Finding:
    return Finding(check="dependencies", rule_id=rule, severity=sev,
                   message=f"{package} {version} is affected by {rule}",
                   location=Location("requirements.txt", line, line),
                   fingerprint=content_fingerprint("dependencies", rule, "requirements.txt",
                                                   package),
                   help_url=f"https://osv.dev/vulnerability/{rule}", package=package,
                   version=version, fixed_versions=fixed)


def _findings() -> list[Finding]:
    out = [_sast("B101", "assert_used", Severity.LOW, f"tests/test_mod{i // 40}.py",
                 i % 40 + 1, "test", message="Use of assert detected.") for i in range(1084)]
    out += [_sast("B311", "blacklist", Severity.LOW, f"app/game{i % 3}.py", i + 1, "code",
                  message="Standard pseudo-random generators are not suitable for security.")
            for i in range(57)]
    out += [_sast("B404", "blacklist", Severity.LOW, "docs/conf.py", 3, "docs")]
    out += [_sast("B608", "hardcoded_sql_expressions", Severity.HIGH, "app/views.py", 6, "code",
                  message="Possible SQL injection vector through string-based query "
                          "construction.", cwe=("CWE-89",),
                  fix="Use query parameters instead of string formatting.",
                  flow=(FlowStep(Location("app/views.py", 5, 5), "request.args.get('q')"),
                        FlowStep(Location("app/views.py", 6, 6), "db.execute"))),
            _sast("B602", "subprocess_popen_with_shell_equals_true", Severity.HIGH,
                  "examples/run.py", 4, "example", message="shell=True"),
            _sast("B105", "hardcoded_password_string", Severity.LOW, "app/settings.py", 9,
                  "code", suppression=Suppression("inline", "test fixture value",
                                                  "app/settings.py:9", rules=("B105",)))]
    out.append(Finding(
        check="iac", rule_id="GATE-AWS-SG-001", severity=Severity.CRITICAL, context="iac",
        title="Security group open to the world on SSH",
        message="Security group web allows SSH (22) from 0.0.0.0/0",
        location=Location("infra/modules/bucket/main.tf", 1, 6),
        fingerprint=content_fingerprint("iac", "GATE-AWS-SG-001", "infra/main.tf", "web"),
        fix="Restrict the ingress CIDR to known networks.", aliases=("CKV_AWS_24",),
        related=(RelatedLocation(Location("infra/main.tf", 1, 3), "module.logs"),)))
    out.append(Finding(
        check="secrets", rule_id="AWS Access Key", severity=Severity.CRITICAL, context="code",
        message="AWS Access Key found (value redacted)", location=Location("deploy/env.py", 2, 2),
        fingerprint=secret_fingerprint("secrets", "AWS Access Key", "deploy/env.py", "k"),
        fix="Revoke the key, then load it from the environment or a secret store."))
    out += [Finding(
        check="secrets", rule_id="Basic Auth Credentials", severity=Severity.LOW, context="docs",
        message="URL credentials to a local host (development credentials)",
        location=Location(f"docs/setup{i}.rst", 10 + i, 10 + i),
        fingerprint=secret_fingerprint("secrets", "Basic Auth Credentials", "docs", str(i)))
        for i in range(5)]
    urllib3 = [("PYSEC-2019-132", ("1.24.3",)), ("PYSEC-2020-148", ("1.25.9",)),
               ("PYSEC-2021-108", ("1.26.5",)), ("PYSEC-2023-192", ("1.26.17", "2.0.6")),
               ("PYSEC-2023-207", ("1.24.2",)), ("PYSEC-2023-212", ("1.26.18", "2.0.7"))]
    out += [_dep(r, "urllib3", "1.24.1", fx, Severity.HIGH if r.endswith("192") else
                 Severity.MEDIUM, 4) for r, fx in urllib3]
    out += [_dep("PYSEC-2018-28", "requests", "2.19.0", ("2.20.0",), Severity.MEDIUM, 3),
            _dep("PYSEC-2023-74", "requests", "2.19.0", ("2.31.0",), Severity.MEDIUM, 3),
            _dep("PYSEC-2021-142", "pyyaml", "5.3", ("5.4",), Severity.CRITICAL, 5),
            _dep("PYSEC-2022-42969", "py", "1.11.0", (), Severity.MEDIUM, 6),
            _dep("PYSEC-2018-19", "paramiko", "2.0.1", ("2.0.8", "2.1.5"), Severity.LOW, 7)]
    return out


def _checks() -> tuple[CheckOutcome, ...]:
    return (
        CheckOutcome("sast", Verdict.FAIL, "bandit", "1.9.4", 3.2, Severity.HIGH,
                     files_scanned=120, not_scanned=(
                         NotScanned("app/legacy.py", "syntax error: invalid syntax", 14),)),
        CheckOutcome("dependencies", Verdict.FAIL, "pip-audit", "2.10.1", 0.8, Severity.HIGH,
                     files_scanned=1, not_scanned=(NotScanned(
                         "requirements.txt", "not audited: 'flask>=2.0' is not pinned", 8),)),
        CheckOutcome("secrets", Verdict.FAIL, "detect-secrets", "1.5.0", 1.1, Severity.HIGH,
                     files_scanned=140),
        CheckOutcome("iac", Verdict.FAIL, "gate-iac", "0.1.0", 0.2, Severity.HIGH,
                     files_scanned=2),
    )


def many_findings_run(fail_on: Severity = Severity.HIGH) -> RunResult:
    """The run: failing = unsuppressed findings at or above ``fail_on`` in code or iac."""
    ordered = tuple(sort_findings(_findings()))
    failing = frozenset(i for i, f in enumerate(ordered) if not f.suppressed
                        and f.severity >= fail_on and f.context in ("code", "iac"))
    return RunResult(
        verdict=Verdict.FAIL, checks=_checks(), findings=ordered, failing=failing,
        gate_version="0.1.0", started_at="2026-11-30T10:00:00+00:00", duration=5.3,
        reasons=("sast: 1 finding(s) at or above high",
                 "dependencies: 2 finding(s) at or above high",
                 "secrets: 1 finding(s) at or above high", "iac: 1 finding(s) at or above high"),
        not_scanned=(NotScanned("assets/logo.png", "binary file"),),
        context={"platform": "github", "repository": "acme/shop", "sha": SHA,
                 "pr_number": "42", "server_url": "https://github.com"})


def write_sources(root: Path) -> Path:
    """The files the excerpts come from."""
    for rel, text in SOURCES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

"""Tiny checks for testing the runner and pipeline without real tools.

They are imported by target string ("fakechecks:FlawCheck") inside spawned
worker processes, which inherit the test process's sys.path.
"""

from __future__ import annotations

import os
import time

from gate.checks.interface import Check, CheckError, CheckResult, NotScanned, ScanTarget
from gate.findings import Finding, Location, Severity, content_fingerprint


class FlawCheck(Check):
    """Flags every line containing FLAW-<severity>; files containing UNPARSABLE are not scanned."""

    name = "flaw"
    tool = "flaw-tool"

    def tool_version(self) -> str:
        return "1.0"

    def run(self, target: ScanTarget) -> CheckResult:
        findings = []
        not_scanned = []
        for rel in target.files:
            text = (target.root / rel).read_text(encoding="utf-8", errors="replace")
            if "UNPARSABLE" in text:
                not_scanned.append(NotScanned(rel, "cannot parse", 1))
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if "FLAW-" in line:
                    level = line.split("FLAW-", 1)[1].split()[0].strip(".,;")
                    findings.append(Finding(
                        check=self.name, rule_id="FLAW1", severity=Severity.parse(level),
                        message=f"flaw of level {level}", location=Location(rel, number, number),
                        fingerprint=content_fingerprint(self.name, "FLAW1", rel, line)))
        return CheckResult(check=self.name, tool=self.tool, tool_version="1.0",
                           findings=tuple(findings), not_scanned=tuple(not_scanned),
                           files_scanned=len(target.files))


class CrashCheck(FlawCheck):
    name = "crash"

    def run(self, target: ScanTarget) -> CheckResult:
        raise RuntimeError("boom")


class RefuseCheck(FlawCheck):
    name = "refuse"

    def run(self, target: ScanTarget) -> CheckResult:
        raise CheckError("service unreachable")


class HangCheck(FlawCheck):
    name = "hang"

    def run(self, target: ScanTarget) -> CheckResult:
        time.sleep(3600)
        raise AssertionError("unreachable")


class DieCheck(FlawCheck):
    name = "die"

    def run(self, target: ScanTarget) -> CheckResult:
        os._exit(9)


class NoisyCheck(FlawCheck):
    """Prints to stdout and stderr: none of it may reach the gate's output."""

    name = "noisy"

    def run(self, target: ScanTarget) -> CheckResult:
        print("NOISE-ON-STDOUT")
        os.write(2, b"NOISE-ON-STDERR\n")
        return super().run(target)

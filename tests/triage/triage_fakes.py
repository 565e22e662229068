"""Tiny checks for triage tests, imported by target string inside spawned workers.

Each flags every line containing ``FLAW-<severity>`` with a fingerprint of
the line's code (comment stripped, never the line number), and reports an
inline marker on the line (``# nosec ...`` or ``# gate:ignore[FLAW1] reason``)
as data, the way the real checks do. A file containing ``BOOM`` makes the
check fail, which lets a test break only the base scan.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from gate.checks.interface import Check, CheckError, CheckResult, ScanTarget
from gate.findings import Finding, Location, Severity, Suppression, content_fingerprint

_FLAW = re.compile(r"FLAW-(?P<level>[a-z]+)")
_MARKER = re.compile(r"#\s*(?:nosec|gate:ignore\[(?P<rules>[^\]]*)\])(?P<reason>.*)$")


def _suppression(line: str, rel: str, number: int) -> Suppression | None:
    match = _MARKER.search(line)
    if match is None:
        return None
    rules = tuple(r for r in (match.group("rules") or "").split(",") if r)
    reason = match.group("reason").strip() or None
    return Suppression(kind="inline", reason=reason, source=f"{rel}:{number}", rules=rules)


class LocalFlaw(Check):
    """File-local: triage may rescan only the changed files."""

    name: ClassVar[str] = "lflaw"
    tool: ClassVar[str] = "flaw-tool"
    file_local: ClassVar[bool] = True

    def tool_version(self) -> str:
        return "1.0"

    def run(self, target: ScanTarget) -> CheckResult:
        findings = []
        for rel in target.files:
            text = (target.root / rel).read_text(encoding="utf-8", errors="replace")
            if "BOOM" in text:
                raise CheckError(f"cannot scan {rel}")
            for number, line in enumerate(text.splitlines(), 1):
                flaw = _FLAW.search(line)
                if flaw is None:
                    continue
                level = flaw.group("level")
                code = line.split("#", 1)[0]
                findings.append(Finding(
                    check=self.name, rule_id="FLAW1", severity=Severity.parse(level),
                    message=f"flaw of level {level}", location=Location(rel, number, number),
                    fingerprint=content_fingerprint(self.name, "FLAW1", rel, code + level),
                    suppression=_suppression(line, rel, number)))
        return CheckResult(check=self.name, tool=self.tool, tool_version="1.0",
                           findings=tuple(findings), files_scanned=len(target.files))


class RepoFlaw(LocalFlaw):
    """Not file-local: triage rescans it whole on the base."""

    name: ClassVar[str] = "rflaw"
    file_local: ClassVar[bool] = False


class ConfigFlaw(RepoFlaw):
    """Not file-local, and reads ``.cfg`` files only; appends each scan's root to the file
    named by ``CFLAW_LOG`` (so a test can tell whether the base was scanned)."""

    name: ClassVar[str] = "cflaw"
    reads_history: ClassVar[bool] = False

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        return path.endswith(".cfg")

    def run(self, target: ScanTarget) -> CheckResult:
        log = os.environ.get("CFLAW_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{target.root}\n")
        return super().run(target)


FAKES = {"lflaw": "triage_fakes:LocalFlaw", "rflaw": "triage_fakes:RepoFlaw"}

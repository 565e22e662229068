"""The dataflow half of the sast check: taint findings and sink marks for a batch of files.

:func:`scan_taint_files` has the same shape as bandit's ``scan_files`` (a
module-level function over repo-relative paths, returning picklable data), so
it runs on the same process pool behind the same result cache. Besides the
findings it returns one *mark* per sink call it judged (``safe``,
``unproven`` or ``tainted``), encoded as ``info`` findings of the internal rule
:data:`MARK_RULE`; :mod:`gate.checks.sast.downgrade` consumes them (to
downgrade the bandit findings a proven-safe sink overlaps) and drops them.
A file whose analysis looked modules up also gets one :data:`DEPS_RULE`
finding listing the lookups: the result cache stamps and checks them
(:mod:`gate.checks.sast.taint_deps`); it is dropped with the marks.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gate.checks.interface import NotScanned
from gate.checks.sast.source import PySource
from gate.checks.sast.taint import FileAnalysis, TaintFinding, analyse_file
from gate.findings import (
    Confidence,
    Finding,
    FlowStep,
    Location,
    Severity,
    content_fingerprint,
)

__all__ = ["DEPS_RULE", "INTERNAL_RULES", "MARK_RULE", "TaintScan", "scan_taint_files"]

CHECK = "sast"
MARK_RULE = "GATE-PY-SINK-MARK"
"""Internal: a sink's verdict, carried through the cache and removed before reporting."""
DEPS_RULE = "GATE-PY-DEPS"
"""Internal: the module lookups a file's analysis made (``extra["lookups"]``, JSON), carried
through the cache (where they decide whether the entry is still valid) and removed before
reporting."""
INTERNAL_RULES = frozenset({MARK_RULE, DEPS_RULE})
"""Rules that never reach a report."""
_HELP = "https://cwe.mitre.org/data/definitions/{}.html"


@dataclass(frozen=True)
class TaintScan:
    """What :func:`scan_taint_files` found in one batch (the shape of bandit's ``SastScan``)."""

    findings: tuple[Finding, ...]
    not_scanned: tuple[NotScanned, ...]
    warnings: tuple[str, ...]


def _finding(path: str, source: PySource, found: TaintFinding, ordinal: int) -> Finding:
    content = " ".join(source.code(found.line).split())
    material = content if ordinal == 0 else f"{content}\x00{ordinal}"
    marker = source.marker(found.line)
    suppression = marker.suppression(path, found.line) \
        if marker is not None and marker.applies_to(found.rule_id) else None
    return Finding(
        check=CHECK, rule_id=found.rule_id, severity=Severity.parse(found.severity),
        message=found.message, location=Location(path, found.line, found.line),
        fingerprint=content_fingerprint(CHECK, found.rule_id, path, material),
        title=found.title, confidence=Confidence.parse(found.confidence),
        help_url=_HELP.format(found.cwe.split("-")[-1]), cwe=(found.cwe,),
        suppression=suppression,
        extra=(("engine", "dataflow"), ("sink_kind", found.kind)),
        flow=tuple(FlowStep(Location(s.path, s.line, s.line), s.message) for s in found.path),
    )


def _marks(path: str, analysis: FileAnalysis) -> list[Finding]:
    out = []
    for mark in sorted(set(analysis.marks), key=lambda m: (m.line, m.kind, m.status, m.proof)):
        out.append(Finding(
            check=CHECK, rule_id=MARK_RULE, severity=Severity.INFO, message=mark.status,
            location=Location(path, mark.scope[0], mark.scope[1]),
            fingerprint=f"{mark.kind}:{mark.line}:{mark.status}:{mark.proof}",
            extra=(("kind", mark.kind), ("line", str(mark.line)), ("status", mark.status),
                   ("proof", mark.proof)),
        ))
    return out


def _lookups_finding(path: str, analysis: FileAnalysis) -> list[Finding]:
    """The :data:`DEPS_RULE` finding for a file whose analysis looked modules up (else none)."""
    if not analysis.lookups:
        return []
    lookups = [[k.dotted, k.directory, k.found] for k in analysis.lookups]
    return [Finding(check=CHECK, rule_id=DEPS_RULE, severity=Severity.INFO,
                    message="module lookups", location=Location(path),
                    fingerprint="lookups", extra=(("lookups", json.dumps(lookups)),))]


def scan_taint_files(root: Path, files: Sequence[str]) -> TaintScan:
    """Analyse ``files`` (repo-relative ``.py`` paths under ``root``).

    A file that does not parse is left to bandit's report (it says why, once);
    a file the analysis gives up on (its budget) is a warning: bandit still
    scanned it.
    """
    findings: list[Finding] = []
    warnings: list[str] = []
    for rel in files:
        analysis = analyse_file(root, rel)
        if analysis.error and not analysis.error.startswith(("could not parse", "needs Python",
                                                             "could not read")):
            warnings.append(f"{rel}: {analysis.error}")
        if analysis.findings:
            try:
                source = PySource.read(root / rel)
            except OSError:
                source = PySource(())
            ordinals: dict[tuple[str, str], int] = defaultdict(int)
            for found in analysis.findings:
                key = (found.rule_id, " ".join(source.code(found.line).split()))
                findings.append(_finding(rel, source, found, ordinals[key]))
                ordinals[key] += 1
        findings.extend(_marks(rel, analysis))
        findings.extend(_lookups_finding(rel, analysis))
    return TaintScan(tuple(findings), (), tuple(warnings))

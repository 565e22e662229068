"""A CycloneDX 1.6 SBOM of the vulnerable dependencies, with the advisories as its VEX section.

Built with ``cyclonedx-python-lib`` (the library pip-audit writes its own
CycloneDX with), so the document follows the specification's model rather than
a hand-written JSON shape. GitLab's dependency list reads it
(``artifacts:reports:cyclonedx``); Dependency-Track and other SBOM tools import it.

What it holds:

* ``components``: one ``library`` per vulnerable pin the dependencies check
  found (``pkg:pypi/<name>@<version>``), with the manifests that pin it as
  ``gate:manifest`` properties. Pins without an advisory are not listed: the
  run result records findings, not the whole dependency inventory
  (``docs/formats.md``);
* ``vulnerabilities``: one per advisory (OSV/PYSEC/GHSA id), with its aliases as
  references, the gate's severity as a rating, the fixed versions as the
  recommendation, the affected components, and an ``analysis``: ``in_triage``
  (the gate does not judge exploitability) with ``update`` when a fix exists
  or ``can_not_fix`` when none does, ``will_not_fix`` for a waived finding,
  and the gate's verdict on it in ``detail``.

Serial number and timestamp come from the run, so the same result always
renders the same document.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from cyclonedx.model import Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.impact_analysis import ImpactAnalysisResponse, ImpactAnalysisState
from cyclonedx.model.tool import ToolRepository
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityAnalysis,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilitySeverity,
    VulnerabilitySource,
)
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from gate.findings import Finding, Severity
from gate.report.interface import Reporter
from gate.report.interop import clean_text, http_url, repo_path, run_window, stable_uuid
from gate.result import RunResult

__all__ = ["CycloneDxReporter"]

_SEVERITY = {Severity.CRITICAL: VulnerabilitySeverity.CRITICAL,
             Severity.HIGH: VulnerabilitySeverity.HIGH,
             Severity.MEDIUM: VulnerabilitySeverity.MEDIUM,
             Severity.LOW: VulnerabilitySeverity.LOW,
             Severity.INFO: VulnerabilitySeverity.INFO}
_OSV = "https://osv.dev/vulnerability/"
_GHSA = "https://github.com/advisories/"


@dataclass
class _Advisory:
    first: Finding
    findings: list[tuple[int, Finding]] = field(default_factory=list)


def _source(advisory_id: str, url: str | None) -> VulnerabilitySource:
    if advisory_id.startswith("GHSA-"):
        name, link = "GitHub Advisory Database", url or _GHSA + advisory_id
    else:
        name, link = "OSV", url or _OSV + advisory_id
    return VulnerabilitySource(name=name, url=XsUri(link))


def _analysis(run: RunResult, found: list[tuple[int, Finding]], fixes: tuple[str, ...]
              ) -> VulnerabilityAnalysis:
    waived = [f for _, f in found if f.suppression is not None]
    failing = sum(1 for i, _ in found if run.is_failing(i))
    if waived and len(waived) == len(found):
        s = waived[0].suppression
        assert s is not None
        detail = f"suppressed by the gate ({s.kind})" + (f": {s.reason}" if s.reason else "")
        if s.expires:
            detail += f", until {s.expires.isoformat()}"
        return VulnerabilityAnalysis(state=ImpactAnalysisState.IN_TRIAGE,
                                     responses=[ImpactAnalysisResponse.WILL_NOT_FIX],
                                     detail=clean_text(detail, 1000))
    detail = ("fails the gate" if failing else "reported by the gate, does not fail it")
    response = ImpactAnalysisResponse.UPDATE if fixes else ImpactAnalysisResponse.CAN_NOT_FIX
    return VulnerabilityAnalysis(state=ImpactAnalysisState.IN_TRIAGE, responses=[response],
                                 detail=detail)


def _vulnerability(run: RunResult, advisory_id: str, adv: _Advisory,
                   refs: dict[tuple[str, str], str]) -> Vulnerability:
    f = adv.first
    fixes = tuple(dict.fromkeys(v for _, g in adv.findings for v in g.fixed_versions))
    url = http_url(f.help_url)
    targets: dict[str, set[str]] = {}
    for _, g in adv.findings:
        ref = refs[((g.package or "").lower(), g.version or "")]
        targets.setdefault(ref, set()).add(g.version or "")
    severity = max(g.severity for _, g in adv.findings)
    cwes = sorted({int(c.split("-")[1]) for c in f.cwe if c.startswith("CWE-") and
                   c.split("-")[1].isdigit()})
    return Vulnerability(
        bom_ref=stable_uuid("cyclonedx", "vulnerability", advisory_id),
        id=advisory_id,
        source=_source(advisory_id, url),
        references=[VulnerabilityReference(id=a, source=_source(a, None))
                    for a in f.aliases if a != advisory_id],
        ratings=[VulnerabilityRating(severity=_SEVERITY[severity],
                                     justification="gate severity")],
        cwes=cwes or None,
        description=clean_text(f.title or f.message, 2000),
        detail=clean_text(f.message, 4000),
        recommendation=(f"Upgrade to {', '.join(fixes)}" if fixes else "No fixed version "
                        "has been released"),
        analysis=_analysis(run, adv.findings, fixes),
        affects=[BomTarget(ref=ref, versions=[BomTargetVersionRange(version=v) for v in
                                              sorted(vs) if v])
                 for ref, vs in sorted(targets.items())],
    )


def _components(findings: Iterable[Finding]) -> tuple[list[Component], dict[tuple[str, str], str]]:
    pins: dict[tuple[str, str], set[str]] = {}
    names: dict[tuple[str, str], str] = {}
    for f in findings:
        key = ((f.package or "").lower(), f.version or "")
        pins.setdefault(key, set()).add(repo_path(f.location.path))
        names.setdefault(key, f.package or "")
    components = []
    refs = {}
    for key in sorted(pins):
        name, version = key
        ref = f"pkg:pypi/{name}@{version}" if version else f"pkg:pypi/{name}"
        refs[key] = ref
        components.append(Component(
            name=names[key], version=version or None, type=ComponentType.LIBRARY,
            bom_ref=ref, purl=PackageURL(type="pypi", name=name, version=version or None),
            properties=[Property(name="gate:manifest", value=p) for p in sorted(pins[key]) if p]))
    return components, refs


class CycloneDxReporter(Reporter):
    """CycloneDX 1.6 JSON: vulnerable components and their advisories (VEX)."""

    name = "cyclonedx"
    description = "CycloneDX 1.6 SBOM of the vulnerable dependencies, advisories as VEX"

    def render(self, run: RunResult) -> str:
        """The whole document, pretty-printed."""
        deps = [(i, f) for i, f in enumerate(run.findings)
                if f.check == "dependencies" and f.package]
        components, refs = _components(f for _, f in deps)
        advisories: dict[str, _Advisory] = {}
        for i, f in deps:
            advisories.setdefault(f.rule_id, _Advisory(f)).findings.append((i, f))
        window = run_window(run)
        started = window[0] if window else datetime(1970, 1, 1, tzinfo=timezone.utc)
        identity = "\x00".join((run.context.get("repository", ""), run.context.get("sha", ""),
                                run.started_at))
        metadata = BomMetaData(
            timestamp=started,
            tools=ToolRepository(components=[Component(
                name="gate", version=run.gate_version or None, type=ComponentType.APPLICATION,
                group="ci-security-gate")]),
            component=Component(name=run.context.get("repository") or "scanned repository",
                                type=ComponentType.APPLICATION, bom_ref="scanned-repository",
                                version=run.context.get("sha") or None))
        bom = Bom(serial_number=uuid.UUID(stable_uuid("cyclonedx", identity)), metadata=metadata,
                  components=components,
                  vulnerabilities=[_vulnerability(run, a, adv, refs)
                                   for a, adv in sorted(advisories.items())])
        assert metadata.component is not None
        bom.register_dependency(metadata.component, components)
        doc = json.loads(JsonV1Dot6(bom).output_as_string())
        # The identifying fields first, as CycloneDX's own examples order them (and so that
        # the gate recognises its own SBOM from a file's first bytes: gate/artefacts.py).
        first = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")
        ordered = {key: doc[key] for key in first if key in doc}
        ordered.update((key, value) for key, value in doc.items() if key not in ordered)
        return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"

"""The gate's own files in a scanned tree: its baseline, cache entries and the reports it writes.

They are never findings. A baseline is a list of fingerprints (hex digests a
secrets scanner flags as high-entropy strings), a report repeats every finding
it lists, so scanning them makes every run find more than the last (a baseline
recorded again grows 32 -> 64 -> 96 entries). They are recognised by content,
not by name: a report saved as ``scan-output.txt`` is recognised as well as
``gate.sarif``. Recognition is strict (the whole document must have the
format's shape and the gate's own markers), bounded (:data:`MAX_BYTES`), never
executes anything, and every file it sets aside is named in the run's warnings,
so a file made to look like a report to hide from the checks is visible to the
reviewer (``docs/security.md``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["HEAD_BYTES", "MAX_BYTES", "NAMED", "recognise", "recognise_text"]

MAX_BYTES = 16 * 1024 * 1024
"""A larger file is never recognised (and is scanned like any other): parsing a document
that size happens in the main process, so this bounds what a hostile one can cost."""

NAMED = "written by this run (--report)"
"""Why a report path of the current run is left out, whatever it holds now."""

_CACHE_HEADER = b"gate-cache 3 "
HEAD_BYTES = 4096
"""How much of a file decides whether it may be one of the gate's (see :func:`recognise`)."""
_MARKERS = (b'"generated_by"', b'"schema_version"', b"sarif-schema", b"security-report-schemas",
            b'"check_name": "gate/', b'<testsuites name="gate"', b'"bomFormat": "CycloneDX"')
_HEX = re.compile(r"^[0-9a-f]{16,128}$")
_MD_HEADLINE = re.compile(r"^## \S{1,4} gate [a-z ]{4,40}$")
_MD_SUMMARY = re.compile(r"^\*\*[\d,]+ failing\*\* · [\d,]+ findings · ")
_TEXT_HEADLINE = re.compile(r"^gate: [A-Z][A-Z ]{2,30}  [\d,]+ failing · [\d,]+ findings · ")
_TEXT_TABLE = re.compile(r"^check +status +findings +failing +suppressed +not scanned +fails on")


_REPORT_SUFFIXES = frozenset({".json", ".sarif", ".xml", ".md", ".markdown", ".txt", ".log",
                              ".out"})
"""The only suffixes a file recognised by content may have: what the gate writes (cache
entries are ``.json``) and what a user names a saved report. A source or definition file a
check reads (``.py``, ``.yml``, ``.tf``, a ``Dockerfile``...) is never one of the gate's files,
however its first lines look: a Python module whose comment and docstring open like a
markdown report would otherwise hide its code from the sast check."""
_MANIFEST_NAME = re.compile(r"(?i)^(requirements|constraints)[\w.-]*\.txt$|\.tf\.json$")
"""Names the dependency and IaC checks read although their suffix is a report's."""


def _may_be_artefact(path: Path) -> bool:
    return path.suffix.lower() in _REPORT_SUFFIXES and not _MANIFEST_NAME.search(path.name)


def recognise(path: Path, head: bytes | None = None) -> str | None:
    """What gate artefact ``path`` is (``"gate baseline"``, ``"gate SARIF report"``...), or ``None``.

    Only a file with a report's suffix (:data:`_REPORT_SUFFIXES`) can be one. Its first
    :data:`HEAD_BYTES` bytes (``head``, when the caller has read them already) decide whether
    the whole file is worth parsing: a JSON or XML document must carry one of the gate's
    markers there, a text or markdown report is recognised by its first lines alone.
    """
    if not _may_be_artefact(path):
        return None
    try:
        if head is None:
            with path.open("rb") as handle:
                head = handle.read(HEAD_BYTES)
        head = head[:HEAD_BYTES]
        if head.startswith(_CACHE_HEADER):
            return "gate result-cache entry"
        start = head.lstrip()[:1]
        if start in (b"#", b"g"):
            return _lines_kind(head.decode("utf-8", "replace"))
        if start not in (b"{", b"[", b"<") or not any(m in head for m in _MARKERS):
            return None
        if path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return recognise_text(text)


def recognise_text(text: str) -> str | None:
    """The same, for a document already read."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return None
        return _json_kind(doc)
    if stripped.startswith("<"):
        return _junit(stripped)
    return _lines_kind(text)


def _lines_kind(text: str) -> str | None:
    lines = text.splitlines()[:40]
    if len(lines) >= 3 and _MD_HEADLINE.match(lines[0]) and _MD_SUMMARY.match(lines[2]):
        return "gate markdown report"
    if len(lines) >= 3 and _TEXT_HEADLINE.match(lines[0]) and any(
            _TEXT_TABLE.match(line) for line in lines[1:]):
        return "gate text report"
    return None


def _json_kind(doc: Any) -> str | None:
    if isinstance(doc, list):
        return "gate code-quality report" if doc and all(_codequality(i) for i in doc) else None
    if not isinstance(doc, dict):
        return None
    if _baseline(doc):
        return "gate baseline"
    if _report(doc):
        return "gate JSON report"
    if _sarif(doc):
        return "gate SARIF report"
    if _gitlab(doc):
        return "gate GitLab security report"
    if _cyclonedx(doc):
        return "gate CycloneDX SBOM"
    return None


def _baseline(doc: dict[str, Any]) -> bool:
    """``.gate-baseline.json``: version, generated_by "gate ...", entries of four strings."""
    findings = doc.get("findings")
    return (set(doc) == {"version", "generated_by", "findings"}
            and isinstance(doc["version"], int)
            and isinstance(doc["generated_by"], str) and doc["generated_by"].startswith("gate")
            and isinstance(findings, list)
            and all(isinstance(e, dict) and set(e) == {"check", "rule", "path", "fingerprint"}
                    and all(isinstance(v, str) for v in e.values())
                    and _HEX.match(e["fingerprint"]) for e in findings))


def _report(doc: dict[str, Any]) -> bool:
    """The JSON report (:mod:`gate.serialize`): schema_version, gate_version and its sections."""
    return (isinstance(doc.get("schema_version"), str) and isinstance(doc.get("gate_version"), str)
            and isinstance(doc.get("verdict"), str) and isinstance(doc.get("checks"), list)
            and isinstance(doc.get("findings"), list) and isinstance(doc.get("summary"), dict))


def _sarif(doc: dict[str, Any]) -> bool:
    """SARIF whose every run is one of the gate's (``automationDetails.id`` ``gate/<check>/``)."""
    runs = doc.get("runs")
    return (doc.get("version") == "2.1.0" and "sarif" in str(doc.get("$schema", ""))
            and isinstance(runs, list) and bool(runs)
            and all(isinstance(r, dict) and isinstance(r.get("automationDetails"), dict)
                    and str(r["automationDetails"].get("id", "")).startswith("gate/")
                    for r in runs))


def _gitlab(doc: dict[str, Any]) -> bool:
    scan = doc.get("scan")
    analyzer = scan.get("analyzer") if isinstance(scan, dict) else None
    return (isinstance(analyzer, dict) and analyzer.get("id") == "gate"
            and "security-report-schemas" in str(doc.get("schema", ""))
            and isinstance(doc.get("vulnerabilities"), list))


def _cyclonedx(doc: dict[str, Any]) -> bool:
    """A CycloneDX BOM whose only tool is the gate (``--report cyclonedx``)."""
    metadata = doc.get("metadata")
    tools = metadata.get("tools") if isinstance(metadata, dict) else None
    components = tools.get("components") if isinstance(tools, dict) else None
    return (doc.get("bomFormat") == "CycloneDX" and isinstance(doc.get("specVersion"), str)
            and isinstance(components, list) and len(components) == 1
            and isinstance(components[0], dict) and components[0].get("name") == "gate"
            and components[0].get("group") == "ci-security-gate")


def _codequality(item: Any) -> bool:
    return (isinstance(item, dict) and str(item.get("check_name", "")).startswith("gate/")
            and isinstance(item.get("fingerprint"), str) and "location" in item)


def _junit(text: str) -> str | None:
    """JUnit XML whose root is ``<testsuites name="gate">`` and every suite ``gate.<check>``."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None
    import xml.etree.ElementTree as ET  # nosec B405 - DTDs refused above; only for a report

    try:
        root = ET.fromstring(text)  # noqa: S314  # nosec B314 - no DTD: no entity expansion
    except ET.ParseError:
        return None
    if root.tag != "testsuites" or root.get("name") != "gate":
        return None
    suites = list(root)
    if all(s.tag == "testsuite" and (s.get("name") or "").startswith("gate.") for s in suites):
        return "gate JUnit report"
    return None

"""Severity of an OSV advisory: the CVSS v3 base score, or the database's own rating.

OSV records carry a CVSS *vector*, not a score, so the base score is computed
here from the CVSS v3.1 specification (section 7.1 and Appendix A for the
rounding); v3.0 vectors use the same formula. CVSS v2 and v4 vectors are not
scored: such records fall back to ``database_specific.severity`` and then to
unknown, which the check reports as high (fail closed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gate.findings import Severity

__all__ = ["RatedSeverity", "cvss3_base_score", "rate_record", "score_to_severity"]

_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_PR_UNCHANGED = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_CHANGED = {"N": 0.85, "L": 0.68, "H": 0.5}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}
_DATABASE_LABELS = {"LOW": Severity.LOW, "MODERATE": Severity.MEDIUM, "MEDIUM": Severity.MEDIUM,
                    "HIGH": Severity.HIGH, "CRITICAL": Severity.CRITICAL}


@dataclass(frozen=True)
class RatedSeverity:
    """A severity and where it came from (``cvss_v3 9.8``, ``database_specific MODERATE``)."""

    severity: Severity
    source: str


def _roundup(value: float) -> float:
    """CVSS v3.1 Roundup: the smallest one-decimal number >= value, robust to float error."""
    as_int = round(value * 100_000)
    if as_int % 10_000 == 0:
        return as_int / 100_000.0
    return (math.floor(as_int / 10_000) + 1) / 10.0


def cvss3_base_score(vector: str) -> float | None:
    """The base score of a ``CVSS:3.x/AV:../..`` vector; ``None`` if not a valid v3 vector."""
    parts = vector.strip().split("/")
    if not parts or parts[0] not in ("CVSS:3.0", "CVSS:3.1"):
        return None
    metrics: dict[str, str] = {}
    for part in parts[1:]:
        key, sep, value = part.partition(":")
        if not sep or key in metrics:
            return None
        metrics[key] = value
    try:
        changed = {"U": False, "C": True}[metrics["S"]]
        pr = (_PR_CHANGED if changed else _PR_UNCHANGED)[metrics["PR"]]
        exploitability = 8.22 * _AV[metrics["AV"]] * _AC[metrics["AC"]] * pr * _UI[metrics["UI"]]
        iss = 1 - ((1 - _CIA[metrics["C"]]) * (1 - _CIA[metrics["I"]]) * (1 - _CIA[metrics["A"]]))
    except KeyError:
        return None
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    if impact <= 0:
        return 0.0
    total = impact + exploitability
    return _roundup(min(1.08 * total if changed else total, 10.0))


def score_to_severity(score: float) -> Severity:
    """The CVSS v3 qualitative rating: none (0.0) maps to info."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


def _severity_entries(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record's ``severity`` entries, top-level and per ``affected`` package (schema 1.4+)."""
    found: list[Any] = []
    for holder in [record, *(record.get("affected") or [])]:
        if isinstance(holder, dict) and isinstance(holder.get("severity"), list):
            found.extend(holder["severity"])
    return [e for e in found if isinstance(e, dict)]


def rate_record(record: Mapping[str, Any]) -> RatedSeverity | None:
    """Severity of a raw OSV record: best CVSS v3 score, else the database label, else ``None``."""
    scores: list[float] = []
    for entry in _severity_entries(record):
        if entry.get("type") == "CVSS_V3":
            score = cvss3_base_score(str(entry.get("score", "")))
            if score is not None:
                scores.append(score)
    if scores:
        best = max(scores)
        return RatedSeverity(score_to_severity(best), f"cvss_v3 {best:.1f}")
    specific = record.get("database_specific")
    label = specific.get("severity") if isinstance(specific, dict) else None
    if isinstance(label, str) and label.strip().upper() in _DATABASE_LABELS:
        return RatedSeverity(_DATABASE_LABELS[label.strip().upper()],
                             f"database_specific {label.strip().upper()}")
    return None

"""Every detector, one tuple per provider family, and the checks that keep them consistent."""

from __future__ import annotations

from dataclasses import replace

import gate.checks.secrets.detectors.ai as ai
import gate.checks.secrets.detectors.aws as aws
import gate.checks.secrets.detectors.azure as azure
import gate.checks.secrets.detectors.cloud_platforms as cloud_platforms
import gate.checks.secrets.detectors.comms as comms
import gate.checks.secrets.detectors.gcp as gcp
import gate.checks.secrets.detectors.infra as infra
import gate.checks.secrets.detectors.keys as keys
import gate.checks.secrets.detectors.payments as payments
import gate.checks.secrets.detectors.registries as registries
import gate.checks.secrets.detectors.source_hosting as source_hosting
import gate.checks.secrets.detectors.web as web
from gate.checks.secrets.detectors.interface import Detector

__all__ = ["DETECTORS", "FAMILIES", "by_rule"]

FAMILIES = {
    "source_hosting": source_hosting.DETECTORS,
    "aws": aws.DETECTORS,
    "gcp": gcp.DETECTORS,
    "azure": azure.DETECTORS,
    "cloud_platforms": cloud_platforms.DETECTORS,
    "ai": ai.DETECTORS,
    "registries": registries.DETECTORS,
    "payments": payments.DETECTORS,
    "comms": comms.DETECTORS,
    "infra": infra.DETECTORS,
    "keys": keys.DETECTORS,
    "web": web.DETECTORS,
}
"""Provider family (module name) -> its detectors."""

DETECTORS: tuple[Detector, ...] = tuple(
    replace(d, family=family) for family, group in FAMILIES.items() for d in group)


def _check() -> None:
    seen: set[str] = set()
    for detector in DETECTORS:
        if detector.rule_id in seen or not detector.rule_id.startswith("GATE-SECRET-"):
            raise ValueError(f"bad or duplicate rule id {detector.rule_id}")
        if not detector.anchors or any(a != a.lower() for a in detector.anchors):
            raise ValueError(f"{detector.rule_id}: anchors must be lower-case and non-empty")
        seen.add(detector.rule_id)


_check()
_BY_RULE = {d.rule_id: d for d in DETECTORS}


def by_rule(rule_id: str) -> Detector | None:
    """The detector with this rule id, if it is one of ours."""
    return _BY_RULE.get(rule_id)

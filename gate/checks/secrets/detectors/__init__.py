"""The gate's own secret detectors, beside detect-secrets' plugins.

One module per provider family (``source_hosting``, ``aws``, ``gcp``,
``azure``, ``cloud_platforms``, ``ai``, ``registries``, ``payments``,
``comms``, ``infra``, ``keys``, ``web``), each a tuple of
:class:`~gate.checks.secrets.detectors.interface.Detector`; ``registry``
lists them, ``engine`` runs them over a file, ``checksums`` and
``lookalikes`` hold the shared validation. ``samples`` builds live-format and
look-alike values at run time for the tests and the recall benchmark.
"""

from gate.checks.secrets.detectors.engine import classify, find_secrets
from gate.checks.secrets.detectors.interface import (
    Classification,
    Detector,
    DetectorSecret,
    Note,
    Validation,
)
from gate.checks.secrets.detectors.registry import DETECTORS, FAMILIES, by_rule

DETECTOR_MODULES = tuple(f"gate.checks.secrets.detectors.{name}" for name in (
    "interface", "checksums", "common", "lookalikes", "decoding", "literals", "credfiles", "engine",
    "registry", "lazyre",
    *FAMILIES))
"""Modules whose code shapes the findings (in the result cache's key)."""

__all__ = ["DETECTORS", "DETECTOR_MODULES", "FAMILIES", "Classification", "Detector",
           "DetectorSecret", "Note", "Validation", "by_rule", "classify", "find_secrets"]

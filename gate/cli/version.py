"""``gate --version``: the gate's version and each scanner's, read from installed metadata.

Cheap on purpose: :mod:`importlib.metadata` reads the installed ``METADATA``
files; no scanner is imported, so the answer takes milliseconds.
"""

from __future__ import annotations

import platform
from importlib import metadata

import gate

__all__ = ["DISTRIBUTION", "SCANNERS", "version_text"]

DISTRIBUTION = "ci-security-gate"
"""The name the gate is published under on PyPI (the command and package stay ``gate``)."""

SCANNERS = ("bandit", "pip-audit", "detect-secrets", "python-hcl2")
"""Distributions whose versions decide what the checks find."""


def _installed(name: str) -> str:
    """The installed version of distribution ``name``, or ``not installed``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_text() -> str:
    """Lines for ``gate --version``: the gate first, then one line per scanner."""
    head = (f"gate {gate.__version__} ({DISTRIBUTION}, "
            f"{platform.python_implementation()} {platform.python_version()})")
    return "\n".join([head, *(f"{name} {_installed(name)}" for name in SCANNERS)]) + "\n"

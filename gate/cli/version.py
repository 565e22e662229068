"""``gate --version``: the gate's version and each scanner's, read from installed metadata.

Cheap on purpose: the installed ``METADATA`` files are read for their ``Version:``
header (:mod:`gate.versions`, without the ``email`` parser that
``importlib.metadata.version`` loads); no scanner is imported, so the answer takes
milliseconds.
"""

from __future__ import annotations

import platform

import gate
from gate.versions import PackageNotFoundError, installed_version

__all__ = ["DISTRIBUTION", "SCANNERS", "version_text"]

DISTRIBUTION = "ci-security-gate"
"""The name the gate is published under on PyPI (the command and package stay ``gate``)."""

SCANNERS = ("bandit", "pip-audit", "detect-secrets", "python-hcl2")
"""Distributions whose versions decide what the checks find."""


def _installed(name: str) -> str:
    """The installed version of distribution ``name``, or ``not installed``."""
    try:
        return installed_version(name)
    except PackageNotFoundError:
        return "not installed"


def version_text() -> str:
    """Lines for ``gate --version``: the gate first, then one line per scanner."""
    head = (f"gate {gate.__version__} ({DISTRIBUTION}, "
            f"{platform.python_implementation()} {platform.python_version()})")
    return "\n".join([head, *(f"{name} {_installed(name)}" for name in SCANNERS)]) + "\n"

"""The ``dependencies`` check: pip-audit's vulnerability services over pins read from manifests.

Modules, one job each: ``names`` (which files are manifests), ``manifests`` (which files),
``requirements`` and ``lockfiles`` (reading pins), ``osv_source``/``osv_record``/``severity``/
``offline`` (the offline OSV database), ``audit`` and ``results`` (querying
and building findings), ``check`` (the :class:`~gate.checks.interface.Check`).

Importing the package (or any of its modules, e.g. ``vulndb.actions`` from the pipeline
check) loads nothing but this file: the names below are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gate.checks.dependencies.check import DependenciesCheck
    from gate.checks.dependencies.model import VulnerabilityServiceError
    from gate.checks.dependencies.offline import OfflineOsvService, OsvDatabase, load_database

__all__ = [
    "DependenciesCheck",
    "OfflineOsvService",
    "OsvDatabase",
    "VulnerabilityServiceError",
    "load_database",
]

_WHERE = {
    "DependenciesCheck": "check",
    "VulnerabilityServiceError": "model",
    "OfflineOsvService": "offline",
    "OsvDatabase": "offline",
    "load_database": "offline",
}


def __getattr__(name: str) -> Any:
    """The public names, each imported from its module on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

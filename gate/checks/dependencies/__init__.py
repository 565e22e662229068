"""The ``dependencies`` check: pip-audit's vulnerability services over pins read from manifests.

Modules, one job each: ``manifests`` (which files), ``requirements`` and
``lockfiles`` (reading pins), ``osv_source``/``osv_record``/``severity``/
``offline`` (the offline OSV database), ``audit`` and ``results`` (querying
and building findings), ``check`` (the :class:`~gate.checks.interface.Check`).
"""

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

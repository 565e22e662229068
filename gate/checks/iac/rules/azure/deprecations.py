"""Azure configurations that no longer deploy, or run unpatched: language stacks past their
end of life on App Service and Functions, and retired single-server databases.

Judged against the day of the scan (injectable for tests), with the severity
graded by how close the date is (:func:`gate.checks.iac.rules.aws.lifecycles.urgency`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from gate.checks.iac.interface import (
    AttrPath,
    Outcome,
    Practice,
    Resource,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.aws.deprecations import _Dated, _when
from gate.checks.iac.rules.aws.lifecycles import urgency
from gate.checks.iac.rules.azure.appservice import FUNCTION_APPS, WEB_APPS
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.runtimes import language_eol
from gate.checks.iac.rules.settings import locate, read
from gate.checks.iac.values import MISSING
from gate.findings import Severity

__all__ = ["RETIRED_SERVICES", "AppStackEol", "RetiredSingleServer"]

_STACK_KEYS = {"python_version": "python", "node_version": "node", "php_version": "php",
               "dotnet_version": "dotnet", "ruby_version": "ruby", "go_version": "go"}
_FX = {"python": "python", "node": "node", "php": "php", "dotnetcore": "dotnet",
       "dotnet": "dotnet", "ruby": "ruby"}


def _stacks(resource: Resource) -> Iterator[tuple[str, object, AttrPath]]:
    """(language, version, path) of every language stack the app names."""
    for key, language in _STACK_KEYS.items():
        path: AttrPath = ("site_config", "application_stack", key)
        value = read(resource, path)
        if value is not MISSING and value is not None:
            yield language, value, path
    for key in ("linux_fx_version", "windows_fx_version"):
        path = ("site_config", key)
        value = read(resource, path)
        if isinstance(value, str) and "|" in value:
            language, _, version = value.partition("|")
            if language.strip().lower() in _FX:
                yield _FX[language.strip().lower()], version, path
        elif isinstance(value, Unknown):
            yield "", value, path


class AppStackEol(_Dated):
    id = "GATE-AZ-DEPR-001"
    title = "App Service or Functions language stack past (or near) its end of life"
    severity = Severity.HIGH
    practice = Practice.STILL_DEPLOYS
    rationale = ("App Service stops patching a language stack at the language's end of life "
                 "and later removes it: new apps cannot be created on it and existing ones "
                 "run unpatched.")
    fix = "Move to a supported version (Python 3.12, Node 22 LTS, .NET 8, PHP 8.3, ...)."
    resource_types = on(tf=[*WEB_APPS, *FUNCTION_APPS])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for language, version, path in _stacks(resource):
            if isinstance(version, Unknown):
                yield Undetermined("the language stack is not known statically",
                                   locate(resource, path))
                continue
            deadline = language_eol(language, str(version)) if language else None
            if deadline is None:
                continue
            severity = urgency(deadline, self.today, unpatched_after=True)
            if severity is not None:
                verb = "reached" if deadline <= self.today else "reaches"
                yield Violation(f"runs {language} {version}, which {verb} end of life "
                                f"{_when(deadline, self.today)}", locate(resource, path),
                                key=language, severity=severity)


RETIRED_SERVICES: dict[str, tuple[str, date]] = {
    "azurerm_mysql_server": ("Azure Database for MySQL single server", date(2024, 9, 16)),
    "azurerm_postgresql_server": ("Azure Database for PostgreSQL single server",
                                  date(2025, 3, 28)),
    "azurerm_mariadb_server": ("Azure Database for MariaDB", date(2025, 9, 19)),
    "azurerm_monitor_log_profile": ("activity log profiles", date(2026, 9, 30)),
}
_STILL_PATCHED = frozenset({"azurerm_monitor_log_profile"})
"""Retirements that stop a deploy from delivering but leave nothing unpatched: capped at medium."""
"""Services Azure retired (Azure updates retirement notices, read 2026-12-01)."""


ENGINE_EOL: dict[tuple[str, str], date] = {
    ("azurerm_mysql_flexible_server", "5.7"): date(2023, 10, 31),
    ("azurerm_postgresql_flexible_server", "11"): date(2023, 11, 9),
    ("azurerm_postgresql_flexible_server", "12"): date(2024, 11, 14),
    ("azurerm_postgresql_flexible_server", "13"): date(2025, 11, 13),
}
"""Engine versions past their community end of life (MySQL and PostgreSQL release policies);
Azure's flexible servers move them to paid extended support and stop creating them."""


class RetiredSingleServer(_Dated):
    id = "GATE-AZ-DEPR-002"
    title = "Retired Azure service (single-server databases, log profiles) or end-of-life engine"
    severity = Severity.HIGH
    practice = Practice.STILL_DEPLOYS
    rationale = ("Azure retired the single-server services: new servers cannot be created and "
                 "remaining ones were migrated or stopped. Engine versions past their end of "
                 "life get no community patches and move to paid extended support.")
    fix = ("Move to azurerm_mysql_flexible_server / azurerm_postgresql_flexible_server (MariaDB: "
           "MySQL flexible server) on MySQL 8.4 or PostgreSQL 16/17.")
    resource_types = on(tf=[*RETIRED_SERVICES, *{t for t, _v in ENGINE_EOL}])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if resource.type in RETIRED_SERVICES:
            service, deadline = RETIRED_SERVICES[resource.type]
            verb = "was retired" if deadline <= self.today else "retires"
            detail = f"uses {service}, which {verb} {_when(deadline, self.today)}"
            at: AttrPath = ()
        else:
            version = resource.properties.get("version", MISSING)
            if isinstance(version, Unknown):
                yield Undetermined("version is not known statically", ("version",))
                return
            found = ENGINE_EOL.get((resource.type, str(version).strip())) \
                if isinstance(version, str | int | float) else None
            if found is None:
                return
            deadline = found
            verb = "reached" if deadline <= self.today else "reaches"
            detail = f"runs version {version}, which {verb} end of life " \
                f"{_when(deadline, self.today)}"
            at = ("version",)
        severity = urgency(deadline, self.today,
                           unpatched_after=resource.type not in _STILL_PATCHED)
        if severity is not None:
            yield Violation(detail, at, severity=severity)

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
}
"""Services Azure retired (Azure updates retirement notices, read 2026-12-01)."""


class RetiredSingleServer(_Dated):
    id = "GATE-AZ-DEPR-002"
    title = "Database on a retired Azure service (MySQL / PostgreSQL single server, MariaDB)"
    severity = Severity.HIGH
    practice = Practice.STILL_DEPLOYS
    rationale = ("Azure retired these services: new servers cannot be created and remaining "
                 "ones were migrated or stopped, so the resource no longer deploys.")
    fix = ("Move to azurerm_mysql_flexible_server / azurerm_postgresql_flexible_server (MariaDB: "
           "MySQL flexible server).")
    resource_types = on(tf=list(RETIRED_SERVICES))

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        service, deadline = RETIRED_SERVICES[resource.type]
        severity = urgency(deadline, self.today, unpatched_after=True)
        if severity is not None:
            verb = "was retired" if deadline <= self.today else "retires"
            yield Violation(f"uses {service}, which {verb} {_when(deadline, self.today)}",
                            severity=severity)

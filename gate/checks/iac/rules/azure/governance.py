"""Azure governance: SQL auditing, custom roles that can do everything, NSG flow logs."""

from __future__ import annotations

from collections.abc import Iterator

from gate.checks.iac.interface import (
    Outcome,
    Practice,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import Expect, SettingRule, expects, locate, truthy
from gate.checks.iac.values import MISSING, as_list, to_int
from gate.findings import Severity

__all__ = ["CustomRoleAllActions", "FlowLogRetention", "SqlAuditing"]

_SQL = ("azurerm_mssql_server", "azurerm_sql_server")
_AUDIT_RESOURCES = {"azurerm_mssql_server_extended_auditing_policy": "server_id",
                    "azurerm_monitor_diagnostic_setting": "target_resource_id"}


class SqlAuditing(Rule):
    id = "GATE-AZ-SQL-002"
    title = "SQL server without auditing"
    severity = Severity.MEDIUM
    practice = Practice.AUDIT_LOGGING
    rationale = "Without auditing there is no record of who queried or changed the databases."
    fix = ("Add an azurerm_mssql_server_extended_auditing_policy for the server (to a storage "
           "account or Log Analytics), or a diagnostic setting with SQLSecurityAuditEvents.")
    aliases = ("CKV_AZURE_23",)
    resource_types = on(tf=_SQL)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        inline = resource.properties.get("extended_auditing_policy", MISSING)
        if inline is not MISSING and inline is not None and inline != []:
            return
        for rtype, attr in _AUDIT_RESOURCES.items():
            if unit.referrers(resource, [rtype], attr):
                return
        yield Violation("has no auditing (no extended auditing policy or diagnostic setting in "
                        "the module refers to it)")


class CustomRoleAllActions(Rule):
    id = "GATE-AZ-IAM-001"
    title = "Custom role that allows every action"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("A custom role with actions [\"*\"] is Owner under another name, and it is "
                 "easy to miss in a review of role assignments.")
    fix = "List the actions the role needs (Microsoft.Storage/storageAccounts/read, ...)."
    aliases = ("CKV_AZURE_39",)
    resource_types = on(tf=["azurerm_role_definition"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for i, permission in enumerate(as_list(resource.properties.get("permissions"))):
            actions = permission.get("actions") if isinstance(permission, dict) else None
            if isinstance(actions, Unknown):
                yield Undetermined("the role's actions are not known statically",
                                   ("permissions", i, "actions"))
            elif any(a == "*" for a in as_list(actions)):
                yield Violation("allows every action (actions = [\"*\"])",
                                locate(resource, ("permissions", i, "actions")))
                return


def _retention(value: object) -> bool | None:
    days = to_int(value)
    if isinstance(days, Unknown):
        return None
    return days is not None and (days == 0 or days >= 90)


class FlowLogRetention(SettingRule):
    id = "GATE-AZ-NET-001"
    title = "NSG flow log disabled or kept less than 90 days"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Flow logs are what an investigation reads; short or no retention loses them."
    fix = "Set enabled = true and retention_policy { enabled = true, days = 90 } (or more)."
    aliases = ("CKV_AZURE_12",)
    resource_types = on(tf=["azurerm_network_watcher_flow_log"])
    expects = expects({"azurerm_network_watcher_flow_log": (
        Expect((("enabled",),), truthy, True, "is disabled"),
        Expect((("retention_policy", "enabled"),), truthy, False,
               "does not retain flow logs (retention_policy disabled)"),
        Expect((("retention_policy", "days"),), _retention, False,
               "keeps flow logs {value} days, less than 90"),
    )})

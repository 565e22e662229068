"""Azure detection and WAF: SQL threat detection, Defender, alert contacts, PostgreSQL
logging parameters, Application Gateway WAF."""

from __future__ import annotations

from collections.abc import Iterator

from gate.checks.iac.interface import Outcome, Practice, Resource, Unit, Violation
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import (
    Expect,
    SettingRule,
    equals,
    expects,
    is_one_of,
    read,
    truthy,
)
from gate.checks.iac.values import MISSING
from gate.findings import Severity

__all__ = ["AppGatewayWaf", "DefenderPlan", "PostgresLogging",
           "SecurityContactAlerts", "SqlThreatDetection"]

_ALERTS = "azurerm_mssql_server_security_alert_policy"


class SqlThreatDetection(SettingRule):
    id = "GATE-AZ-SQL-003"
    title = "SQL threat detection off or some of its alerts disabled"
    severity = Severity.MEDIUM
    practice = Practice.OBSERVABILITY
    rationale = ("Threat detection is what reports SQL injection and data exfiltration "
                 "attempts; a disabled policy or alert type hides them.")
    fix = "Set state = \"Enabled\" and leave disabled_alerts empty."
    aliases = ("CKV_AZURE_25",)
    resource_types = on(tf=[_ALERTS])
    expects = expects({_ALERTS: (
        Expect((("state",),), equals("Enabled"), False, "is not enabled (state {value})"),
        Expect((("disabled_alerts",),), lambda v: v == [] or v == "", True,
               "disables alert types ({value})"),
    )})


_PRICING = "azurerm_security_center_subscription_pricing"


class DefenderPlan(SettingRule):
    id = "GATE-AZ-SC-001"
    title = "Microsoft Defender for Cloud plan on the free tier"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "The free tier gives recommendations only: no threat detection for the resources."
    fix = "Set tier = \"Standard\" for the resource types the subscription runs."
    aliases = ("CKV_AZURE_19",)
    resource_types = on(tf=[_PRICING])
    expects = expects({_PRICING: Expect((("tier",),), equals("Standard"), False,
                                        "leaves Defender off (tier {value})")})


_CONTACT = "azurerm_security_center_contact"


class SecurityContactAlerts(SettingRule):
    id = "GATE-AZ-SC-002"
    title = "Security alerts not e-mailed to the security contact or the admins"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "A high-severity alert nobody receives is an alert nobody acts on."
    fix = "Set alert_notifications = true and alerts_to_admins = true."
    aliases = ("CKV_AZURE_21", "CKV_AZURE_22")
    resource_types = on(tf=[_CONTACT])
    expects = expects({_CONTACT: (
        Expect((("alert_notifications",),), truthy, False,
               "does not e-mail high-severity alerts (alert_notifications)",
               aliases=("CKV_AZURE_21",)),
        Expect((("alerts_to_admins",),), truthy, False,
               "does not e-mail alerts to subscription admins (alerts_to_admins)",
               aliases=("CKV_AZURE_22",)),
    )})


_PG_SETTINGS = {"log_checkpoints": "CKV_AZURE_30", "log_connections": "CKV_AZURE_31",
                "connection_throttling": "CKV_AZURE_32", "log_disconnections": "",
                "log_retention_days": ""}
_PG_CONFIGS = ("azurerm_postgresql_configuration", "azurerm_postgresql_flexible_server_configuration")


class PostgresLogging(SettingRule):
    id = "GATE-AZ-PG-001"
    title = "PostgreSQL server parameter turns connection or checkpoint logging off"
    severity = Severity.LOW
    practice = Practice.AUDIT_LOGGING
    rationale = ("log_connections, log_checkpoints and connection_throttling record and slow "
                 "down password guessing; turning them off removes the trail.")
    fix = "Leave these parameters on (their default)."
    aliases = ("CKV_AZURE_30", "CKV_AZURE_31", "CKV_AZURE_32")
    resource_types = on(tf=_PG_CONFIGS)
    expects = expects({t: Expect((("value",),), is_one_of("off", "0", "false"), True,
                                 "turns a logging parameter off (value {value})")
                       for t in _PG_CONFIGS})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        name = read(resource, ("name",))
        return not (isinstance(name, str) and name.strip().lower() in _PG_SETTINGS)


_GATEWAY = "azurerm_application_gateway"


class AppGatewayWaf(SettingRule):
    id = "GATE-AZ-WAF-001"
    title = "Application Gateway without a web application firewall"
    severity = Severity.MEDIUM
    practice = Practice.WAF
    rationale = ("An internet-facing gateway without WAF passes injection and scanner traffic "
                 "straight to the backends.")
    fix = ("Use the WAF_v2 tier with a firewall_policy_id (azurerm_web_application_firewall_policy "
           "in Prevention mode).")
    aliases = ("CKV_AZURE_120",)
    resource_types = on(tf=[_GATEWAY, "azurerm_web_application_firewall_policy"])
    expects = expects({
        _GATEWAY: Expect((("sku", "tier"),), equals("WAF", "WAF_v2"), False,
                         "has no WAF (sku tier {value}, no firewall policy)"),
        "azurerm_web_application_firewall_policy": Expect(
            (("policy_settings", "mode"),), equals("Prevention"), True,
            "only detects, does not block (mode {value})", aliases=("CKV_AZURE_122",)),
    })

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if resource.type != _GATEWAY:
            yield from super().evaluate(resource, unit)
            return
        if truthy(read(resource, ("waf_configuration", "enabled"))) is True:
            return  # the gateway's own (v1) WAF configuration
        if read(resource, ("firewall_policy_id",)) in (MISSING, None):
            yield from super().evaluate(resource, unit)
            return
        refs = unit.refs_of.get(resource.address, {}).get("firewall_policy_id", frozenset())
        for policy in unit.of_type("azurerm_web_application_firewall_policy"):
            if policy.ref_key in refs and \
                    truthy(read(policy, ("policy_settings", "enabled"))) is False:
                yield Violation(f"uses {policy.address}, which is switched off "
                                "(policy_settings enabled false)", ("firewall_policy_id",))

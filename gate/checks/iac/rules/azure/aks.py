"""Azure Kubernetes Service clusters: RBAC, API server access, network policy, logging."""

from __future__ import annotations

from gate.checks.iac.interface import Practice, Resource, Unit
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import Expect, SettingRule, expects, read, truthy
from gate.findings import Severity

__all__ = ["AksApiServerRanges", "AksLocalAccounts", "AksLogging", "AksNetworkPolicy",
           "AksRbac"]

_AKS = "azurerm_kubernetes_cluster"


class AksRbac(SettingRule):
    id = "GATE-AZ-AKS-001"
    title = "AKS cluster without Kubernetes RBAC"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = "Without RBAC every authenticated identity can do anything in the cluster."
    fix = "Remove role_based_access_control_enabled = false (default true)."
    aliases = ("CKV_AZURE_5",)
    resource_types = on(tf=[_AKS])
    expects = expects({_AKS: Expect(
        (("role_based_access_control_enabled",), ("role_based_access_control", "enabled")),
        truthy, True, "turns Kubernetes RBAC off")})


class AksApiServerRanges(SettingRule):
    id = "GATE-AZ-AKS-002"
    title = "AKS API server reachable from any address"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "A public API server without authorised ranges accepts any source address."
    fix = ("Set api_server_access_profile { authorized_ip_ranges = [...] } or make the cluster "
           "private (private_cluster_enabled = true).")
    aliases = ("CKV_AZURE_6",)
    resource_types = on(tf=[_AKS])
    expects = expects({_AKS: Expect(
        (("api_server_access_profile", "authorized_ip_ranges"),
         ("api_server_authorized_ip_ranges",)), lambda v: v != [], False,
        "has a public API server without authorised IP ranges")})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        return truthy(read(resource, ("private_cluster_enabled",))) is True or truthy(read(
            resource, ("api_server_access_profile", "vnet_integration_enabled"))) is True


class AksNetworkPolicy(SettingRule):
    id = "GATE-AZ-AKS-003"
    title = "AKS cluster without a network policy engine"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "Without a network policy engine every pod can reach every other pod."
    fix = "Set network_profile { network_policy = \"azure\" | \"calico\" | \"cilium\" }."
    aliases = ("CKV_AZURE_7",)
    resource_types = on(tf=[_AKS])
    expects = expects({_AKS: Expect((("network_profile", "network_policy"),),
                                    lambda v: bool(v), False,
                                    "has no network policy engine (network_policy)")})


class AksLogging(SettingRule):
    id = "GATE-AZ-AKS-004"
    title = "AKS cluster not sending logs to Azure Monitor"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Without Container Insights, node and container logs stay on the nodes."
    fix = "Add an oms_agent block with log_analytics_workspace_id."
    aliases = ("CKV_AZURE_4",)
    resource_types = on(tf=[_AKS])
    expects = expects({_AKS: Expect(
        (("oms_agent", "log_analytics_workspace_id"),
         ("addon_profile", "oms_agent", "enabled")), lambda v: v is not False and v != "false",
        False, "sends no logs to Azure Monitor (no oms_agent)")})


class AksLocalAccounts(SettingRule):
    id = "GATE-AZ-AKS-005"
    title = "AKS cluster keeps its local admin account"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("The local cluster-admin credential bypasses Entra ID: anyone who can list "
                 "cluster credentials gets full, unaudited admin access.")
    fix = ("Set local_account_disabled = true with Entra ID integration "
           "(azure_active_directory_role_based_access_control).")
    aliases = ("CKV_AZURE_141",)
    resource_types = on(tf=[_AKS])
    expects = expects({_AKS: Expect((("local_account_disabled",),), truthy, False,
                                    "keeps the local admin account (local_account_disabled)")})

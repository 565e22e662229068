"""Azure (Terraform azurerm provider) rules, one module per service family."""

from __future__ import annotations

from gate.checks.iac.interface import Rule
from gate.checks.iac.rules.azure import (
    aks,
    appservice,
    compute,
    data,
    deprecations,
    governance,
    monitoring,
    network,
    storage,
)

__all__ = ["AZURE_RULES"]

AZURE_RULES: tuple[Rule, ...] = (
    storage.StorageMinTls(), storage.StorageHttpsOnly(), storage.StoragePublicBlobs(),
    storage.StorageDefaultDeny(), storage.StorageContainerPublic(),
    network.NsgSshOpen(), network.NsgRdpOpen(), network.NsgAllPortsOpen(),
    network.DatabaseFirewallOpen(),
    appservice.AppHttpsOnly(), appservice.AppMinTls(), appservice.AppFtps(),
    appservice.AppRemoteDebugging(), appservice.AppAuthentication(),
    appservice.FunctionHttpsOnly(), appservice.FunctionMinTls(),
    aks.AksRbac(), aks.AksApiServerRanges(), aks.AksNetworkPolicy(), aks.AksLogging(),
    aks.AksLocalAccounts(),
    compute.DiskEncryption(), compute.VmPasswordLogin(), compute.CustomDataSecret(),
    compute.VmAdminPassword(),
    data.KeyVaultPurgeProtection(), data.KeyVaultSoftDelete(), data.KeyVaultPublicNetwork(),
    data.KeyVaultExpiry(),
    data.DatabaseTls(), data.DatabasePublicNetwork(), data.RedisNonTlsPort(), data.RedisMinTls(),
    data.CosmosPublicNetwork(), data.AcrAdminUser(), data.AcrAnonymousPull(),
    deprecations.AppStackEol(), deprecations.RetiredSingleServer(),
    governance.SqlAuditing(), governance.CustomRoleAllActions(), governance.FlowLogRetention(),
    monitoring.SqlThreatDetection(), monitoring.DefenderPlan(), monitoring.SecurityContactAlerts(),
    monitoring.PostgresLogging(), monitoring.AppGatewayWaf(),
)

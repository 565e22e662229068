"""Google Cloud (Terraform google provider) rules, one module per service family."""

from __future__ import annotations

from gate.checks.iac.interface import Rule
from gate.checks.iac.rules.gcp import compute, data, deprecations, gke, iam, network, secrets

__all__ = ["GCP_RULES"]

GCP_RULES: tuple[Rule, ...] = (
    data.GcsUniformAccess(), iam.PublicResource(), iam.BasicRoles(),
    iam.DefaultServiceAccountRoles(),
    network.FirewallSshOpen(), network.FirewallRdpOpen(), network.FirewallMysqlOpen(),
    network.FirewallAllPortsOpen(),
    network.SubnetFlowLogs(),
    compute.DefaultServiceAccount(), compute.DefaultServiceAccountFullAccess(),
    compute.SerialPortEnabled(), compute.BlockProjectSshKeys(), compute.ShieldedVm(),
    gke.GkePrivateNodes(), gke.GkeMasterAuthorizedNetworks(), gke.GkeLegacyAbac(),
    gke.GkeLogging(), gke.GkeNetworkPolicy(),
    data.CloudSqlPublicIp(), data.CloudSqlWorldNetwork(), data.CloudSqlTls(),
    data.KmsRotation(), data.RedisAuth(), data.RedisTransitEncryption(),
    secrets.SqlPassword(),
    deprecations.CloudFunctionRuntime(), deprecations.CloudSqlVersion(),
)

"""Google Kubernetes Engine clusters: private nodes, control plane access, policy, logging."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from gate.checks.iac.interface import AttrPath, Outcome, Practice, Resource, Unit, Violation
from gate.checks.iac.rules.aws.ec2 import is_world
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import (
    Expect,
    SettingRule,
    equals,
    expects,
    falsy,
    is_one_of,
    locate,
    read,
    truthy,
)
from gate.checks.iac.values import as_list
from gate.findings import Severity

__all__ = ["GkeLegacyAbac", "GkeLogging", "GkeMasterAuthorizedNetworks", "GkeNetworkPolicy",
           "GkePrivateNodes"]

_CLUSTER = "google_container_cluster"


def _autopilot(resource: Resource) -> bool:
    return truthy(read(resource, ("enable_autopilot",))) is True


class GkePrivateNodes(SettingRule):
    id = "GATE-GCP-GKE-001"
    title = "GKE cluster nodes have public IP addresses"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "Nodes with public addresses can be reached from the internet, kubelet and all."
    fix = "Set private_cluster_config { enable_private_nodes = true } (with Cloud NAT for egress)."
    aliases = ("CKV_GCP_64",)
    resource_types = on(tf=[_CLUSTER])
    expects = expects({_CLUSTER: Expect(
        (("private_cluster_config", "enable_private_nodes"),), truthy, False,
        "does not use private nodes (enable_private_nodes): nodes get public IPs")})


class GkeMasterAuthorizedNetworks(SettingRule):
    id = "GATE-GCP-GKE-002"
    title = "GKE control plane reachable from any address"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "Without authorised networks the API server's public endpoint accepts any source."
    fix = ("Add master_authorized_networks_config with the CIDR blocks that administer the "
           "cluster, or make the endpoint private (enable_private_endpoint).")
    aliases = ("CKV_GCP_20",)
    resource_types = on(tf=[_CLUSTER])
    expects = expects({_CLUSTER: Expect(
        (("master_authorized_networks_config",),), lambda v: True, False,
        "has no master_authorized_networks_config: the control plane accepts any address")})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        return truthy(read(resource, ("private_cluster_config", "enable_private_endpoint"))) \
            is True

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        yield from super().evaluate(resource, unit)
        if self.exempt(resource, unit):
            return
        blocks = read(resource, ("master_authorized_networks_config", "cidr_blocks"))
        for i, block in enumerate(as_list(blocks)):
            cidr = block.get("cidr_block") if isinstance(block, Mapping) else None
            if is_world(cidr):
                at: AttrPath = ("master_authorized_networks_config", 0, "cidr_blocks", i,
                                "cidr_block")
                yield Violation(f"authorises {cidr} to reach the control plane",
                                locate(resource, at))
                return


class GkeLegacyAbac(SettingRule):
    id = "GATE-GCP-GKE-003"
    title = "GKE cluster with legacy ABAC authorisation"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("Legacy ABAC grants broad, static permissions that RBAC cannot narrow; it "
                 "lets every service account act cluster-wide.")
    fix = "Remove enable_legacy_abac (default false) and use Kubernetes RBAC."
    aliases = ("CKV_GCP_7",)
    resource_types = on(tf=[_CLUSTER])
    expects = expects({_CLUSTER: Expect((("enable_legacy_abac",),), falsy, True,
                                        "enables legacy ABAC authorisation")})


class GkeLogging(SettingRule):
    id = "GATE-GCP-GKE-004"
    title = "GKE cluster logging turned off"
    severity = Severity.MEDIUM
    practice = Practice.AUDIT_LOGGING
    rationale = "Without Cloud Logging, system and workload logs of the cluster are lost."
    fix = "Remove logging_service = \"none\" (default logging.googleapis.com/kubernetes)."
    aliases = ("CKV_GCP_1",)
    resource_types = on(tf=[_CLUSTER])
    expects = expects({_CLUSTER: Expect((("logging_service",),), is_one_of("none"), True,
                                        "turns Cloud Logging off (logging_service {value})")})


class GkeNetworkPolicy(SettingRule):
    id = "GATE-GCP-GKE-005"
    title = "GKE cluster does not enforce network policies"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "Without network policy enforcement every pod can reach every other pod."
    fix = ("Use Dataplane V2 (datapath_provider = \"ADVANCED_DATAPATH\", enforces policies) or "
           "set network_policy { enabled = true } and addons_config network_policy_config.")
    aliases = ("CKV_GCP_12",)
    resource_types = on(tf=[_CLUSTER])
    expects = expects({_CLUSTER: Expect(
        (("network_policy", "enabled"),), truthy, False,
        "does not enforce network policies (network_policy, Dataplane V2)")})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        dataplane = equals("ADVANCED_DATAPATH")(read(resource, ("datapath_provider",)))
        return dataplane is True or _autopilot(resource)

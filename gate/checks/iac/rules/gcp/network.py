"""Google Cloud networks: firewall rules open to the internet, subnets without flow logs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

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
from gate.checks.iac.rules.aws.ec2 import is_world
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import Expect, SettingRule, expects
from gate.checks.iac.values import MISSING, as_list, to_bool
from gate.findings import Severity

__all__ = ["FirewallAllPortsOpen", "FirewallMysqlOpen", "FirewallRdpOpen", "FirewallSshOpen",
           "SubnetFlowLogs", "port_in"]

_TCP = frozenset({"tcp", "all", "6"})


def port_in(spec: Any, port: int) -> bool | None:
    """Whether a port spec (``22``, ``"20-30"``) includes ``port``; None when unknown."""
    if isinstance(spec, Unknown):
        return None
    text = str(spec).strip()
    low, _, high = text.partition("-")
    try:
        return int(low) <= port <= int(high or low)
    except ValueError:
        return None


def _world_sources(resource: Resource) -> tuple[bool | None, tuple[str | int, ...]]:
    """Whether an ingress rule admits the internet, and the attribute that says so.

    Google Cloud applies ``0.0.0.0/0`` when an ingress rule names no source at all
    (no ranges, tags or service accounts).
    """
    p = resource.properties
    ranges = p.get("source_ranges", MISSING)
    if isinstance(ranges, Unknown):
        return None, ("source_ranges",)
    for i, cidr in enumerate(as_list(ranges)):
        if isinstance(cidr, Unknown):
            return None, ("source_ranges",)
        if is_world(cidr):
            return True, ("source_ranges", i)
    if ranges is MISSING and "source_tags" not in p and "source_service_accounts" not in p:
        return True, ()
    return False, ()


def _every_port(specs: list[Any]) -> bool:
    """No ports (the protocol's every port), or a range from 0/1 to 65535."""
    if not specs:
        return True
    for spec in specs:
        low, _, high = str(spec).strip().partition("-")
        if low.isdigit() and high.isdigit() and int(low) <= 1 and int(high) >= 65535:
            return True
    return False


class _FirewallPort(Rule):
    """An enabled ingress firewall rule that allows ``port`` from the whole internet.

    One flaw, one finding: a rule open on every port is GATE-GCP-FW-004's (which carries
    the port checks' Checkov ids); the port rules report a port inside a narrower range.
    """

    port: ClassVar[int]
    service: ClassVar[str]
    every_port: ClassVar[bool] = False
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    fix = ("Limit source_ranges to the networks that need the port (a bastion, IAP's "
           "35.235.240.0/20 for IAP TCP forwarding, a VPN range).")
    resource_types = on(tf=["google_compute_firewall"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        direction = p.get("direction", "INGRESS")
        disabled = to_bool(p.get("disabled", False))
        if (isinstance(direction, str) and direction.upper() != "INGRESS") or disabled is True:
            return
        world, source_at = _world_sources(resource)
        if world is False:
            return
        for i, allow in enumerate(as_list(p.get("allow"))):
            if not isinstance(allow, Mapping):
                continue
            protocol = allow.get("protocol", MISSING)
            if isinstance(protocol, str) and protocol.lower() not in _TCP:
                continue
            ports = allow.get("ports", MISSING)
            specs = as_list(ports)
            hits = [port_in(s, self.port) for s in specs] if specs else [True]
            if isinstance(ports, Unknown) or isinstance(protocol, Unknown) or \
                    (None in hits and True not in hits):
                yield Undetermined("the allowed ports are not known statically", ("allow", i))
                return
            if True not in hits or _every_port(specs) is not self.every_port:
                continue
            if world is None:
                yield Undetermined("source_ranges is not known statically", source_at)
                return
            what = "every port" if self.every_port else f"port {self.port} ({self.service})"
            source = "0.0.0.0/0" if source_at else "the internet (no source given)"
            yield Violation(f"allows {what} from {source}", source_at or ("allow", i))
            return


class FirewallSshOpen(_FirewallPort):
    id = "GATE-GCP-FW-001"
    title = "Firewall rule allows SSH (22) from the internet"
    rationale = "SSH open to the internet is scanned and brute-forced within minutes."
    aliases = ("CKV_GCP_2",)
    port = 22
    service = "SSH"


class FirewallRdpOpen(_FirewallPort):
    id = "GATE-GCP-FW-002"
    title = "Firewall rule allows RDP (3389) from the internet"
    rationale = "RDP open to the internet is a leading ransomware entry point."
    aliases = ("CKV_GCP_3",)
    port = 3389
    service = "RDP"


class FirewallMysqlOpen(_FirewallPort):
    id = "GATE-GCP-FW-003"
    title = "Firewall rule allows MySQL (3306) from the internet"
    rationale = "A database port open to the internet invites credential stuffing and exploits."
    aliases = ("CKV_GCP_88",)
    port = 3306
    service = "MySQL"


class FirewallAllPortsOpen(_FirewallPort):
    id = "GATE-GCP-FW-004"
    title = "Firewall rule allows every port from the internet"
    rationale = ("Every service on the targeted instances, including ones started later or "
                 "bound by mistake, is reachable from anywhere.")
    fix = ("List the ports the service needs and limit source_ranges to the networks that "
           "need them.")
    aliases = ("CKV_GCP_2", "CKV_GCP_3", "CKV_GCP_88")
    port = 22  # any port is in "every port"; 22 only drives the shared matching
    service = "every service"
    every_port = True


_NO_FLOW_LOGS = frozenset({"INTERNAL_HTTPS_LOAD_BALANCER", "REGIONAL_MANAGED_PROXY",
                           "GLOBAL_MANAGED_PROXY", "PRIVATE_SERVICE_CONNECT", "PRIVATE_NAT"})


class SubnetFlowLogs(SettingRule):
    id = "GATE-GCP-NET-001"
    title = "Subnet without VPC flow logs"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Without flow logs there is no record of which hosts talked to which."
    fix = "Add a log_config block (aggregation_interval, flow_sampling, metadata)."
    aliases = ("CKV_GCP_26",)
    resource_types = on(tf=["google_compute_subnetwork"])
    expects = expects({"google_compute_subnetwork": Expect(
        (("log_config",),), lambda v: True, False, "has no log_config: VPC flow logs are off")})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        purpose = resource.properties.get("purpose")
        return isinstance(purpose, str) and purpose.upper() in _NO_FLOW_LOGS


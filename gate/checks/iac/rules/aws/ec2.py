"""EC2: encrypted EBS volumes and security groups that are not open to the world.

Ingress is read from every spelling: CloudFormation groups and standalone
ingress resources, Terraform inline ``ingress`` blocks,
``aws_security_group_rule`` and ``aws_vpc_security_group_ingress_rule``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from gate.checks.iac.interface import (
    AttrPath,
    Framework,
    Outcome,
    Practice,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.base import on, truth
from gate.checks.iac.values import as_list, to_int
from gate.findings import Severity

__all__ = ["AdminPortsOpen", "AllPortsOpen", "EbsEncryption", "RdpOpen", "SshOpen",
           "behind_load_balancer", "is_world"]

def is_world(cidr: Any) -> bool:
    """Whether ``cidr`` is the whole IPv4 or IPv6 internet, in any spelling.

    ``0.0.0.0/0``, ``::/0``, ``0:0:0:0:0:0:0:0/0``, ``0000:...:0000/0`` and any
    host bits with a ``/0`` prefix all mean everyone.
    """
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


_ALL_PROTOCOLS = frozenset({"-1", "all"})


class EbsEncryption(Rule):
    """EBS volumes must be encrypted."""

    id = "GATE-AWS-EC2-001"
    title = "EBS volume not encrypted"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_AT_REST
    rationale = "Unencrypted volumes and their snapshots expose data to anyone who can copy them."
    fix = "Set Encrypted: true / encrypted = true (optionally with a KMS key)."
    aliases = ("CKV_AWS_3",)
    resource_types = on(cfn=["AWS::EC2::Volume"], tf=["aws_ebs_volume"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        key = "Encrypted" if resource.framework is Framework.CLOUDFORMATION else "encrypted"
        value = truth(resource.properties.get(key), default=False)
        if isinstance(value, Unknown):
            yield Undetermined(f"{key} is not known statically", (key,))
        elif not value:
            yield Violation("is not encrypted", (key,) if key in resource.properties else ())


@dataclass(frozen=True)
class Ingress:
    """One ingress permission, normalised."""

    cidrs: tuple[Any, ...]
    from_port: Any
    to_port: Any
    protocol: Any
    at: AttrPath


def _ingress(resource: Resource) -> Iterator[Ingress]:
    p = resource.properties
    rtype = resource.type
    if rtype == "AWS::EC2::SecurityGroup":
        for i, rule in enumerate(as_list(p.get("SecurityGroupIngress"))):
            if isinstance(rule, Mapping):
                yield Ingress((rule.get("CidrIp"), rule.get("CidrIpv6")), rule.get("FromPort"),
                              rule.get("ToPort"), rule.get("IpProtocol"),
                              ("SecurityGroupIngress", i))
    elif rtype == "AWS::EC2::SecurityGroupIngress":
        yield Ingress((p.get("CidrIp"), p.get("CidrIpv6")), p.get("FromPort"), p.get("ToPort"),
                      p.get("IpProtocol"), _source_attr(p, "CidrIp", "CidrIpv6"))
    elif rtype == "aws_security_group":
        for i, rule in enumerate(as_list(p.get("ingress"))):
            if isinstance(rule, Mapping):
                yield Ingress((*as_list(rule.get("cidr_blocks")),
                               *as_list(rule.get("ipv6_cidr_blocks"))),
                              rule.get("from_port"), rule.get("to_port"), rule.get("protocol"),
                              ("ingress", i))
    elif rtype == "aws_security_group_rule":
        if p.get("type") == "ingress":
            yield Ingress((*as_list(p.get("cidr_blocks")), *as_list(p.get("ipv6_cidr_blocks"))),
                          p.get("from_port"), p.get("to_port"), p.get("protocol"),
                          _source_attr(p, "cidr_blocks", "ipv6_cidr_blocks"))
    elif rtype == "aws_vpc_security_group_ingress_rule":
        yield Ingress((p.get("cidr_ipv4"), p.get("cidr_ipv6")), p.get("from_port"),
                      p.get("to_port"), p.get("ip_protocol"),
                      _source_attr(p, "cidr_ipv4", "cidr_ipv6"))


def _source_attr(props: Mapping[str, Any], v4: str, v6: str) -> AttrPath:
    """The source attribute to point at: the one open to the world, else the first set."""
    for key in (v4, v6):
        if any(is_world(c) for c in as_list(props.get(key))):
            return (key,)
    return (v4,) if v4 in props else ((v6,) if v6 in props else ())


_SG_TYPES = on(
    cfn=["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
    tf=["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
)
_GROUPS = frozenset({"AWS::EC2::SecurityGroup", "aws_security_group"})
_GROUP_OF = {"AWS::EC2::SecurityGroupIngress": "GroupId",
             "aws_security_group_rule": "security_group_id",
             "aws_vpc_security_group_ingress_rule": "security_group_id"}
_RULE_TYPES = frozenset({*_GROUP_OF, "AWS::EC2::SecurityGroupEgress",
                         "aws_vpc_security_group_egress_rule"})
_LOAD_BALANCERS = {"AWS::ElasticLoadBalancingV2::LoadBalancer": "SecurityGroups",
                   "AWS::ElasticLoadBalancing::LoadBalancer": "SecurityGroups",
                   "aws_lb": "security_groups", "aws_alb": "security_groups",
                   "aws_elb": "security_groups"}


def _group(resource: Resource, unit: Unit) -> Resource | None:
    """The security group an ingress resource belongs to (itself for a group), if in the unit."""
    if resource.type in _GROUPS:
        return resource
    attr = _GROUP_OF.get(resource.type)
    targets = unit.refs_of.get(resource.address, {}).get(attr or "", frozenset())
    return next((r for r in unit.of_type(*_GROUPS) if r.ref_key in targets), None)


def behind_load_balancer(resource: Resource, unit: Unit) -> bool:
    """Whether the group of ``resource`` is attached to load balancers and to nothing else.

    A load balancer accepts traffic only on its listener ports, whatever its
    group allows: a group open on every port to the world, used by an ALB alone,
    exposes the listeners (80/443, by design), not every port of a host. Any
    other reference (an instance, a launch template, an ECS service, a Lambda
    function) means hosts may sit behind the group, and the rules judge it as usual.
    Rules of other groups that name it as a source, and its own rule resources, are
    not attachments.
    """
    group = _group(resource, unit)
    if group is None:
        return False
    types = {r.address: r.type for r in unit.resources}
    balancers = 0
    for address, attrs in unit.refs_of.items():
        uses = {attr for attr, refs in attrs.items() if group.ref_key in refs}
        rtype = types.get(address, "")
        if not uses or address == group.address or rtype in _RULE_TYPES or rtype in _GROUPS:
            continue
        if rtype in _LOAD_BALANCERS and uses == {_LOAD_BALANCERS[rtype]}:
            balancers += 1
        else:
            return False
    return balancers > 0


def _all_protocols(protocol: Any) -> bool:
    return str(protocol).lower() in _ALL_PROTOCOLS


def _ports(rule: Ingress) -> tuple[int | Unknown | None, int | Unknown | None]:
    """The port range; ``-1`` to ``-1`` (any port, as EC2 reads it) becomes 0 to 65535."""
    low, high = to_int(rule.from_port), to_int(rule.to_port)
    if low == -1 and high == -1:
        return 0, 65535
    return low, high


def _wide(rule: Ingress) -> bool | None:
    """Whether ``rule`` opens every port (all protocols, 0-65535, or no ports); None: unknown."""
    if _all_protocols(rule.protocol):
        return True
    low, high = _ports(rule)
    if isinstance(low, Unknown) or isinstance(high, Unknown):
        return None
    if low is None and high is None:
        return True  # no ports given: CloudFormation opens the whole protocol
    return (low is not None and low <= 0) and (high is not None and high >= 65535)


class _OpenPorts(Rule):
    """Shared logic: ingress from 0.0.0.0/0 or ::/0 reaching any of ``ports``.

    One flaw, one finding: a rule that opens every port is GATE-AWS-EC2-004's
    alone; the port rules report only ports explicitly inside a narrower range.
    """

    ports: ClassVar[tuple[int, ...]] = ()
    label: ClassVar[str] = ""
    resource_types = _SG_TYPES

    def _reaches(self, rule: Ingress) -> bool | None:
        wide = _wide(rule)
        if wide is not False:
            return None if wide is None else False  # every port: GATE-AWS-EC2-004
        low, high = _ports(rule)
        low = low if low is not None else high
        high = high if high is not None else low
        assert isinstance(low, int) and isinstance(high, int)
        return any(low <= port <= high for port in self.ports)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for rule in _ingress(resource):
            world = [c for c in rule.cidrs if is_world(c)]
            unknown = any(isinstance(c, Unknown) for c in rule.cidrs)
            if not world and not unknown:
                continue
            reaches = self._reaches(rule)
            if reaches is False:
                continue
            if reaches is None or not world:
                yield Undetermined(f"ports or source of an ingress rule are not known "
                                   f"statically ({self.label})", rule.at)
                continue
            yield Violation(f"allows {self.label} from {world[0]}", rule.at)
            return


class SshOpen(_OpenPorts):
    """SSH reachable from the internet."""

    id = "GATE-AWS-EC2-002"
    title = "Security group allows SSH from the internet"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = "SSH open to the world invites brute force and exploitation of sshd."
    fix = "Restrict port 22 to a bastion, VPN range or use SSM Session Manager."
    aliases = ("CKV_AWS_24",)
    ports = (22,)
    label = "SSH (port 22)"


class RdpOpen(_OpenPorts):
    """RDP reachable from the internet."""

    id = "GATE-AWS-EC2-003"
    title = "Security group allows RDP from the internet"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = "RDP open to the world is a leading ransomware entry point."
    fix = "Restrict port 3389 to a VPN range or use Fleet Manager / SSM."
    aliases = ("CKV_AWS_25",)
    ports = (3389,)
    label = "RDP (port 3389)"


class AllPortsOpen(_OpenPorts):
    """Every port reachable from the internet (SSH and RDP included: reported here, once)."""

    id = "GATE-AWS-EC2-004"
    title = "Security group allows all ports from the internet"
    severity = Severity.CRITICAL
    practice = Practice.BLAST_RADIUS
    rationale = "All protocols and ports open to the world exposes every service on the host."
    fix = "Open only the ports the service needs, to the sources that need them."
    aliases = ("CKV_AWS_277", "CKV_AWS_24", "CKV_AWS_25")
    ports = ()
    label = "all ports"

    def _reaches(self, rule: Ingress) -> bool | None:
        return _wide(rule)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if behind_load_balancer(resource, unit):
            return  # the load balancer's listeners bound what is reachable
        yield from super().evaluate(resource, unit)


class AdminPortsOpen(_OpenPorts):
    """Database and administration ports reachable from the internet."""

    id = "GATE-AWS-EC2-005"
    title = "Security group allows a database or admin port from the internet"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = "Databases, caches and control planes are not built to face the internet."
    fix = "Keep data stores and admin endpoints in private subnets; allow only app security groups."
    ports = (23, 1433, 1521, 2375, 2376, 3306, 5432, 5601, 5984, 6379, 6443, 9200, 9300,
             11211, 27017)
    label = "a database or admin port"

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for outcome in super().evaluate(resource, unit):
            if isinstance(outcome, Violation):
                yield outcome
            # unknown ports are already reported by the SSH/RDP rules



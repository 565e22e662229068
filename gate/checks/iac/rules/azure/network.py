"""Azure network exposure: NSG rules open to the internet, database firewalls open to all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from gate.checks.iac.interface import (
    AttrPath,
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
from gate.checks.iac.rules.gcp.network import port_in
from gate.checks.iac.values import MISSING, as_list
from gate.findings import Severity

__all__ = ["DatabaseFirewallOpen", "NsgAllPortsOpen", "NsgRdpOpen", "NsgSshOpen"]

_INTERNET = frozenset({"*", "0.0.0.0", "internet", "any"})  # noqa: S104  # nosec B104 compared, not bound


def is_internet(prefix: Any) -> bool:
    """An NSG source prefix that means everyone (``*``, ``Internet``, ``0.0.0.0/0``...)."""
    return isinstance(prefix, str) and (prefix.strip().lower() in _INTERNET or is_world(prefix))


def _rules(resource: Resource) -> Iterator[tuple[Mapping[str, Any], AttrPath]]:
    if resource.type == "azurerm_network_security_rule":
        yield resource.properties, ()
        return
    for i, rule in enumerate(as_list(resource.properties.get("security_rule"))):
        if isinstance(rule, Mapping):
            yield rule, ("security_rule", i)


def _lower(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) else None


def _every_port(ports: list[Any]) -> bool:
    for spec in ports:
        text = str(spec).strip()
        low, _, high = text.partition("-")
        if text == "*" or (low.isdigit() and high.isdigit() and int(low) <= 1
                           and int(high) >= 65535):
            return True
    return False


class _NsgPort(Rule):
    """One flaw, one finding: a rule open on every port is GATE-AZ-NSG-003's."""

    port: ClassVar[int]
    service: ClassVar[str]
    every_port: ClassVar[bool] = False
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    fix = ("Limit the source to the addresses that administer the VMs, or use Azure Bastion "
           "or just-in-time VM access instead of an open port.")
    resource_types = on(tf=["azurerm_network_security_group", "azurerm_network_security_rule"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for rule, base in _rules(resource):
            if _lower(rule.get("access")) != "allow" or \
                    _lower(rule.get("direction")) != "inbound" or \
                    _lower(rule.get("protocol")) not in ("tcp", "*"):
                continue
            ports = [*as_list(rule.get("destination_port_range")),
                     *as_list(rule.get("destination_port_ranges"))]
            hits = [True if str(p).strip() == "*" else port_in(p, self.port) for p in ports]
            if True not in hits:
                if None in hits:
                    yield Undetermined("the destination ports are not known statically", base)
                continue
            if _every_port(ports) is not self.every_port:
                continue
            for key in ("source_address_prefix", "source_address_prefixes"):
                raw = rule.get(key, MISSING)
                if isinstance(raw, Unknown):
                    yield Undetermined("the source is not known statically", (*base, key))
                    break
                if any(is_internet(p) for p in as_list(raw)):
                    name = rule.get("name") if base else None
                    named = f" in rule {name}" if isinstance(name, str) else ""
                    what = "every port" if self.every_port \
                        else f"port {self.port} ({self.service})"
                    yield Violation(f"allows {what} from the internet{named}",
                                    (*base, key), key=str(base))
                    break


class NsgSshOpen(_NsgPort):
    id = "GATE-AZ-NSG-001"
    title = "Network security group allows SSH (22) from the internet"
    rationale = "SSH open to the internet is scanned and brute-forced within minutes."
    aliases = ("CKV_AZURE_10",)
    port = 22
    service = "SSH"


class NsgRdpOpen(_NsgPort):
    id = "GATE-AZ-NSG-002"
    title = "Network security group allows RDP (3389) from the internet"
    rationale = "RDP open to the internet is a leading ransomware entry point."
    aliases = ("CKV_AZURE_9",)
    port = 3389
    service = "RDP"


class NsgAllPortsOpen(_NsgPort):
    id = "GATE-AZ-NSG-003"
    title = "Network security group allows every port from the internet"
    rationale = ("Every service on the VMs behind the group, including ones started later or "
                 "bound by mistake, is reachable from anywhere.")
    aliases = ("CKV_AZURE_9", "CKV_AZURE_10")
    port = 22  # any port is in "every port"; 22 only drives the shared matching
    service = "every service"
    every_port = True


_FIREWALLS = ["azurerm_sql_firewall_rule", "azurerm_mssql_firewall_rule",
              "azurerm_mysql_firewall_rule", "azurerm_mysql_flexible_server_firewall_rule",
              "azurerm_postgresql_firewall_rule", "azurerm_postgresql_flexible_server_firewall_rule",
              "azurerm_mariadb_firewall_rule", "azurerm_synapse_firewall_rule"]


class DatabaseFirewallOpen(Rule):
    id = "GATE-AZ-SQL-001"
    title = "Database firewall rule admits every address"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = "A rule from 0.0.0.0 to 255.255.255.255 lets any address try to log in."
    fix = ("List the client addresses; 0.0.0.0-0.0.0.0 (Azure services) is narrower, a private "
           "endpoint is better.")
    aliases = ("CKV_AZURE_11",)
    resource_types = on(tf=_FIREWALLS)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        start = resource.properties.get("start_ip_address")
        end = resource.properties.get("end_ip_address")
        if isinstance(start, Unknown) or isinstance(end, Unknown):
            yield Undetermined("the address range is not known statically", ("end_ip_address",))
        elif start == "0.0.0.0" and end == "255.255.255.255":  # noqa: S104  # nosec B104 compared, not bound
            yield Violation("admits every IPv4 address (0.0.0.0 - 255.255.255.255)",
                            ("end_ip_address",))

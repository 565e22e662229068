"""Compute Engine instances: service accounts, metadata switches, Shielded VM."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

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
from gate.checks.iac.rules.gcp.iam import is_default_service_account
from gate.checks.iac.rules.settings import Expect, SettingRule, expects, truthy
from gate.checks.iac.values import MISSING, as_list, dig, first_block, to_bool
from gate.findings import Severity

__all__ = ["BlockProjectSshKeys", "DefaultServiceAccount", "DefaultServiceAccountFullAccess",
           "SerialPortEnabled", "ShieldedVm"]

_INSTANCES = ["google_compute_instance", "google_compute_instance_template",
              "google_compute_instance_from_template", "google_compute_region_instance_template"]
_FULL_SCOPES = frozenset({"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"})


def _account(resource: Resource) -> tuple[Any, bool]:
    """The service account e-mail, and whether it is the default (block without e-mail)."""
    block = first_block(resource.properties.get("service_account", MISSING))
    if block is MISSING or not isinstance(block, Mapping | Unknown):
        return MISSING, False
    email = dig(block, "email")
    if email is MISSING or email is None:
        return "default", True
    if isinstance(email, Unknown):
        return email, False
    return email, isinstance(email, str) and (email.strip().lower() == "default"
                                              or is_default_service_account(email))


def _gke_node(resource: Resource) -> bool:
    name = resource.properties.get("name")
    return isinstance(name, str) and name.startswith("gke-")


class DefaultServiceAccount(Rule):
    """Instances that run as the Compute Engine default service account."""

    id = "GATE-GCP-GCE-001"
    title = "VM runs as the Compute Engine default service account"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("The default service account is shared by every VM that names no other and "
                 "often holds the project Editor role.")
    fix = "Create a service account for the workload with only the roles it needs and set its email."
    aliases = ("CKV_GCP_30",)
    resource_types = on(tf=_INSTANCES)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        email, default = _account(resource)
        if isinstance(email, Unknown):
            yield Undetermined("service_account.email is not known statically",
                               ("service_account",))
        elif default and not _gke_node(resource):
            at = ("service_account", 0, "email") if ("service_account", 0, "email") in \
                resource.lines else ("service_account",)
            yield Violation("runs as the Compute Engine default service account", at)


class DefaultServiceAccountFullAccess(Rule):
    """The default service account with the cloud-platform scope: every API, Editor role."""

    id = "GATE-GCP-GCE-002"
    title = "VM runs as the default service account with full API access"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("With the cloud-platform scope nothing but IAM limits the default account, "
                 "which usually holds Editor: any process on the VM can change the project.")
    fix = "Use a dedicated service account; if the default one must stay, list narrow scopes."
    aliases = ("CKV_GCP_31",)
    resource_types = on(tf=_INSTANCES)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        _email, default = _account(resource)
        if not default or _gke_node(resource):
            return
        scopes = dig(first_block(resource.properties.get("service_account")), "scopes")
        if any(isinstance(s, str) and s.strip() in _FULL_SCOPES for s in as_list(scopes)):
            yield Violation("runs as the default service account with the cloud-platform "
                            "scope (full access to all Cloud APIs)",
                            ("service_account", 0, "scopes"))


def _metadata(resource: Resource, key: str) -> tuple[Any, tuple[str, ...]]:
    metadata = resource.properties.get("metadata", MISSING)
    if isinstance(metadata, Unknown):
        return metadata, ("metadata",)
    if isinstance(metadata, Mapping) and key in metadata:
        return metadata[key], ("metadata", key)
    return MISSING, ("metadata",)


def _on(value: Any) -> bool | Unknown | None:
    if isinstance(value, str) and value.strip() in ("1", "0"):
        return value.strip() == "1"
    return to_bool(value)


class SerialPortEnabled(Rule):
    id = "GATE-GCP-GCE-003"
    title = "VM allows connecting to its serial port"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = ("The interactive serial console accepts connections from any IP address that "
                 "has the SSH key and is not limited by firewall rules.")
    fix = "Remove serial-port-enable from the metadata (or set it to false)."
    aliases = ("CKV_GCP_35",)
    resource_types = on(tf=_INSTANCES)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        value, at = _metadata(resource, "serial-port-enable")
        state = _on(value)
        if isinstance(state, Unknown):
            yield Undetermined("serial-port-enable is not known statically", at)
        elif state is True:
            yield Violation("enables the interactive serial console (serial-port-enable)", at)


class BlockProjectSshKeys(Rule):
    id = "GATE-GCP-GCE-004"
    title = "VM accepts project-wide SSH keys"
    severity = Severity.LOW
    practice = Practice.BLAST_RADIUS
    rationale = ("A project-wide SSH key opens every VM of the project that does not block "
                 "them: one leaked key, every machine.")
    fix = ("Set metadata block-project-ssh-keys = true, or enable-oslogin = TRUE (OS Login "
           "ignores metadata keys).")
    aliases = ("CKV_GCP_32",)
    resource_types = on(tf=_INSTANCES)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if _gke_node(resource):
            return
        block, at = _metadata(resource, "block-project-ssh-keys")
        oslogin, _at = _metadata(resource, "enable-oslogin")
        states = (_on(block), _on(oslogin))
        if True in states:
            return
        if any(isinstance(s, Unknown) for s in states):
            yield Undetermined("block-project-ssh-keys is not known statically", at)
        else:
            yield Violation("does not block project-wide SSH keys (block-project-ssh-keys)", at)


class ShieldedVm(SettingRule):
    id = "GATE-GCP-GCE-005"
    title = "VM with Shielded VM vTPM or integrity monitoring turned off"
    severity = Severity.LOW
    practice = Practice.BLAST_RADIUS
    rationale = ("vTPM and integrity monitoring detect boot-level tampering (rootkits); "
                 "turning them off removes that evidence.")
    fix = "Leave enable_vtpm and enable_integrity_monitoring at their default (true)."
    aliases = ("CKV_GCP_39",)
    resource_types = on(tf=_INSTANCES)
    expects = expects({t: (
        Expect((("shielded_instance_config", "enable_vtpm"),), truthy, True,
               "turns off the Shielded VM vTPM"),
        Expect((("shielded_instance_config", "enable_integrity_monitoring"),),
               truthy, True, "turns off Shielded VM integrity monitoring"),
    ) for t in _INSTANCES})

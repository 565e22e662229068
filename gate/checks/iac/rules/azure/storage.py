"""Azure Storage accounts and containers: TLS, HTTPS only, public blobs, network default."""

from __future__ import annotations

from gate.checks.iac.interface import Practice, Resource, Unit
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import (
    Expect,
    SettingRule,
    at_least_tls,
    equals,
    expects,
    falsy,
    is_one_of,
    read,
    truthy,
)
from gate.findings import Severity

__all__ = ["StorageContainerPublic", "StorageDefaultDeny", "StorageHttpsOnly",
           "StorageMinTls", "StoragePublicBlobs"]

_ACCOUNT = "azurerm_storage_account"


class StorageMinTls(SettingRule):
    id = "GATE-AZ-ST-001"
    title = "Storage account accepts TLS older than 1.2"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "TLS 1.0 and 1.1 have known weaknesses and are retired across Azure."
    fix = "Remove min_tls_version (default TLS1_2) or set it to \"TLS1_2\"."
    aliases = ("CKV_AZURE_44",)
    resource_types = on(tf=[_ACCOUNT])
    expects = expects({_ACCOUNT: Expect((("min_tls_version",),), at_least_tls("1.2"), True,
                                        "accepts TLS older than 1.2 (min_tls_version {value})")})


class StorageHttpsOnly(SettingRule):
    id = "GATE-AZ-ST-002"
    title = "Storage account accepts plain HTTP"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "Requests over HTTP carry data and shared access signatures in clear."
    fix = "Remove https_traffic_only_enabled = false (the default is true)."
    aliases = ("CKV_AZURE_3",)
    resource_types = on(tf=[_ACCOUNT])
    expects = expects({_ACCOUNT: Expect(
        (("https_traffic_only_enabled",), ("enable_https_traffic_only",)), truthy, True,
        "accepts plain HTTP requests (HTTPS only turned off)")})


class StoragePublicBlobs(SettingRule):
    id = "GATE-AZ-ST-003"
    title = "Storage account lets containers be made public"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("When the account allows it, one container set to blob or container access "
                 "serves its blobs to anyone without authentication.")
    fix = "Set allow_nested_items_to_be_public = false (the azurerm default is true)."
    aliases = ("CKV_AZURE_190",)
    resource_types = on(tf=[_ACCOUNT])
    expects = expects({_ACCOUNT: Expect(
        (("allow_nested_items_to_be_public",), ("allow_blob_public_access",)), falsy, False,
        "allows anonymous public access to blobs (allow_nested_items_to_be_public {value}; "
        "the azurerm default is true)")})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        # azurerm 2.x spelled it allow_blob_public_access, defaulting to false
        return read(resource, ("allow_nested_items_to_be_public",)) is None and \
            falsy(read(resource, ("allow_blob_public_access",))) is True


class StorageDefaultDeny(SettingRule):
    id = "GATE-AZ-ST-004"
    title = "Storage account reachable from any network"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = ("With the default network action Allow, anyone holding a key or SAS can use "
                 "the account from any address.")
    fix = ("Add network_rules { default_action = \"Deny\" } with the subnets and addresses that "
           "need access, or set public_network_access_enabled = false (private endpoints).")
    aliases = ("CKV_AZURE_35", "CKV_AZURE_59")
    resource_types = on(tf=[_ACCOUNT, "azurerm_storage_account_network_rules"])
    expects = expects({
        _ACCOUNT: Expect((("network_rules", "default_action"),), equals("Deny"), False,
                         "allows access from any network (network_rules default_action {value})"),
        "azurerm_storage_account_network_rules": Expect(
            (("default_action",),), equals("Deny"), False,
            "allows access from any network (default_action {value})"),
    })

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        if resource.type != _ACCOUNT:
            return False
        if falsy(read(resource, ("public_network_access_enabled",))) is True:
            return True
        # a split-out azurerm_storage_account_network_rules is judged on its own
        return any(unit.referrers(resource, ["azurerm_storage_account_network_rules"], attr)
                   for attr in ("storage_account_id", "storage_account_name"))


class StorageContainerPublic(SettingRule):
    id = "GATE-AZ-ST-005"
    title = "Storage container readable by anyone"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = "A blob or container access level serves the container's blobs without auth."
    fix = "Set container_access_type = \"private\" and share with SAS or Entra ID roles."
    aliases = ("CKV_AZURE_34",)
    resource_types = on(tf=["azurerm_storage_container"])
    expects = expects({"azurerm_storage_container": Expect(
        (("container_access_type",),), is_one_of("blob", "container"), True,
        "is public (container_access_type {value})")})

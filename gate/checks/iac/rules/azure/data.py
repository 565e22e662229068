"""Azure data services: Key Vault, SQL / MySQL / PostgreSQL / MariaDB servers, Redis,
Cosmos DB and Container Registry."""

from __future__ import annotations

from collections.abc import Iterator

from gate.checks.iac.interface import Outcome, Practice, Resource, Undetermined, Unit, Unknown
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import (
    Expect,
    SettingRule,
    at_least_tls,
    equals,
    expects,
    falsy,
    locate,
    read,
    truthy,
)
from gate.checks.iac.values import MISSING
from gate.findings import Severity

__all__ = [
    "AcrAdminUser",
    "AcrAnonymousPull",
    "CosmosPublicNetwork",
    "DatabasePublicNetwork",
    "DatabaseTls",
    "KeyVaultExpiry",
    "KeyVaultPublicNetwork",
    "KeyVaultPurgeProtection",
    "KeyVaultSoftDelete",
    "RedisMinTls",
    "RedisNonTlsPort",
]

_KV = "azurerm_key_vault"


class KeyVaultPurgeProtection(SettingRule):
    id = "GATE-AZ-KV-001"
    title = "Key vault without purge protection"
    severity = Severity.MEDIUM
    practice = Practice.VERSIONING
    rationale = ("Without purge protection a deleted vault and its keys can be purged at once: "
                 "one compromised admin destroys every key and the data they encrypt.")
    fix = "Set purge_protection_enabled = true (it cannot be turned off again)."
    aliases = ("CKV_AZURE_110", "CKV_AZURE_42")
    resource_types = on(tf=[_KV])
    expects = expects({_KV: Expect((("purge_protection_enabled",),), truthy, False,
                                   "does not enable purge protection")})


class KeyVaultSoftDelete(SettingRule):
    id = "GATE-AZ-KV-002"
    title = "Key vault with soft delete turned off"
    severity = Severity.MEDIUM
    practice = Practice.VERSIONING
    rationale = ("Soft delete keeps deleted keys and secrets recoverable; Azure made it "
                 "mandatory, and azurerm 3.0 removed the argument, so false no longer applies.")
    fix = "Remove soft_delete_enabled; set soft_delete_retention_days (7 to 90)."
    aliases = ("CKV_AZURE_111",)
    resource_types = on(tf=[_KV])
    expects = expects({_KV: Expect((("soft_delete_enabled",),), truthy, True,
                                   "turns soft delete off (soft_delete_enabled false)")})


class KeyVaultPublicNetwork(SettingRule):
    id = "GATE-AZ-KV-003"
    title = "Key vault reachable from any network"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "A vault open to every network is one leaked credential away from its secrets."
    fix = ("Set public_network_access_enabled = false (private endpoint), or network_acls "
           "{ default_action = \"Deny\" } with the allowed addresses.")
    aliases = ("CKV_AZURE_189",)
    resource_types = on(tf=[_KV])
    expects = expects({_KV: Expect((("public_network_access_enabled",),), falsy, False,
                                   "is reachable from any network (public network access on, "
                                   "no network_acls default Deny)")})

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        action = read(resource, ("network_acls", "default_action"))
        if equals("Deny")(action) is True:
            return  # the vault firewall admits only the listed networks
        if isinstance(action, Unknown) and \
                truthy(read(resource, ("public_network_access_enabled",))) is not False:
            yield Undetermined("network_acls default_action is not known statically",
                               locate(resource, ("network_acls", "default_action")))
            return
        yield from super().evaluate(resource, unit)


_EXPIRING = ("azurerm_key_vault_key", "azurerm_key_vault_secret")


class KeyVaultExpiry(SettingRule):
    id = "GATE-AZ-KV-004"
    title = "Key Vault key or secret without an expiration date"
    severity = Severity.LOW
    practice = Practice.SECRETS
    rationale = ("A key or secret without expiry is never forced to rotate: a leaked one stays "
                 "valid for good.")
    fix = "Set expiration_date (and a rotation_policy for keys)."
    aliases = ("CKV_AZURE_40", "CKV_AZURE_41")
    resource_types = on(tf=list(_EXPIRING))
    expects = expects({
        "azurerm_key_vault_key": Expect((("expiration_date",),), lambda v: bool(v), False,
                                        "has no expiration_date", aliases=("CKV_AZURE_40",)),
        "azurerm_key_vault_secret": Expect((("expiration_date",),), lambda v: bool(v), False,
                                           "has no expiration_date", aliases=("CKV_AZURE_41",)),
    })


_SINGLE = {"azurerm_mysql_server": ("CKV_AZURE_28", "CKV_AZURE_54"),
           "azurerm_postgresql_server": ("CKV_AZURE_29", "CKV_AZURE_147"),
           "azurerm_mariadb_server": ("CKV_AZURE_47", "")}


def _single(rtype: str) -> tuple[Expect, ...]:
    ssl, tls = _SINGLE[rtype]
    checks = [Expect((("ssl_enforcement_enabled",),), truthy, False,
                     "accepts unencrypted connections (ssl_enforcement_enabled {value})",
                     aliases=(ssl,))]
    if tls:
        checks.append(Expect((("ssl_minimal_tls_version_enforced",),), at_least_tls("1.2"), True,
                             "accepts TLS older than 1.2 (ssl_minimal_tls_version_enforced "
                             "{value})", aliases=(tls,)))
    return tuple(checks)


class DatabaseTls(SettingRule):
    id = "GATE-AZ-DB-001"
    title = "Database server accepts unencrypted or old-TLS connections"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "Without enforced TLS 1.2, credentials and data can cross the network in clear."
    fix = ("Set ssl_enforcement_enabled = true and ssl_minimal_tls_version_enforced = "
           "\"TLS1_2\"; for SQL, leave minimum_tls_version at \"1.2\".")
    aliases = ("CKV_AZURE_28", "CKV_AZURE_29", "CKV_AZURE_47", "CKV_AZURE_52", "CKV_AZURE_54",
               "CKV_AZURE_147")
    resource_types = on(tf=[*_SINGLE, "azurerm_mssql_server"])
    expects = expects({
        **{t: _single(t) for t in _SINGLE},
        "azurerm_mssql_server": Expect((("minimum_tls_version",),), at_least_tls("1.2"), True,
                                       "accepts TLS older than 1.2 (minimum_tls_version "
                                       "{value})", aliases=("CKV_AZURE_52",)),
    })


_PUBLIC_DB = {"azurerm_mssql_server": "CKV_AZURE_113", "azurerm_mysql_server": "CKV_AZURE_53",
              "azurerm_postgresql_server": "CKV_AZURE_68", "azurerm_mariadb_server": "CKV_AZURE_48"}


class DatabasePublicNetwork(SettingRule):
    id = "GATE-AZ-DB-002"
    title = "Database server reachable over its public endpoint"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = ("With public network access on (the default), the server's public endpoint "
                 "accepts connections from whatever its firewall rules allow.")
    fix = "Set public_network_access_enabled = false and connect through a private endpoint."
    aliases = tuple(sorted(_PUBLIC_DB.values()))
    resource_types = on(tf=list(_PUBLIC_DB))
    expects = expects({t: Expect((("public_network_access_enabled",),), falsy, False,
                                 "has public network access on (public_network_access_enabled "
                                 "{value}; the default is true)", aliases=(a,))
                       for t, a in _PUBLIC_DB.items()})


_REDIS = "azurerm_redis_cache"


class RedisNonTlsPort(SettingRule):
    id = "GATE-AZ-REDIS-001"
    title = "Azure Cache for Redis with the non-TLS port open"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "Port 6379 carries the access key and every command in clear."
    fix = "Remove non_ssl_port_enabled / enable_non_ssl_port (default false)."
    aliases = ("CKV_AZURE_91",)
    resource_types = on(tf=[_REDIS])
    expects = expects({_REDIS: Expect((("non_ssl_port_enabled",), ("enable_non_ssl_port",)),
                                      falsy, True, "opens the non-TLS port 6379")})


class RedisMinTls(SettingRule):
    id = "GATE-AZ-REDIS-002"
    title = "Azure Cache for Redis accepts TLS older than 1.2"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "TLS 1.0 and 1.1 have known weaknesses; Azure Cache for Redis retired them."
    fix = "Set minimum_tls_version = \"1.2\"."
    aliases = ("CKV_AZURE_148",)
    resource_types = on(tf=[_REDIS])
    expects = expects({_REDIS: Expect((("minimum_tls_version",),), at_least_tls("1.2"), True,
                                      "accepts TLS older than 1.2 (minimum_tls_version "
                                      "{value})")})


_COSMOS = "azurerm_cosmosdb_account"


class CosmosPublicNetwork(SettingRule):
    id = "GATE-AZ-COSMOS-001"
    title = "Cosmos DB account reachable from any network"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = "An account open to every network is one leaked key away from its data."
    fix = ("Set public_network_access_enabled = false (private endpoint), or restrict it with "
           "ip_range_filter / is_virtual_network_filter_enabled.")
    aliases = ("CKV_AZURE_101",)
    resource_types = on(tf=[_COSMOS])
    expects = expects({_COSMOS: Expect((("public_network_access_enabled",),), falsy, False,
                                       "is reachable from any network (public network access "
                                       "on, no IP or network filter)")})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        if truthy(read(resource, ("public_network_access_enabled",))) is False:
            return False
        ranges = read(resource, ("ip_range_filter",))
        return (bool(ranges) and not isinstance(ranges, bool)) or \
            truthy(read(resource, ("is_virtual_network_filter_enabled",))) is True


_ACR = "azurerm_container_registry"


class AcrAdminUser(SettingRule):
    id = "GATE-AZ-ACR-001"
    title = "Container registry with the admin user enabled"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("The admin user is one shared credential with push and pull rights, not tied "
                 "to any identity or audit trail.")
    fix = "Set admin_enabled = false and use managed identities or tokens with scope maps."
    aliases = ("CKV_AZURE_137",)
    resource_types = on(tf=[_ACR])
    expects = expects({_ACR: Expect((("admin_enabled",),), falsy, True,
                                    "enables the shared admin user")})


class AcrAnonymousPull(SettingRule):
    id = "GATE-AZ-ACR-002"
    title = "Container registry allows anonymous pulls"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = "Anonymous pull lets anyone on the internet download every image."
    fix = "Remove anonymous_pull_enabled (default false)."
    aliases = ("CKV_AZURE_138",)
    resource_types = on(tf=[_ACR])
    expects = expects({_ACR: Expect((("anonymous_pull_enabled",),), falsy, True,
                                    "allows anonymous (unauthenticated) pulls")})

    def exempt(self, resource: Resource, unit: Unit) -> bool:
        # only the Standard and Premium tiers serve anonymous pulls; Basic ignores the flag
        sku = read(resource, ("sku",))
        return (isinstance(sku, str) and sku.strip().lower() not in ("standard", "premium")) \
            or sku is MISSING or isinstance(sku, list)

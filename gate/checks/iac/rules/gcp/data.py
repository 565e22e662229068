"""Google Cloud data services: Cloud Storage, Cloud SQL, Memorystore, Cloud KMS."""

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
from gate.checks.iac.rules.aws.ec2 import is_world
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import Expect, SettingRule, equals, expects, read, truthy
from gate.checks.iac.values import MISSING, as_list, to_int
from gate.findings import Severity

__all__ = ["CloudSqlPublicIp", "CloudSqlTls", "CloudSqlWorldNetwork", "GcsUniformAccess",
           "KmsRotation", "RedisAuth", "RedisTransitEncryption"]

_SQL = "google_sql_database_instance"


class GcsUniformAccess(SettingRule):
    id = "GATE-GCP-GCS-001"
    title = "Cloud Storage bucket without uniform bucket-level access"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("With fine-grained access every object carries its own ACL: one public "
                 "object ACL publishes it, whatever the bucket's IAM says.")
    fix = "Set uniform_bucket_level_access = true and grant access with IAM only."
    aliases = ("CKV_GCP_29",)
    resource_types = on(tf=["google_storage_bucket"])
    expects = expects({"google_storage_bucket": Expect(
        (("uniform_bucket_level_access",),), truthy, False,
        "does not enable uniform bucket-level access: object ACLs stay in force")})


class CloudSqlPublicIp(SettingRule):
    id = "GATE-GCP-SQL-001"
    title = "Cloud SQL instance with a public IP address"
    severity = Severity.MEDIUM
    practice = Practice.BLAST_RADIUS
    rationale = ("A public IP exposes the instance to the internet, limited only by its "
                 "authorised networks and the Cloud SQL connectors.")
    fix = ("Set settings.ip_configuration { ipv4_enabled = false, private_network = ... } and "
           "connect over private IP (or Private Service Connect).")
    aliases = ("CKV_GCP_60",)
    resource_types = on(tf=[_SQL])
    expects = expects({_SQL: Expect(
        (("settings", "ip_configuration", "ipv4_enabled"),), lambda v: truthy(v) is False,
        False, "has a public IPv4 address (ipv4_enabled is {value}; the default is true)")})


class CloudSqlWorldNetwork(Rule):
    id = "GATE-GCP-SQL-002"
    title = "Cloud SQL instance open to the whole internet"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = "An authorised network of 0.0.0.0/0 lets any address try to log in."
    fix = "List only the addresses that must connect, or use private IP and the Auth Proxy."
    aliases = ("CKV_GCP_11",)
    resource_types = on(tf=[_SQL])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        networks = read(resource, ("settings", "ip_configuration", "authorized_networks"))
        for i, network in enumerate(as_list(networks)):
            value = network.get("value") if isinstance(network, Mapping) else network
            if isinstance(value, Unknown):
                yield Undetermined("an authorised network is not known statically",
                                   ("settings", 0, "ip_configuration", 0,
                                    "authorized_networks", i))
            elif is_world(value):
                at = ("settings", 0, "ip_configuration", 0, "authorized_networks", i, "value")
                yield Violation(f"authorises {value}: the whole internet can connect",
                                at if at in resource.lines else at[:-1])
                return


_TLS_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


class CloudSqlTls(Rule):
    id = "GATE-GCP-SQL-003"
    title = "Cloud SQL instance accepts unencrypted connections"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = ("The default ssl_mode ALLOW_UNENCRYPTED_AND_ENCRYPTED accepts clients that do "
                 "not use TLS (direct connections; the connectors always encrypt).")
    fix = ("Set settings.ip_configuration.ssl_mode = \"ENCRYPTED_ONLY\" (or "
           "TRUSTED_CLIENT_CERTIFICATE_REQUIRED); require_ssl was removed in provider 6.0.")
    aliases = ("CKV_GCP_6",)
    resource_types = on(tf=[_SQL])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        base = ("settings", "ip_configuration")
        mode = read(resource, (*base, "ssl_mode"))
        legacy = read(resource, (*base, "require_ssl"))
        if isinstance(mode, Unknown) or (mode is MISSING and isinstance(legacy, Unknown)):
            yield Undetermined("ssl_mode is not known statically",
                               ("settings", 0, "ip_configuration"))
            return
        if mode is not MISSING and mode is not None:
            if equals(*_TLS_MODES)(mode):
                return
            at: tuple[str | int, ...] = ("settings", 0, "ip_configuration", 0, "ssl_mode")
            yield Violation(f"accepts unencrypted connections (ssl_mode {mode})", at)
            return
        if truthy(legacy) is True:
            return
        at = ("settings", 0, "ip_configuration", 0, "require_ssl")
        if at not in resource.lines:
            at = ("settings", 0, "ip_configuration") if ("settings", 0, "ip_configuration", 0) \
                in resource.lines or ("settings", 0, "ip_configuration") in resource.lines \
                else ("settings",)
        yield Violation("accepts unencrypted connections (no ssl_mode ENCRYPTED_ONLY)", at)


_NINETY_DAYS = 90 * 24 * 3600
_ASYMMETRIC = frozenset({"ASYMMETRIC_SIGN", "ASYMMETRIC_DECRYPT", "RAW_ENCRYPT_DECRYPT", "MAC"})


def _seconds(value: Any) -> int | Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value.strip().endswith("s"):
        number = to_int(value.strip()[:-1].split(".")[0])
        return number if isinstance(number, int) else None
    return None


class KmsRotation(Rule):
    id = "GATE-GCP-KMS-001"
    title = "Cloud KMS key not rotated at least every 90 days"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_AT_REST
    rationale = ("A symmetric key without a rotation period keeps encrypting with one key "
                 "version forever, so one leaked version decrypts everything.")
    fix = "Set rotation_period = \"7776000s\" (90 days) or shorter."
    aliases = ("CKV_GCP_43",)
    resource_types = on(tf=["google_kms_crypto_key"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        purpose = resource.properties.get("purpose")
        if isinstance(purpose, str) and purpose.upper() in _ASYMMETRIC:
            return  # Cloud KMS does not rotate these automatically
        raw = resource.properties.get("rotation_period", MISSING)
        if raw is MISSING or raw is None:
            yield Violation("has no rotation_period: the key is never rotated")
            return
        seconds = _seconds(raw)
        if isinstance(seconds, Unknown):
            yield Undetermined("rotation_period is not known statically", ("rotation_period",))
        elif seconds is None or seconds > _NINETY_DAYS:
            yield Violation(f"rotates every {raw}, longer than 90 days", ("rotation_period",))


_REDIS = "google_redis_instance"


class RedisAuth(SettingRule):
    id = "GATE-GCP-REDIS-001"
    title = "Memorystore for Redis instance without AUTH"
    severity = Severity.MEDIUM
    practice = Practice.AUTHENTICATED_APIS
    rationale = "Without AUTH any client that reaches the network address can read and write."
    fix = "Set auth_enabled = true and give clients the AUTH string from Secret Manager."
    aliases = ("CKV_GCP_95",)
    resource_types = on(tf=[_REDIS])
    expects = expects({_REDIS: Expect((("auth_enabled",),), truthy, False,
                                      "does not require AUTH (auth_enabled)")})


class RedisTransitEncryption(SettingRule):
    id = "GATE-GCP-REDIS-002"
    title = "Memorystore for Redis instance without in-transit encryption"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "Without TLS, data and the AUTH string cross the network in clear."
    fix = "Set transit_encryption_mode = \"SERVER_AUTHENTICATION\"."
    aliases = ("CKV_GCP_97",)
    resource_types = on(tf=[_REDIS])
    expects = expects({_REDIS: Expect((("transit_encryption_mode",),),
                                      equals("SERVER_AUTHENTICATION"), False,
                                      "does not encrypt in transit (transit_encryption_mode "
                                      "{value})")})

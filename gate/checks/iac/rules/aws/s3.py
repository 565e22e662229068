"""S3 buckets: encryption, versioning, access logs, TLS-only policies (public access:
:mod:`.s3_public`).

Terraform AWS provider v4+ moved most bucket settings into separate resources
(``aws_s3_bucket_server_side_encryption_configuration`` and friends) that name
the bucket in their ``bucket`` argument; every rule here accepts either the
old inline block or a split resource pointing back at the bucket.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

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
from gate.checks.iac.rules.aws.policy import Statement, policy_of
from gate.checks.iac.rules.base import on, truth
from gate.checks.iac.values import MISSING, as_list, dig, first_block
from gate.findings import Severity

__all__ = [
    "BUCKET",
    "S3AccessLogging",
    "S3DefaultEncryption",
    "S3TlsOnlyPolicy",
    "S3Versioning",
    "split_resources",
]

BUCKET = on(cfn=["AWS::S3::Bucket"], tf=["aws_s3_bucket"])
_ALGORITHMS = frozenset({"AES256", "aws:kms", "aws:kms:dsse"})


def split_resources(res: Resource, unit: Unit, suffix: str) -> list[Resource]:
    """Terraform split-out resources (``aws_s3_bucket_<suffix>``) that point at ``res``."""
    return unit.referrers(res, [f"aws_s3_bucket_{suffix}"], "bucket")



def _algorithm_outcome(algorithms: Iterable[tuple[Any, Resource | None, AttrPath]]
                       ) -> Outcome | None:
    """None when every stated algorithm is valid; a violation where an invalid one is written."""
    for algorithm, written, at in algorithms:
        if isinstance(algorithm, Unknown):
            return Undetermined("encryption algorithm is not known statically", at)
        if algorithm not in _ALGORITHMS:
            shown = algorithm if isinstance(algorithm, str) else "no algorithm"
            return Violation(f"sets default encryption to {shown!s:.40}, which is not SSE-S3 "
                             "or SSE-KMS", at, written=written)
    return None


class S3DefaultEncryption(Rule):
    """A stated default encryption must name SSE-S3 or SSE-KMS.

    Premise (checked 2026-11-30): since 2023-01-05 S3 encrypts every new object
    with SSE-S3 when a bucket states nothing, so a bucket without an encryption
    configuration is encrypted at rest and passes. What remains wrong is a
    configuration that names something else.
    """

    id = "GATE-AWS-S3-001"
    title = "S3 bucket default encryption not SSE-S3 or SSE-KMS"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_AT_REST
    rationale = ("S3 applies SSE-S3 by default since January 2023; a configuration that "
                 "names another algorithm is a mistake the apply or a reader trips on.")
    fix = "Set sse_algorithm / SSEAlgorithm to AES256 or aws:kms (or remove the configuration)."
    aliases = ("CKV_AWS_19",)
    resource_types = BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        found: list[tuple[Any, Resource | None, AttrPath]] = []
        if resource.framework is Framework.CLOUDFORMATION:
            config = dig(p, "BucketEncryption", "ServerSideEncryptionConfiguration")
            if isinstance(config, Unknown):
                yield Undetermined("BucketEncryption is not known statically", ("BucketEncryption",))
                return
            for i, rule in enumerate(as_list(config)):
                found.append((dig(rule, "ServerSideEncryptionByDefault", "SSEAlgorithm"), None,
                              ("BucketEncryption", "ServerSideEncryptionConfiguration", i)))
        else:
            sources: list[tuple[Any, Resource | None, AttrPath]] = [
                (first_block(p.get("server_side_encryption_configuration", MISSING)), None,
                 ("server_side_encryption_configuration", 0, "rule", 0))]
            sources += [(s.properties, s, ("rule", 0)) for s in
                        split_resources(resource, unit, "server_side_encryption_configuration")]
            for block, written, at in sources:
                for i, rule in enumerate(as_list(dig(block, "rule"))):
                    found.append((dig(first_block(dig(rule, "apply_server_side_encryption_by_default")),
                                      "sse_algorithm"), written,
                                  (*at[:-2], "rule", i, "apply_server_side_encryption_by_default",
                                   0, "sse_algorithm")))
        outcome = _algorithm_outcome(a for a in found if a[0] is not MISSING or a[1] is not None)
        if outcome is not None:
            yield outcome


class S3Versioning(Rule):
    """Versioning keeps overwritten and deleted objects recoverable."""

    id = "GATE-AWS-S3-004"
    title = "S3 bucket without versioning"
    severity = Severity.MEDIUM
    practice = Practice.VERSIONING
    rationale = "Without versioning an overwrite, a delete or ransomware loses data for good."
    fix = "Enable versioning (VersioningConfiguration Status Enabled / aws_s3_bucket_versioning)."
    aliases = ("CKV_AWS_21",)
    resource_types = BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.framework is Framework.CLOUDFORMATION:
            statuses = [dig(p, "VersioningConfiguration", "Status")]
        else:
            inline = truth(dig(first_block(p.get("versioning", MISSING)), "enabled"), False)
            statuses = ["Enabled" if inline is True else inline]
            statuses += [dig(first_block(s.properties.get("versioning_configuration", MISSING)),
                             "status") for s in split_resources(resource, unit, "versioning")]
        if "Enabled" in statuses:
            return
        if any(isinstance(s, Unknown) for s in statuses):
            yield Undetermined("versioning status is not known statically")
            return
        yield Violation("does not enable versioning")


def _is_log_target(resource: Resource, unit: Unit) -> bool:
    """Buckets receiving other buckets' access logs are exempt: logging them would loop."""
    if resource.framework is Framework.CLOUDFORMATION:
        if resource.properties.get("AccessControl") == "LogDeliveryWrite":
            return True
        for other in unit.of_type("AWS::S3::Bucket"):
            target = dig(other.properties, "LoggingConfiguration", "DestinationBucketName")
            if other is not resource and isinstance(target, Unknown) \
                    and resource.ref_key in target.refs:
                return True
        return False
    for log in unit.of_type("aws_s3_bucket_logging"):
        if resource.ref_key in unit.refs_of.get(log.address, {}).get("target_bucket", set()):
            return True
    for other in unit.of_type("aws_s3_bucket"):
        target = dig(first_block(other.properties.get("logging", MISSING)), "target_bucket")
        if isinstance(target, Unknown) and resource.ref_key in target.refs:
            return True
    return False


class S3AccessLogging(Rule):
    """Server access logs record who read or changed what."""

    id = "GATE-AWS-S3-005"
    title = "S3 bucket without access logging"
    severity = Severity.MEDIUM
    practice = Practice.AUDIT_LOGGING
    rationale = "Without access logs a data leak cannot be investigated."
    fix = "Add LoggingConfiguration (aws_s3_bucket_logging) pointing at a log bucket."
    aliases = ("CKV_AWS_18",)
    resource_types = BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.framework is Framework.CLOUDFORMATION:
            configured = p.get("LoggingConfiguration", MISSING) is not MISSING
        else:
            configured = p.get("logging", MISSING) is not MISSING \
                or bool(split_resources(resource, unit, "logging"))
        if not configured and not _is_log_target(resource, unit):
            yield Violation("has no access logging")


def _denies_plain_http(statements: Iterable[Statement | Unknown]) -> bool | None:
    unknown = False
    for st in statements:
        if isinstance(st, Unknown):
            unknown = True
            continue
        if st.effect != "Deny":
            continue
        cond = st.condition
        if isinstance(cond, list):  # Terraform condition blocks
            for block in cond:
                if isinstance(block, Mapping) and block.get("test") == "Bool" \
                        and block.get("variable") == "aws:SecureTransport" \
                        and [str(v).lower() for v in as_list(block.get("values"))] == ["false"]:
                    return True
        elif str(dig(cond, "Bool", "aws:SecureTransport")).lower() == "false":
            return True
    return None if unknown else False


class S3TlsOnlyPolicy(Rule):
    """A bucket policy must refuse requests not made over TLS."""

    id = "GATE-AWS-S3-006"
    title = "S3 bucket policy does not deny plain HTTP"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "S3 accepts plain HTTP requests unless a policy denies aws:SecureTransport=false."
    fix = "Add a Deny statement for all principals with Condition Bool aws:SecureTransport false."
    resource_types = BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if resource.framework is Framework.CLOUDFORMATION:
            policies = unit.referrers(resource, ["AWS::S3::BucketPolicy"], "Bucket")
            attr = "PolicyDocument"
        else:
            policies = split_resources(resource, unit, "policy")
            attr = "policy"
        verdicts = [_denies_plain_http(policy_of(p, attr, unit)) for p in policies]
        if True in verdicts:
            return
        if None in verdicts:
            yield Undetermined("bucket policy is not known statically")
            return
        yield Violation("has no bucket policy denying requests without TLS "
                        "(aws:SecureTransport=false)")

"""S3 buckets: encryption, public access, versioning, access logs, TLS-only policies.

Terraform AWS provider v4+ moved most bucket settings into separate resources
(``aws_s3_bucket_server_side_encryption_configuration`` and friends) that name
the bucket in their ``bucket`` argument; every rule here accepts either the
old inline block or a split resource pointing back at the bucket.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
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
    "S3AccessLogging",
    "S3DefaultEncryption",
    "S3PublicAccessBlock",
    "S3PublicAcl",
    "S3TlsOnlyPolicy",
    "S3Versioning",
]

_BUCKET = on(cfn=["AWS::S3::Bucket"], tf=["aws_s3_bucket"])
_ALGORITHMS = frozenset({"AES256", "aws:kms", "aws:kms:dsse"})


def _split(res: Resource, unit: Unit, suffix: str) -> list[Resource]:
    """Terraform split-out resources (``aws_s3_bucket_<suffix>``) that point at ``res``."""
    return unit.referrers(res, [f"aws_s3_bucket_{suffix}"], "bucket")


def _algorithm_outcome(algorithms: Iterable[Any]) -> Outcome | None:
    """None when one rule sets a known algorithm; Undetermined when one is unknown."""
    seen_unknown = False
    for algorithm in algorithms:
        if algorithm in _ALGORITHMS:
            return None
        seen_unknown = seen_unknown or isinstance(algorithm, Unknown)
    if seen_unknown:
        return Undetermined("encryption algorithm is not known statically")
    return Violation("has no default encryption")


class S3DefaultEncryption(Rule):
    """Buckets must encrypt objects at rest by default (SSE-S3 or SSE-KMS)."""

    id = "GATE-AWS-S3-001"
    title = "S3 bucket without default encryption"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_AT_REST
    rationale = "Unencrypted objects are readable by anyone who obtains the underlying storage."
    fix = "Add a server-side encryption configuration with AES256 or aws:kms."
    aliases = ("CKV_AWS_19",)
    resource_types = _BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.framework is Framework.CLOUDFORMATION:
            config = dig(p, "BucketEncryption", "ServerSideEncryptionConfiguration")
            if isinstance(config, Unknown):
                yield Undetermined("BucketEncryption is not known statically", ("BucketEncryption",))
                return
            algorithms = [dig(r, "ServerSideEncryptionByDefault", "SSEAlgorithm")
                          for r in as_list(config)]
        else:
            blocks = [first_block(p.get("server_side_encryption_configuration", MISSING))]
            blocks += [s.properties for s in _split(resource, unit,
                                                    "server_side_encryption_configuration")]
            algorithms = [dig(first_block(dig(rule, "apply_server_side_encryption_by_default")),
                              "sse_algorithm")
                          for block in blocks for rule in as_list(dig(block, "rule"))]
        outcome = _algorithm_outcome(algorithms)
        if outcome is not None:
            yield outcome


class S3PublicAccessBlock(Rule):
    """All four public access block settings must be on for every bucket."""

    id = "GATE-AWS-S3-002"
    title = "S3 bucket without a full public access block"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = "Without a public access block one ACL or policy mistake makes the bucket public."
    fix = ("Set BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets "
           "(aws_s3_bucket_public_access_block in Terraform).")
    aliases = ("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6")
    resource_types = _BUCKET

    _CFN = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    _TF = ("block_public_acls", "block_public_policy", "ignore_public_acls",
           "restrict_public_buckets")

    def _judge(self, config: Mapping[str, Any], keys: tuple[str, ...],
               where: str) -> Outcome | None:
        off = []
        for key in keys:
            value = truth(config.get(key), default=False)
            if isinstance(value, Unknown):
                return Undetermined(f"{key} is not known statically")
            if not value:
                off.append(key)
        if off:
            return Violation(f"has a public access block{where} that does not set "
                             f"{', '.join(off)}")
        return None

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if resource.framework is Framework.CLOUDFORMATION:
            config = resource.properties.get("PublicAccessBlockConfiguration", MISSING)
            if isinstance(config, Unknown):
                yield Undetermined("PublicAccessBlockConfiguration is not known statically")
            elif not isinstance(config, Mapping):
                yield Violation("has no public access block")
            else:
                outcome = self._judge(config, self._CFN, "")
                if outcome is not None:
                    yield Violation(outcome.detail, ("PublicAccessBlockConfiguration",)) \
                        if isinstance(outcome, Violation) else outcome
            return
        account = [r for r in unit.of_type("aws_s3_account_public_access_block")
                   if self._judge(r.properties, self._TF, "") is None]
        if account:
            return
        blocks = _split(resource, unit, "public_access_block")
        if not blocks:
            yield Violation("has no aws_s3_bucket_public_access_block")
        for block in blocks:
            outcome = self._judge(block.properties, self._TF, f" ({block.address})")
            if outcome is not None:
                yield outcome


_PUBLIC_ACLS = {"PublicRead": "public read", "PublicReadWrite": "public read and write",
                "AuthenticatedRead": "read by any AWS account",
                "public-read": "public read", "public-read-write": "public read and write",
                "authenticated-read": "read by any AWS account"}
_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


class S3PublicAcl(Rule):
    """Canned ACLs and grants must not open a bucket to everyone."""

    id = "GATE-AWS-S3-003"
    title = "S3 bucket with a public ACL"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = "A public-read or public-read-write ACL exposes (or lets anyone replace) objects."
    fix = "Use the private ACL (or none, with BucketOwnerEnforced ownership) and serve via CloudFront."
    aliases = ("CKV_AWS_20", "CKV_AWS_57")
    resource_types = _BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.framework is Framework.CLOUDFORMATION:
            acl = p.get("AccessControl")
            if isinstance(acl, str) and acl in _PUBLIC_ACLS:
                yield Violation(f"has ACL {acl} ({_PUBLIC_ACLS[acl]})", ("AccessControl",))
            return
        acl = p.get("acl")
        if isinstance(acl, str) and acl in _PUBLIC_ACLS:
            yield Violation(f"has ACL {acl} ({_PUBLIC_ACLS[acl]})", ("acl",))
        for split in _split(resource, unit, "acl"):
            split_acl = split.properties.get("acl")
            if isinstance(split_acl, str) and split_acl in _PUBLIC_ACLS:
                yield Violation(f"has ACL {split_acl} ({_PUBLIC_ACLS[split_acl]}) "
                                f"set by {split.address}", key=split.address)
            elif any(g in repr(split.properties.get("access_control_policy"))
                     for g in _PUBLIC_GRANTEES):
                yield Violation(f"grants access to all users through {split.address}",
                                key=split.address)


class S3Versioning(Rule):
    """Versioning keeps overwritten and deleted objects recoverable."""

    id = "GATE-AWS-S3-004"
    title = "S3 bucket without versioning"
    severity = Severity.MEDIUM
    practice = Practice.VERSIONING
    rationale = "Without versioning an overwrite, a delete or ransomware loses data for good."
    fix = "Enable versioning (VersioningConfiguration Status Enabled / aws_s3_bucket_versioning)."
    aliases = ("CKV_AWS_21",)
    resource_types = _BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.framework is Framework.CLOUDFORMATION:
            statuses = [dig(p, "VersioningConfiguration", "Status")]
        else:
            inline = truth(dig(first_block(p.get("versioning", MISSING)), "enabled"), False)
            statuses = ["Enabled" if inline is True else inline]
            statuses += [dig(first_block(s.properties.get("versioning_configuration", MISSING)),
                             "status") for s in _split(resource, unit, "versioning")]
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
                    and resource.address in target.refs:
                return True
        return False
    for log in unit.of_type("aws_s3_bucket_logging"):
        if resource.address in unit.refs_of.get(log.address, {}).get("target_bucket", set()):
            return True
    for other in unit.of_type("aws_s3_bucket"):
        target = dig(first_block(other.properties.get("logging", MISSING)), "target_bucket")
        if isinstance(target, Unknown) and resource.address in target.refs:
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
    resource_types = _BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.framework is Framework.CLOUDFORMATION:
            configured = p.get("LoggingConfiguration", MISSING) is not MISSING
        else:
            configured = p.get("logging", MISSING) is not MISSING \
                or bool(_split(resource, unit, "logging"))
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
    resource_types = _BUCKET

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if resource.framework is Framework.CLOUDFORMATION:
            policies = unit.referrers(resource, ["AWS::S3::BucketPolicy"], "Bucket")
            attr = "PolicyDocument"
        else:
            policies = _split(resource, unit, "policy")
            attr = "policy"
        verdicts = [_denies_plain_http(policy_of(p, attr, unit)) for p in policies]
        if True in verdicts:
            return
        if None in verdicts:
            yield Undetermined("bucket policy is not known statically")
            return
        yield Violation("has no bucket policy denying requests without TLS "
                        "(aws:SecureTransport=false)")

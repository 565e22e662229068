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
    resource_types = _BUCKET

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
                        _split(resource, unit, "server_side_encryption_configuration")]
            for block, written, at in sources:
                for i, rule in enumerate(as_list(dig(block, "rule"))):
                    found.append((dig(first_block(dig(rule, "apply_server_side_encryption_by_default")),
                                      "sse_algorithm"), written,
                                  (*at[:-2], "rule", i, "apply_server_side_encryption_by_default",
                                   0, "sse_algorithm")))
        outcome = _algorithm_outcome(a for a in found if a[0] is not MISSING or a[1] is not None)
        if outcome is not None:
            yield outcome


class S3PublicAccessBlock(Rule):
    """A bucket's public access block must not turn off the settings that stop public grants.

    Premise (checked 2026-11-30): since April 2023 every new bucket starts with all
    four Block Public Access settings on, so a bucket without a public access block
    is protected. A public access block resource (or CloudFormation
    ``PublicAccessBlockConfiguration``) replaces that default as a whole: any of
    ``BlockPublicAcls`` / ``BlockPublicPolicy`` it sets to false or leaves out is off.
    """

    id = "GATE-AWS-S3-002"
    title = "S3 public access block turned off"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = ("New buckets block public ACLs and policies by default; a public access block "
                 "that turns that off lets one ACL or policy mistake publish the bucket.")
    fix = ("Remove the public access block (the default blocks everything) or set "
           "BlockPublicAcls and BlockPublicPolicy (block_public_acls, block_public_policy) to true.")
    aliases = ("CKV_AWS_53", "CKV_AWS_54", "CKV2_AWS_6")
    resource_types = _BUCKET

    _CFN = ("BlockPublicAcls", "BlockPublicPolicy")
    _TF = ("block_public_acls", "block_public_policy")

    def _judge(self, config: Mapping[str, Any], keys: tuple[str, ...], owner: Resource,
               written: Resource | None, prefix: AttrPath) -> Outcome | None:
        off = []
        for key in keys:
            value = truth(config.get(key), default=False)
            if isinstance(value, Unknown):
                return Undetermined(f"{key} is not known statically", (*prefix, key))
            if not value:
                off.append(key)
        if not off:
            return None
        where = f" ({written.address})" if written is not None else ""
        located = [(*prefix, k) for k in off if (*prefix, k) in owner.lines]
        names = ("CKV_AWS_53", "CKV_AWS_54")
        aliases = (*(a for a, k in zip(names, keys, strict=True) if k in off), "CKV2_AWS_6")
        return Violation(f"has a public access block{where} that turns off {', '.join(off)}",
                         located[0] if located else prefix, written=written, aliases=aliases)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if resource.framework is Framework.CLOUDFORMATION:
            config = resource.properties.get("PublicAccessBlockConfiguration", MISSING)
            if isinstance(config, Unknown):
                yield Undetermined("PublicAccessBlockConfiguration is not known statically")
            elif isinstance(config, Mapping):
                outcome = self._judge(config, self._CFN, resource, None,
                                      ("PublicAccessBlockConfiguration",))
                if outcome is not None:
                    yield outcome
            return
        for block in _split(resource, unit, "public_access_block"):
            outcome = self._judge(block.properties, self._TF, block, block, ())
            if outcome is not None:
                yield outcome


_PUBLIC_ACLS = {"PublicRead": "public read", "PublicReadWrite": "public read and write",
                "AuthenticatedRead": "read by any AWS account",
                "public-read": "public read", "public-read-write": "public read and write",
                "authenticated-read": "read by any AWS account"}
_WRITE_ACLS = frozenset({"PublicReadWrite", "public-read-write"})


def _acl_aliases(acl: str) -> tuple[str, ...]:
    """CKV_AWS_20 is public read (any public ACL reads), CKV_AWS_57 public write."""
    return ("CKV_AWS_20", "CKV_AWS_57") if acl in _WRITE_ACLS else ("CKV_AWS_20",)


_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def _public_grants(policy: Any) -> set[str]:
    """Permissions an ``access_control_policy`` grants to AllUsers / AuthenticatedUsers."""
    found: set[str] = set()
    for block in as_list(policy):
        for grant in as_list(dig(block, "grant")):
            grantee = first_block(dig(grant, "grantee"))
            if dig(grantee, "uri") in _PUBLIC_GRANTEES:
                permission = dig(grant, "permission")
                found.add(permission if isinstance(permission, str) else "unknown permissions")
    return found


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
                yield Violation(f"has ACL {acl} ({_PUBLIC_ACLS[acl]})", ("AccessControl",),
                                aliases=_acl_aliases(acl))
            return
        acl = p.get("acl")
        if isinstance(acl, str) and acl in _PUBLIC_ACLS:
            yield Violation(f"has ACL {acl} ({_PUBLIC_ACLS[acl]})", ("acl",),
                            aliases=_acl_aliases(acl))
        for split in _split(resource, unit, "acl"):
            split_acl = split.properties.get("acl")
            if isinstance(split_acl, str) and split_acl in _PUBLIC_ACLS:
                yield Violation(f"has ACL {split_acl} ({_PUBLIC_ACLS[split_acl]}) "
                                f"set by {split.address}", ("acl",), key=split.address,
                                written=split, aliases=_acl_aliases(split_acl))
            else:
                permissions = _public_grants(split.properties.get("access_control_policy"))
                if permissions:
                    writes = permissions & {"WRITE", "WRITE_ACP", "FULL_CONTROL"}
                    yield Violation(f"grants {', '.join(sorted(permissions))} to all users "
                                    f"through {split.address}", ("access_control_policy",),
                                    key=split.address, written=split,
                                    aliases=("CKV_AWS_20", "CKV_AWS_57") if writes
                                    else ("CKV_AWS_20",))


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

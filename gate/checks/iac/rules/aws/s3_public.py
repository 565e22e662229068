"""S3 buckets open to the public: public access blocks that turn protection off, public ACLs.

Both are reported where they were written: the setting in the public access
block (Terraform's ``aws_s3_bucket_public_access_block`` or CloudFormation's
``PublicAccessBlockConfiguration``), the ``acl`` of an ``aws_s3_bucket_acl``,
with the bucket as related location.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
from gate.checks.iac.rules.aws.s3 import BUCKET as _BUCKET
from gate.checks.iac.rules.aws.s3 import split_resources as _split
from gate.checks.iac.rules.base import truth
from gate.checks.iac.values import MISSING, as_list, dig, first_block
from gate.findings import Severity

__all__ = ["S3PublicAccessBlock", "S3PublicAcl"]


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



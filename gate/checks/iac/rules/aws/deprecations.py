"""IaC that no longer deploys (or soon will not): cloud and provider changes with a date.

Each finding says what changed, when, and the fix. Date-based rules judge
against the day of the scan (``today``, injectable for tests) and grade the
severity by how close the date is (:func:`.lifecycles.urgency`).

A change that only stops IaC from deploying (an ACL on a bucket that disables
ACLs, arguments moved out of ``aws_s3_bucket``) is not a security exposure: its
severity is capped at medium, so it is reported without failing the default
``fail_on: high``. A Lambda runtime or an RDS engine version past its date gets
no more security patches: that is an exposure, and it is ``high`` once past.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

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
from gate.checks.iac.rules.aws.lifecycles import (
    LAMBDA_DEPRECATION,
    RDS_END_OF_STANDARD_SUPPORT,
    urgency,
    version_key,
)
from gate.checks.iac.rules.base import on
from gate.checks.iac.values import MISSING, as_list, dig, first_block
from gate.findings import Severity

__all__ = ["AclWithoutOwnershipControls", "EolRdsEngine", "LambdaRuntimeDeprecated",
           "S3BucketLegacyArguments"]

_ACL_OWNERSHIP = frozenset({"BucketOwnerPreferred", "ObjectWriter"})


class _Dated(Rule):
    """A rule judged against a date: today unless one is given (tests pin it)."""

    def __init__(self, today: date | None = None) -> None:
        self._today = today

    @property
    def today(self) -> date:
        """The day the scan judges against."""
        return self._today or date.today()


def _when(deadline: date, today: date) -> str:
    days = (deadline - today).days
    if days <= 0:
        return f"since {deadline.isoformat()} ({-days} days ago)"
    return f"on {deadline.isoformat()} (in {days} days)"


class AclWithoutOwnershipControls(Rule):
    """Setting an ACL on a bucket whose ownership controls disable ACLs fails the apply."""

    id = "GATE-AWS-DEPR-001"
    title = "S3 ACL on a bucket that does not allow ACLs (fails since April 2023)"
    severity = Severity.MEDIUM
    practice = Practice.STILL_DEPLOYS
    rationale = ("Since April 2023 new buckets disable ACLs (BucketOwnerEnforced): an ACL, even "
                 "private, fails with AccessControlListNotSupported.")
    fix = ("Drop the ACL and grant access with a bucket policy; or, if an ACL is really needed, add "
           "ownership controls with BucketOwnerPreferred (aws_s3_bucket_ownership_controls / "
           "OwnershipControls) that the ACL depends on.")
    resource_types = on(cfn=["AWS::S3::Bucket"], tf=["aws_s3_bucket"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.framework is Framework.CLOUDFORMATION:
            acl = p.get("AccessControl", MISSING)
            if acl is MISSING or acl is None:
                return
            rules = as_list(dig(p, "OwnershipControls", "Rules"))
            owners = [dig(r, "ObjectOwnership") for r in rules]
            if any(isinstance(o, Unknown) for o in owners):
                yield Undetermined("ObjectOwnership is not known statically")
            elif not _ACL_OWNERSHIP & set(map(str, owners)):
                yield Violation(f"sets AccessControl {acl} without OwnershipControls that "
                                "allow ACLs; ACLs are disabled on new buckets since April 2023",
                                ("AccessControl",))
            return
        acls = unit.referrers(resource, ["aws_s3_bucket_acl"], "bucket")
        inline = p.get("acl", MISSING)
        if not acls and (inline is MISSING or inline is None):
            return
        owners = [dig(first_block(dig(c.properties, "rule")), "object_ownership")
                  for c in unit.referrers(resource, ["aws_s3_bucket_ownership_controls"],
                                          "bucket")]
        if any(isinstance(o, Unknown) for o in owners):
            yield Undetermined("object_ownership is not known statically")
            return
        if _ACL_OWNERSHIP & set(map(str, owners)):
            return
        detail = ("sets an ACL{} without aws_s3_bucket_ownership_controls that allow ACLs; "
                  "ACLs are disabled on new buckets since April 2023")
        for acl in acls:
            yield Violation(detail.format(f" through {acl.address}"), ("acl",), key=acl.address,
                            written=acl)
        if inline is not MISSING and inline is not None:
            yield Violation(detail.format(""), ("acl",), key="acl")


class LambdaRuntimeDeprecated(_Dated):
    """Functions on a deprecated runtime stop getting patches, then cannot be created or updated."""

    id = "GATE-AWS-DEPR-002"
    title = "Lambda runtime deprecated or about to be"
    severity = Severity.HIGH
    practice = Practice.STILL_DEPLOYS
    rationale = ("After its deprecation date a runtime gets no security patches; weeks later "
                 "Lambda blocks creating, then updating, functions that use it.")
    fix = "Move to a supported runtime (python3.13, nodejs22.x, java21, dotnet10, ruby3.4, ...)."
    aliases = ("CKV_AWS_363",)
    resource_types = on(cfn=["AWS::Lambda::Function", "AWS::Serverless::Function"],
                        tf=["aws_lambda_function"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        attr = "Runtime" if resource.framework is Framework.CLOUDFORMATION else "runtime"
        runtime = resource.properties.get(attr)
        if isinstance(runtime, Unknown):
            yield Undetermined("runtime is not known statically", (attr,))
            return
        deadline = LAMBDA_DEPRECATION.get(runtime) if isinstance(runtime, str) else None
        if deadline is None:
            return
        severity = urgency(deadline, self.today, unpatched_after=True)
        if severity is not None:
            verb = "deprecated" if deadline <= self.today else "reaches deprecation"
            yield Violation(f"uses runtime {runtime}, {verb} {_when(deadline, self.today)}",
                            (attr,), severity=severity)


_LEGACY_S3 = ("acl", "grant", "versioning", "server_side_encryption_configuration", "logging",
              "website", "cors_rule", "lifecycle_rule", "policy", "replication_configuration",
              "object_lock_configuration", "acceleration_status", "request_payer")
_CONSTRAINT = re.compile(r"(~>|<=|<|>=|>|=|!=)?\s*v?(\d+)")


def below_v4(constraint: str) -> bool:
    """Whether a provider version constraint keeps the AWS provider below 4.0."""
    for part in constraint.split(","):
        match = _CONSTRAINT.match(part.strip())
        if not match:
            continue
        op, major = match.group(1) or "=", int(match.group(2))
        rest = part.strip()[match.end():]
        exact_four = major == 4 and not rest.strip(".0 ")
        if (op in ("=", "~>", "<=") and major < 4) or (op == "<" and (major < 4 or exact_four)):
            return True
    return False


class S3BucketLegacyArguments(Rule):
    """aws_s3_bucket arguments that AWS provider 4.0 moved into their own resources."""

    id = "GATE-AWS-DEPR-003"
    title = "aws_s3_bucket argument deprecated since AWS provider 4.0"
    severity = Severity.MEDIUM
    practice = Practice.STILL_DEPLOYS
    rationale = ("Provider 4.0 (February 2022) made these arguments read-only; 4.9 brought them "
                 "back deprecated, and they are due to be removed in a future major version.")
    fix = ("Move each to its resource: aws_s3_bucket_acl, aws_s3_bucket_versioning, "
           "aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_logging, "
           "aws_s3_bucket_website_configuration, aws_s3_bucket_cors_configuration, "
           "aws_s3_bucket_lifecycle_configuration, aws_s3_bucket_policy, ...")
    resource_types = on(tf=["aws_s3_bucket"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        constraint = unit.settings.get("aws_provider_version")
        if constraint and below_v4(constraint):
            return
        legacy = [a for a in _LEGACY_S3 if a in resource.properties]
        if legacy:
            yield Violation(f"uses {', '.join(legacy)}, deprecated since AWS provider 4.0 "
                            "(2022-02-10)", (legacy[0],))


_ENGINE = {"AWS::RDS::DBInstance": ("Engine", "EngineVersion"),
           "AWS::RDS::DBCluster": ("Engine", "EngineVersion"),
           "aws_db_instance": ("engine", "engine_version"),
           "aws_rds_cluster": ("engine", "engine_version")}


class EolRdsEngine(_Dated):
    """RDS engine versions past (or near) the end of standard support."""

    id = "GATE-AWS-DEPR-004"
    title = "RDS engine version at end of standard support"
    severity = Severity.HIGH
    practice = Practice.STILL_DEPLOYS
    rationale = ("After the end of standard support RDS bills Extended Support automatically and "
                 "later force-upgrades the database; new instances on old majors get refused.")
    fix = ("Upgrade the major version (MySQL 8.4, PostgreSQL 16 or 17, Aurora MySQL 3, "
           "Aurora PostgreSQL 16) and test before the date.")
    resource_types = on(cfn=["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
                        tf=["aws_db_instance", "aws_rds_cluster"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        engine_attr, version_attr = _ENGINE[resource.type]
        engine = resource.properties.get(engine_attr)
        version = resource.properties.get(version_attr)
        if isinstance(version, Unknown) or isinstance(engine, Unknown):
            yield Undetermined("engine or engine version is not known statically",
                               (version_attr,))
            return
        if not isinstance(engine, str) or not isinstance(version, str | int | float):
            return  # no version: RDS picks a supported default
        deadline = RDS_END_OF_STANDARD_SUPPORT.get(version_key(engine, str(version)))
        if deadline is None:
            return
        severity = urgency(deadline, self.today, unpatched_after=True)
        if severity is not None:
            verb = "ended" if deadline <= self.today else "ends"
            yield Violation(f"runs {engine} {version}, whose RDS standard support {verb} "
                            f"{_when(deadline, self.today)}", (version_attr,), severity=severity)

"""Audit logging and observability: CloudTrail, CloudWatch log groups, Lambda tracing."""

from __future__ import annotations

from typing import Any

from gate.checks.iac.interface import Practice, Unknown
from gate.checks.iac.rules.aws.simple import AttributeRule, is_set, is_true, positive
from gate.checks.iac.rules.base import on, truth
from gate.checks.iac.values import MISSING
from gate.findings import Severity

__all__ = [
    "CloudTrailLogValidation",
    "CloudTrailLogging",
    "CloudTrailMultiRegion",
    "LambdaTracing",
    "LogGroupKms",
    "LogGroupRetention",
]

_TRAIL = on(cfn=["AWS::CloudTrail::Trail"], tf=["aws_cloudtrail"])


class CloudTrailMultiRegion(AttributeRule):
    """A trail must record every region, or activity elsewhere goes unseen."""

    id = "GATE-AWS-CT-001"
    title = "CloudTrail trail not multi-region"
    severity = Severity.MEDIUM
    practice = Practice.AUDIT_LOGGING
    rationale = "Attackers use regions nobody watches; a single-region trail misses them."
    fix = "Set IsMultiRegionTrail: true / is_multi_region_trail = true."
    aliases = ("CKV_AWS_67",)
    resource_types = _TRAIL
    paths = {"AWS::CloudTrail::Trail": ("IsMultiRegionTrail",),
             "aws_cloudtrail": ("is_multi_region_trail",)}
    test = is_true
    detail = "does not record all regions"


class CloudTrailLogValidation(AttributeRule):
    """Log file validation proves trail files were not altered."""

    id = "GATE-AWS-CT-002"
    title = "CloudTrail log file validation disabled"
    severity = Severity.MEDIUM
    practice = Practice.AUDIT_LOGGING
    rationale = "Without digest files, tampering with the audit log cannot be detected."
    fix = "Set EnableLogFileValidation: true / enable_log_file_validation = true."
    aliases = ("CKV_AWS_36",)
    resource_types = _TRAIL
    paths = {"AWS::CloudTrail::Trail": ("EnableLogFileValidation",),
             "aws_cloudtrail": ("enable_log_file_validation",)}
    test = is_true
    detail = "does not enable log file validation"


def _logging_on(value: Any) -> bool | None:
    """Terraform's ``enable_logging`` defaults to true; CloudFormation's IsLogging is required."""
    result = truth(value, default=value is MISSING)
    return None if isinstance(result, Unknown) else bool(result)


class CloudTrailLogging(AttributeRule):
    """A trail that does not log is no trail."""

    id = "GATE-AWS-CT-003"
    title = "CloudTrail trail not logging"
    severity = Severity.HIGH
    practice = Practice.AUDIT_LOGGING
    rationale = "A stopped trail leaves no audit record of API activity."
    fix = "Set IsLogging: true / remove enable_logging = false."
    aliases = ("CKV_AWS_251",)
    resource_types = _TRAIL
    paths = {"AWS::CloudTrail::Trail": ("IsLogging",), "aws_cloudtrail": ("enable_logging",)}
    test = _logging_on
    detail = "has logging turned off"


class LogGroupRetention(AttributeRule):
    """Log groups need a retention period: a decision, not an accident."""

    id = "GATE-AWS-LOGS-001"
    title = "CloudWatch log group without retention"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Never-expiring logs grow cost and keep personal data past any policy."
    fix = "Set RetentionInDays / retention_in_days to the period your policy requires."
    aliases = ("CKV_AWS_66",)
    resource_types = on(cfn=["AWS::Logs::LogGroup"], tf=["aws_cloudwatch_log_group"])
    paths = {"AWS::Logs::LogGroup": ("RetentionInDays",),
             "aws_cloudwatch_log_group": ("retention_in_days",)}
    test = positive
    detail = "has no retention period"


class LogGroupKms(AttributeRule):
    """Log groups should be encrypted with a KMS key the account controls."""

    id = "GATE-AWS-LOGS-002"
    title = "CloudWatch log group not encrypted with KMS"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Logs often hold tokens and personal data; a CMK lets access be audited and revoked."
    fix = "Set KmsKeyId / kms_key_id."
    aliases = ("CKV_AWS_158",)
    resource_types = on(cfn=["AWS::Logs::LogGroup"], tf=["aws_cloudwatch_log_group"])
    paths = {"AWS::Logs::LogGroup": ("KmsKeyId",), "aws_cloudwatch_log_group": ("kms_key_id",)}
    test = is_set
    detail = "is not encrypted with a KMS key"


def _active(value: Any) -> bool | None:
    if isinstance(value, Unknown):
        return None
    return bool(value == "Active")


class LambdaTracing(AttributeRule):
    """X-Ray tracing shows what a function called and where it failed."""

    id = "GATE-AWS-LAMBDA-002"
    title = "Lambda function without X-Ray tracing"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Without traces, abuse and failures across services cannot be followed."
    fix = "Set TracingConfig Mode Active (SAM: Tracing: Active; Terraform: tracing_config)."
    aliases = ("CKV_AWS_50",)
    resource_types = on(cfn=["AWS::Lambda::Function", "AWS::Serverless::Function"],
                        tf=["aws_lambda_function"])
    paths = {"AWS::Lambda::Function": ("TracingConfig", "Mode"),
             "AWS::Serverless::Function": ("Tracing",),
             "aws_lambda_function": ("tracing_config", "mode")}
    test = _active
    detail = "does not enable X-Ray tracing"



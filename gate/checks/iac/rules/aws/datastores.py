"""Encryption at rest for data stores: RDS, EFS, DynamoDB, SNS, SQS; KMS key rotation."""

from __future__ import annotations

from typing import Any

from gate.checks.iac.interface import Practice, Resource, Unknown
from gate.checks.iac.rules.aws.simple import AttributeRule, is_set, is_true, positive
from gate.checks.iac.rules.base import on
from gate.findings import Severity

__all__ = [
    "DynamoDbKms",
    "EfsEncryption",
    "KmsRotation",
    "RdsEncryption",
    "RdsEnhancedMonitoring",
    "RdsPublic",
    "SnsEncryption",
    "SqsEncryption",
]


def _aurora_member(resource: Resource) -> bool:
    """An instance inside an Aurora cluster inherits encryption from the cluster."""
    p = resource.properties
    engine = p.get("Engine", p.get("engine"))
    return bool(p.get("DBClusterIdentifier") or p.get("cluster_identifier")) or (
        isinstance(engine, str) and engine.startswith("aurora"))


class RdsEncryption(AttributeRule):
    """RDS instances and Aurora clusters must encrypt storage."""

    id = "GATE-AWS-RDS-001"
    title = "RDS storage not encrypted"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_AT_REST
    rationale = "Unencrypted database storage, snapshots and replicas expose every record."
    fix = "Set StorageEncrypted: true / storage_encrypted = true (cannot be changed later)."
    aliases = ("CKV_AWS_16", "CKV_AWS_96")
    resource_types = on(cfn=["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
                        tf=["aws_db_instance", "aws_rds_cluster"])
    paths = {"AWS::RDS::DBInstance": ("StorageEncrypted",),
             "AWS::RDS::DBCluster": ("StorageEncrypted",),
             "aws_db_instance": ("storage_encrypted",),
             "aws_rds_cluster": ("storage_encrypted",)}
    test = is_true
    detail = "does not encrypt its storage"

    def applies(self, resource: Resource) -> bool:
        """Skip Aurora member instances and serverless v1 clusters (always encrypted)."""
        if resource.type in ("AWS::RDS::DBInstance", "aws_db_instance"):
            return not _aurora_member(resource)
        mode = resource.properties.get("EngineMode", resource.properties.get("engine_mode"))
        return bool(mode != "serverless")


def _not_public(value: Any) -> bool | None:
    if isinstance(value, Unknown):
        return None
    return bool(value is not True and str(value).lower() != "true")


class RdsPublic(AttributeRule):
    """Databases must not get a public IP."""

    id = "GATE-AWS-RDS-002"
    title = "RDS instance publicly accessible"
    severity = Severity.CRITICAL
    practice = Practice.BLAST_RADIUS
    rationale = "A publicly accessible database is one weak password away from a breach."
    fix = "Set PubliclyAccessible: false and reach the database from inside the VPC."
    aliases = ("CKV_AWS_17",)
    resource_types = on(cfn=["AWS::RDS::DBInstance"], tf=["aws_db_instance"])
    paths = {"AWS::RDS::DBInstance": ("PubliclyAccessible",),
             "aws_db_instance": ("publicly_accessible",)}
    test = _not_public
    detail = "is publicly accessible"


class RdsEnhancedMonitoring(AttributeRule):
    """Enhanced monitoring gives OS-level metrics for incident analysis."""

    id = "GATE-AWS-RDS-003"
    title = "RDS instance without enhanced monitoring"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Without OS-level metrics, resource exhaustion and abuse go unnoticed."
    fix = "Set MonitoringInterval (e.g. 60) and a MonitoringRoleArn."
    aliases = ("CKV_AWS_118",)
    resource_types = on(cfn=["AWS::RDS::DBInstance"], tf=["aws_db_instance"])
    paths = {"AWS::RDS::DBInstance": ("MonitoringInterval",),
             "aws_db_instance": ("monitoring_interval",)}
    test = positive
    detail = "has no enhanced monitoring"


class EfsEncryption(AttributeRule):
    """EFS file systems must be encrypted."""

    id = "GATE-AWS-EFS-001"
    title = "EFS file system not encrypted"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_AT_REST
    rationale = "EFS encryption can only be chosen at creation; unencrypted data stays so."
    fix = "Set Encrypted: true / encrypted = true."
    aliases = ("CKV_AWS_42",)
    resource_types = on(cfn=["AWS::EFS::FileSystem"], tf=["aws_efs_file_system"])
    paths = {"AWS::EFS::FileSystem": ("Encrypted",), "aws_efs_file_system": ("encrypted",)}
    test = is_true
    detail = "is not encrypted"


def _cmk(value: Any) -> bool | None:
    """Compliant when a key is named (a key id, ARN, alias, or a reference to a key)."""
    return is_set(value)


class DynamoDbKms(AttributeRule):
    """DynamoDB tables should use a KMS key the account controls."""

    id = "GATE-AWS-DDB-001"
    title = "DynamoDB table not encrypted with a customer managed KMS key"
    severity = Severity.LOW
    practice = Practice.ENCRYPTION_AT_REST
    rationale = ("Tables are always encrypted, with a key AWS owns or manages unless one is "
                 "named; only a customer managed key can be audited, restricted and revoked.")
    fix = "Enable SSESpecification with KMSMasterKeyId (server_side_encryption with kms_key_arn)."
    aliases = ("CKV_AWS_119",)
    resource_types = on(cfn=["AWS::DynamoDB::Table"], tf=["aws_dynamodb_table"])
    paths = {"AWS::DynamoDB::Table": ("SSESpecification", "KMSMasterKeyId"),
             "aws_dynamodb_table": ("server_side_encryption", "kms_key_arn")}
    test = _cmk
    detail = "is not encrypted with a customer managed KMS key"

    def applies(self, resource: Resource) -> bool:
        """An explicit ``SSEEnabled: false`` is the same finding, judged on the key."""
        return True


class SnsEncryption(AttributeRule):
    """SNS topics must encrypt messages at rest."""

    id = "GATE-AWS-SNS-001"
    title = "SNS topic not encrypted"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_AT_REST
    rationale = "Messages often carry personal data; SNS stores them unencrypted by default."
    fix = "Set KmsMasterKeyId / kms_master_key_id (alias/aws/sns or a CMK)."
    aliases = ("CKV_AWS_26",)
    resource_types = on(cfn=["AWS::SNS::Topic"], tf=["aws_sns_topic"])
    paths = {"AWS::SNS::Topic": ("KmsMasterKeyId",), "aws_sns_topic": ("kms_master_key_id",)}
    test = is_set
    detail = "is not encrypted"


class SqsEncryption(AttributeRule):
    """SQS queues must encrypt messages at rest (SSE-SQS or SSE-KMS)."""

    id = "GATE-AWS-SQS-001"
    title = "SQS queue not explicitly encrypted"
    severity = Severity.LOW
    practice = Practice.ENCRYPTION_AT_REST
    rationale = ("New queues get SSE-SQS by default since October 2022; stating the encryption "
                 "makes it reviewable and keeps older queues from staying unencrypted.")
    fix = "Set KmsMasterKeyId or SqsManagedSseEnabled: true."
    aliases = ("CKV_AWS_27",)
    resource_types = on(cfn=["AWS::SQS::Queue"], tf=["aws_sqs_queue"])
    paths = {"AWS::SQS::Queue": ("KmsMasterKeyId",), "aws_sqs_queue": ("kms_master_key_id",)}
    test = is_set
    detail = "does not configure encryption"

    def applies(self, resource: Resource) -> bool:
        """SSE-SQS explicitly on is compliant too."""
        managed = resource.properties.get("SqsManagedSseEnabled",
                                          resource.properties.get("sqs_managed_sse_enabled"))
        return is_true(managed) is not True


class KmsRotation(AttributeRule):
    """Symmetric customer keys must rotate."""

    id = "GATE-AWS-KMS-001"
    title = "KMS key rotation disabled"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_AT_REST
    rationale = "Rotation limits how much data one compromised key version protects."
    fix = "Set EnableKeyRotation: true / enable_key_rotation = true."
    aliases = ("CKV_AWS_7",)
    resource_types = on(cfn=["AWS::KMS::Key"], tf=["aws_kms_key"])
    paths = {"AWS::KMS::Key": ("EnableKeyRotation",), "aws_kms_key": ("enable_key_rotation",)}
    test = is_true
    detail = "does not enable key rotation"

    def applies(self, resource: Resource) -> bool:
        """Asymmetric and HMAC keys cannot rotate automatically."""
        p = resource.properties
        spec = p.get("KeySpec", p.get("customer_master_key_spec", "SYMMETRIC_DEFAULT"))
        return spec in ("SYMMETRIC_DEFAULT", None) or isinstance(spec, Unknown)

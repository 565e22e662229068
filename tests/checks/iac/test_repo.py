"""A realistic repository: every planted misconfiguration is found on the right resource,
and the hardened twin raises nothing at high or above."""

from __future__ import annotations

from iac_support import FIXTURES, scan

from gate.findings import Severity

PLANTED = {
    # CloudFormation/SAM stack: infra/orders-api.yaml
    ("GATE-AWS-S3-002", "DocumentsBucket"), ("GATE-AWS-DEPR-001", "AccessLogsBucket"),
    ("GATE-AWS-S3-004", "DocumentsBucket"), ("GATE-AWS-S3-006", "DocumentsBucket"),
    ("GATE-AWS-IAM-001", "OrdersFunctionRole"), ("GATE-AWS-LAMBDA-001", "OrdersFunction"),
    ("GATE-AWS-APIGW-004", "CreateOrderMethod"), ("GATE-AWS-APIGW-001", "OrdersStage"),
    ("GATE-AWS-APIGW-003", "OrdersStage"), ("GATE-AWS-CT-001", "AuditTrail"),
    ("GATE-AWS-SNS-001", "AlarmTopic"), ("GATE-AWS-SQS-001", "OrdersQueue"),
    # Terraform module: terraform/storefront
    ("GATE-AWS-EC2-002", "aws_security_group.web"),
    ("GATE-AWS-EC2-005", "aws_security_group_rule.db_debug"),
    ("GATE-AWS-ELB-001", "aws_lb_listener.http"), ("GATE-AWS-ELB-002", "aws_lb_listener.https"),
    ("GATE-AWS-ELB-003", "aws_lb.web"), ("GATE-AWS-ELB-004", "aws_lb.web"),
    ("GATE-AWS-CF-001", "aws_cloudfront_distribution.cdn"),
    ("GATE-AWS-CF-003", "aws_cloudfront_distribution.cdn"),
    ("GATE-AWS-S3-003", "aws_s3_bucket.assets"), ("GATE-AWS-S3-002", "aws_s3_bucket.assets"),
    ("GATE-AWS-RDS-001", "aws_db_instance.main"), ("GATE-AWS-RDS-002", "aws_db_instance.main"),
    ("GATE-AWS-EC2-001", "aws_ebs_volume.scratch"), ("GATE-AWS-KMS-001", "aws_kms_key.app"),
    ("GATE-AWS-IAM-003", "data.aws_iam_policy_document.deployer"),
}


def test_planted_misconfigurations_are_found() -> None:
    loaded, result = scan(FIXTURES / "repo" / "planted")
    assert loaded.not_scanned == () and result.errors == ()
    found = {(f.rule_id, dict(f.extra)["resource"]) for f in result.findings}
    assert found >= PLANTED, PLANTED - found
    high = {(f.rule_id, dict(f.extra)["resource"]) for f in result.findings
            if f.severity >= Severity.HIGH}
    assert high <= PLANTED, high - PLANTED  # nothing serious beyond what was planted


def test_planted_findings_point_at_the_resource() -> None:
    _loaded, result = scan(FIXTURES / "repo" / "planted")
    by_key = {(f.rule_id, dict(f.extra)["resource"]): f for f in result.findings}
    ssh = by_key[("GATE-AWS-EC2-002", "aws_security_group.web")]
    assert (ssh.path, ssh.start_line) == ("terraform/storefront/network.tf", 17)
    url = by_key[("GATE-AWS-LAMBDA-001", "OrdersFunction")]
    assert (url.path, url.start_line) == ("infra/orders-api.yaml", 73)
    bucket = by_key[("GATE-AWS-S3-004", "DocumentsBucket")]
    assert (bucket.start_line, bucket.end_line) == (13, 23)
    block = by_key[("GATE-AWS-S3-002", "DocumentsBucket")]
    assert (block.start_line, block.end_line) == (19, 19)  # BlockPublicPolicy: false
    acl = by_key[("GATE-AWS-S3-003", "aws_s3_bucket.assets")]
    assert (acl.path, acl.start_line) == ("terraform/storefront/data.tf", 7)
    assert [(r.location.path, r.location.start_line, r.location.end_line, r.message)
            for r in acl.related] == [("terraform/storefront/data.tf", 1, 3,
                                       "aws_s3_bucket assets")]
    assert dict(acl.extra)["written_at"] == "aws_s3_bucket_acl.assets"


def test_hardened_twin_has_nothing_high() -> None:
    loaded, result = scan(FIXTURES / "repo" / "hardened")
    assert loaded.not_scanned == () and result.errors == ()
    serious = [f.message for f in result.findings if f.severity >= Severity.HIGH]
    assert serious == []
    assert result.warnings == ()

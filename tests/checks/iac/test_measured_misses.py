"""The misses measured in issue 15, each pinned by a test that must keep passing.

Sources: Checkov's own fixtures (name/local-referenced bucket settings, private
API Gateway stages, a full-form IPv6 "any" through a parameter default, ``"*"``
inside a CloudFormation JSON action list), TerraGoat (plain-text secrets in EC2
user data) and a pull-request review (the ACL finding on the ACL resource).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from iac_support import FIXTURES, scan

from gate.checks.iac.registry import rule_by_id


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _flagged(root: Path, rule_id: str) -> dict[str, object]:
    loaded, result = scan(root, [rule_by_id(rule_id)])
    assert loaded.not_scanned == () and result.errors == ()
    return {dict(f.extra)["resource"]: f for f in result.findings}


BY_NAME = """\
variable "bucket_name" {}
locals {
  logs = "${var.bucket_name}-logs"
}
resource "aws_s3_bucket" "by_name" {
  bucket = var.bucket_name
}
resource "aws_s3_bucket_versioning" "by_name" {
  bucket = var.bucket_name
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket" "by_local" {
  bucket = local.logs
}
resource "aws_s3_bucket_versioning" "by_local" {
  bucket = local.logs
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket_public_access_block" "by_local" {
  bucket              = local.logs
  block_public_acls   = true
  block_public_policy = false
}
resource "aws_s3_bucket_server_side_encryption_configuration" "by_name" {
  bucket = var.bucket_name
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES128"
    }
  }
}
resource "aws_s3_bucket" "unrelated" {
  bucket = "${var.bucket_name}-other"
}
"""


def test_bucket_settings_found_by_name_and_through_a_local(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": BY_NAME})
    assert set(_flagged(root, "GATE-AWS-S3-004")) == {"aws_s3_bucket.unrelated"}
    block = _flagged(root, "GATE-AWS-S3-002")
    assert set(block) == {"aws_s3_bucket.by_local"}
    assert block["aws_s3_bucket.by_local"].start_line == 26  # block_public_policy = false
    encryption = _flagged(root, "GATE-AWS-S3-001")
    assert set(encryption) == {"aws_s3_bucket.by_name"}
    assert encryption["aws_s3_bucket.by_name"].start_line == 32  # sse_algorithm = "AES128"


def test_private_api_stage_needs_no_waf(tmp_path: Path) -> None:
    root = _write(tmp_path, {"api.tf": """\
resource "aws_api_gateway_rest_api" "private" {
  name = "internal"
  endpoint_configuration {
    types = ["PRIVATE"]
  }
}
resource "aws_api_gateway_rest_api" "public" {
  name = "public"
}
resource "aws_api_gateway_stage" "private" {
  rest_api_id   = aws_api_gateway_rest_api.private.id
  deployment_id = "d"
  stage_name    = "prod"
}
resource "aws_api_gateway_stage" "public" {
  rest_api_id   = aws_api_gateway_rest_api.public.id
  deployment_id = "d"
  stage_name    = "prod"
}
""", "stack.yaml": """\
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: internal
      EndpointConfiguration: {Types: [PRIVATE]}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, DeploymentId: d, StageName: prod}
"""})
    assert set(_flagged(root, "GATE-AWS-APIGW-003")) == {"aws_api_gateway_stage.public"}


@pytest.mark.parametrize("spelling", ["0000:0000:0000:0000:0000:0000:0000:0000/0", "::/0",
                                      "0:0:0:0:0:0:0:0/0"])
def test_ipv6_any_in_every_spelling_through_a_parameter(tmp_path: Path, spelling: str) -> None:
    root = _write(tmp_path, {"sg.yaml": f"""\
Parameters:
  SSHLocation:
    Type: String
    Default: '{spelling}'
Resources:
  InstanceSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Enable SSH access via port 22
      SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 22
        ToPort: 22
        CidrIpv6: !Ref 'SSHLocation'
"""})
    finding = _flagged(root, "GATE-AWS-EC2-002")["InstanceSecurityGroup"]
    assert finding.message.endswith(f"allows SSH (port 22) from {spelling}")
    assert finding.start_line == 11


IAM_JSON = """\
{"AWSTemplateFormatVersion": "2010-09-09",
 "Resources": {
  "Admin": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p",
   "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["s3:HeadBucket", "*"],
                                     "Resource": ["arn:aws:s3:::b1", "*"]}]}}},
  "Scoped": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p",
   "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["s3:HeadBucket", "*"],
                                     "Resource": ["arn:aws:s3:::b1"]}]}}}}}
"""


def test_star_beside_other_actions_in_a_json_template(tmp_path: Path) -> None:
    root = _write(tmp_path, {"iam.json": IAM_JSON})
    admin = _flagged(root, "GATE-AWS-IAM-001")
    assert set(admin) == {"Admin"}
    assert "CKV_AWS_63" in admin["Admin"].aliases
    assert set(_flagged(root, "GATE-AWS-IAM-002")) == {"Scoped"}


def test_plain_text_secret_in_user_data_is_found_and_redacted(tmp_path: Path) -> None:
    secret = "Zk8vN2xqT1J3cE5hQmRqS2ZtV0x4bG1xT3BzS1d2"
    key_id = "AKIAZ7QF3" + "EXAMPLEAAA2"
    root = _write(tmp_path, {"ec2.tf": f"""\
resource "aws_instance" "web_host" {{
  ami       = "ami-0123"
  user_data = <<EOF
#! /bin/bash
sudo apt-get install -y apache2
export AWS_ACCESS_KEY_ID={key_id}
export AWS_SECRET_ACCESS_KEY={secret}
EOF
}}
"""})
    finding = _flagged(root, "GATE-AWS-SECRET-001")["aws_instance.web_host"]
    assert finding.start_line == 6
    assert finding.message == ('aws_instance "web_host" has a secret (AWS_SECRET_ACCESS_KEY), '
                               "an AWS access key id in plain text in its user data; "
                               "value redacted")
    assert secret not in repr(finding) and key_id not in repr(finding)
    assert finding.fix is not None and "Secrets Manager" in finding.fix


def test_acl_finding_is_on_the_acl_resource_with_the_bucket_related(tmp_path: Path) -> None:
    root = _write(tmp_path, {"s3.tf": """\
resource "aws_s3_bucket" "site" {
  bucket = "site"
}

resource "aws_s3_bucket_acl" "site" {
  bucket = aws_s3_bucket.site.id
  acl    = "public-read"
}
"""})
    finding = _flagged(root, "GATE-AWS-S3-003")["aws_s3_bucket.site"]
    assert (finding.path, finding.start_line, finding.end_line) == ("s3.tf", 7, 7)
    assert [(r.location.path, r.location.start_line, r.location.end_line, r.message)
            for r in finding.related] == [("s3.tf", 1, 3, "aws_s3_bucket site")]
    assert dict(finding.extra)["written_at"] == "aws_s3_bucket_acl.site"


def test_standalone_ingress_rule_points_at_its_open_source(tmp_path: Path) -> None:
    root = _write(tmp_path, {"sg.tf": """\
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  ipv6_cidr_blocks  = ["::/0"]
}
"""})
    finding = _flagged(root, "GATE-AWS-EC2-002")["aws_security_group_rule.ssh"]
    assert finding.start_line == 8
    assert finding.message.endswith("allows SSH (port 22) from ::/0")


def test_environment_secret_points_at_its_variable_and_globals_at_globals(tmp_path: Path) -> None:
    root = _write(tmp_path, {"fn.tf": """\
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  environment {
    variables = {
      LOG_LEVEL   = "info"
      DB_PASSWORD = "Tr0ub4dor3xq"
    }
  }
}
""", "sam.yaml": """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs12.x
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: index.handler}
"""})
    assert _flagged(root, "GATE-AWS-SECRET-002")["aws_lambda_function.fn"].start_line == 6
    assert _flagged(root, "GATE-AWS-DEPR-002")["Fn"].start_line == 4  # written in Globals


SECRET_VALUES = ("Zk8vN2xqT1J3cE5hQmRqS2ZtV0x4bG1xT3BzS1d2", "Tr0ub4dor3xq", "sk_live_",
                 "xoxb-2410491923", "ghp_Zk8vN2", "AKIAZ7QF3")


@pytest.mark.parametrize("rule_id", ["GATE-AWS-SECRET-001", "GATE-AWS-SECRET-002",
                                     "GATE-AWS-SECRET-003", "GATE-AWS-SECRET-004"])
def test_no_secret_value_in_any_output(rule_id: str) -> None:
    loaded, result = scan(FIXTURES / "rules" / rule_id.lower(), [rule_by_id(rule_id)])
    assert result.findings, "the fixture must raise findings for this test to mean anything"
    text = repr(result.findings) + repr(result.warnings) + repr(loaded.not_scanned)
    leaked = [value for value in SECRET_VALUES if value in text]
    assert leaked == []
    assert {f.message.endswith("value redacted") for f in result.findings} == {True}


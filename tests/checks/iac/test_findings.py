"""Findings: message, location, fingerprint, extra, suppressions, unknowns and frameworks."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.checks.iac import IacCheck
from gate.checks.interface import CheckError, ScanTarget
from gate.findings import Severity, content_fingerprint

CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Encrypted:
    Type: String
Resources:
  # gate:ignore[GATE-AWS-EC2-001] scratch volume, wiped nightly
  ScratchVolume:
    Type: AWS::EC2::Volume
    Properties: {Size: 1}
  DataBucket:
    Type: AWS::S3::Bucket
    Metadata:
      gate:
        ignore:
          - {id: GATE-AWS-S3-005, reason: access logs go to CloudTrail data events}
      checkov:
        skip:
          - {id: CKV_AWS_21, comment: versioning not needed}
    Properties:
      AccessControl: PublicRead
  ParamVolume:
    Type: AWS::EC2::Volume
    Properties:
      Size: 1
      Encrypted: !Ref Encrypted
"""


def _scan(tmp_path: Path, files: dict[str, str], **options: object):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return IacCheck().run(ScanTarget(tmp_path, tuple(files), options=dict(options)))


def _by(result, rule_id: str, resource: str):
    return next(f for f in result.findings if f.rule_id == rule_id
                and dict(f.extra)["resource"] == resource)


def test_finding_fields(tmp_path: Path) -> None:
    result = _scan(tmp_path, {"stack.yaml": CFN})
    acl = _by(result, "GATE-AWS-S3-003", "DataBucket")
    assert acl.check == "iac" and acl.severity is Severity.HIGH
    assert acl.message == 'AWS::S3::Bucket "DataBucket" has ACL PublicRead (public read)'
    assert (acl.location.path, acl.location.start_line) == ("stack.yaml", 20)
    assert acl.aliases == ("CKV_AWS_20",)  # public read: not the public-write check
    assert acl.help_url == "docs/rules.md#gate-aws-s3-003"
    assert acl.fix and acl.title
    assert acl.extra == (("resource", "DataBucket"), ("framework", "cloudformation"))
    assert acl.fingerprint == content_fingerprint("iac", "GATE-AWS-S3-003", "stack.yaml",
                                                  "DataBucket")
    versioning = _by(result, "GATE-AWS-S3-004", "DataBucket")
    assert (versioning.location.start_line, versioning.location.end_line) == (10, 20)
    assert versioning.message == 'AWS::S3::Bucket "DataBucket" does not enable versioning'


def test_fingerprint_ignores_line_moves(tmp_path: Path) -> None:
    first = _scan(tmp_path / "a", {"stack.yaml": CFN})
    moved = _scan(tmp_path / "b", {"stack.yaml": CFN.replace("Resources:\n",
                                                              "Resources:\n\n\n")})
    assert {f.fingerprint for f in first.findings} == {f.fingerprint for f in moved.findings}
    assert {f.location.start_line for f in first.findings} != {
        f.location.start_line for f in moved.findings}


def test_suppressions_are_attached_not_dropped(tmp_path: Path) -> None:
    result = _scan(tmp_path, {"stack.yaml": CFN})
    comment = _by(result, "GATE-AWS-EC2-001", "ScratchVolume").suppression
    assert comment is not None and comment.kind == "inline"
    assert comment.reason == "scratch volume, wiped nightly"
    assert comment.source == "stack.yaml:6" and comment.rules == ("GATE-AWS-EC2-001",)
    metadata = _by(result, "GATE-AWS-S3-005", "DataBucket").suppression
    assert metadata is not None and metadata.reason.startswith("access logs")
    checkov = _by(result, "GATE-AWS-S3-004", "DataBucket").suppression
    assert checkov is not None and checkov.rules == ("CKV_AWS_21",)
    assert _by(result, "GATE-AWS-S3-003", "DataBucket").suppression is None


def test_unknown_parameter_is_a_warning_not_a_finding(tmp_path: Path) -> None:
    result = _scan(tmp_path, {"stack.yaml": CFN})
    assert not [f for f in result.findings if dict(f.extra)["resource"] == "ParamVolume"]
    assert any("GATE-AWS-EC2-001 not evaluated for ParamVolume" in w for w in result.warnings)


def test_terraform_inline_comment_and_attribute_line(tmp_path: Path) -> None:
    tf = ('resource "aws_security_group" "web" {\n'
          "  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = \"tcp\"\n"
          '    cidr_blocks = ["0.0.0.0/0"] # gate:ignore[GATE-AWS-EC2-002] bastion subnet\n'
          "  }\n}\n")
    result = _scan(tmp_path, {"net/main.tf": tf})
    ssh = _by(result, "GATE-AWS-EC2-002", "aws_security_group.web")
    assert ssh.location.start_line == 2
    assert ssh.message == 'aws_security_group "web" allows SSH (port 22) from 0.0.0.0/0'
    assert ssh.suppression is None  # the comment is on line 6, not the finding's line or above

    tf_above = tf.replace('resource "aws_security_group"',
                          '# gate:ignore[GATE-AWS-EC2-002] bastion\nresource "aws_security_group"')
    result = _scan(tmp_path / "b", {"net/main.tf": tf_above})
    assert _by(result, "GATE-AWS-EC2-002", "aws_security_group.web").suppression is not None


def test_terraform_locals_and_tfvars(tmp_path: Path) -> None:
    result = _scan(tmp_path, {
        "m/main.tf": ('variable "public" {\n  default = false\n}\n'
                      'locals {\n  exposed = var.public\n}\n'
                      'resource "aws_db_instance" "db" {\n'
                      "  publicly_accessible = local.exposed\n  storage_encrypted = true\n"
                      "  monitoring_interval = 60\n}\n"),
        "m/terraform.tfvars": "public = true\n",
    })
    public = _by(result, "GATE-AWS-RDS-002", "aws_db_instance.db")
    assert public.location.start_line == 8


def test_frameworks_option(tmp_path: Path) -> None:
    files = {"Dockerfile": "FROM python\n", "main.tf": 'resource "aws_ebs_volume" "v" {}\n'}
    only_docker = _scan(tmp_path, files, frameworks=["dockerfile"])
    assert {dict(f.extra)["framework"] for f in only_docker.findings} == {"dockerfile"}
    with pytest.raises(CheckError):
        _scan(tmp_path, files, frameworks=["pulumi"])


def test_check_identity() -> None:
    check = IacCheck()
    assert (check.name, check.tool) == ("iac", "gate-iac")
    import gate

    assert check.tool_version() == gate.__version__

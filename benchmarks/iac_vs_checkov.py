"""Benchmark: gate's ``iac`` check against Checkov on the same generated corpus.

Generates N templates (half CloudFormation, half Terraform modules, each with
a mix of S3, EC2, RDS, IAM, ELB and CloudFront resources, some compliant,
some not) into a temporary directory, then times

* gate: ``IacCheck().run`` in a fresh interpreter (start-up included), and
* Checkov: ``checkov -d <dir> --framework cloudformation terraform`` (offline).

Run: ``.venv/bin/python benchmarks/iac_vs_checkov.py [N]`` (default 1000).
Checkov is looked up via ``$CHECKOV_BIN`` or /tmp/checkov-venv/bin/checkov and
must live in its own virtualenv; without it only gate's figure is printed.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_CHECKOV = Path("/tmp/checkov-venv/bin/checkov")  # nosec B108 a fixed path to read, not a temp file


def checkov_bin() -> Path | None:
    """``$CHECKOV_BIN`` or the default separate venv; None when neither exists."""
    env = os.environ.get("CHECKOV_BIN")
    for candidate in (Path(env) if env else None, DEFAULT_CHECKOV):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def run_checkov(binary: Path, directory: Path, frameworks: list[str],
                checks: list[str] | None = None) -> list[dict[str, Any]]:
    """Run Checkov offline over ``directory``; return its per-framework JSON reports."""
    cmd = [str(binary), "-d", str(directory), "--framework", *frameworks, "-o", "json",
           "--skip-download", "--compact"]
    if checks:
        cmd += ["--check", ",".join(checks)]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600,
                          check=False)
    text = proc.stdout.strip()
    if not text:
        return []
    data = json.loads(text[min(i for i in (text.find("["), text.find("{")) if i >= 0):])
    return data if isinstance(data, list) else [data]


ROOT = Path(__file__).resolve().parents[1]

CFN_PARTS = [
    "  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b-{i}\n",
    "  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n"
    "        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n"
    "              SSEAlgorithm: AES256\n      VersioningConfiguration: {{Status: Enabled}}\n",
    "  Sg{i}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: sg\n"
    "      SecurityGroupIngress:\n        - {{IpProtocol: tcp, FromPort: {port}, ToPort: {port},"
    " CidrIp: 0.0.0.0/0}}\n",
    "  Db{i}:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n"
    "      DBInstanceClass: db.t3.micro\n      StorageEncrypted: {flag}\n"
    "      PubliclyAccessible: {flag}\n",
    "  Role{i}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
    "        Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}},"
    " Action: sts:AssumeRole}}]\n      Policies:\n        - PolicyName: p\n"
    "          PolicyDocument:\n            Statement:\n"
    "              - {{Effect: Allow, Action: \"{action}\", Resource: \"*\"}}\n",
    "  Listener{i}:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n"
    "      LoadBalancerArn: arn:lb\n      Port: 80\n      Protocol: HTTP\n"
    "      DefaultActions: [{{Type: forward, TargetGroupArn: arn:tg}}]\n",
    "  Volume{i}:\n    Type: AWS::EC2::Volume\n    Properties: {{Size: 10, AvailabilityZone: a,"
    " Encrypted: {flag}}}\n",
]
TF_PARTS = [
    'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b-{i}"\n}}\n',
    'resource "aws_s3_bucket" "e{i}" {{}}\n\nresource "aws_s3_bucket_server_side_encryption_'
    'configuration" "e{i}" {{\n  bucket = aws_s3_bucket.e{i}.id\n  rule {{\n'
    '    apply_server_side_encryption_by_default {{\n      sse_algorithm = "aws:kms"\n'
    '    }}\n  }}\n}}\n',
    'resource "aws_security_group" "sg{i}" {{\n  ingress {{\n    from_port   = {port}\n'
    '    to_port     = {port}\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n'
    '  }}\n}}\n',
    'resource "aws_db_instance" "db{i}" {{\n  engine              = "postgres"\n'
    '  instance_class      = "db.t3.micro"\n  storage_encrypted   = {flag}\n'
    '  publicly_accessible = {flag}\n}}\n',
    'resource "aws_iam_policy" "p{i}" {{\n  policy = jsonencode({{\n'
    '    Statement = [{{ Effect = "Allow", Action = "{action}", Resource = "*" }}]\n  }})\n}}\n',
    'resource "aws_lb_listener" "l{i}" {{\n  load_balancer_arn = "arn:lb"\n  port = 80\n'
    '  protocol = "HTTP"\n  default_action {{\n    type = "forward"\n'
    '    target_group_arn = "arn:tg"\n  }}\n}}\n',
    'resource "aws_ebs_volume" "v{i}" {{\n  availability_zone = "a"\n  size = 10\n'
    '  encrypted = {flag}\n}}\n',
]


def generate(directory: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` templates: even numbers CloudFormation, odd numbers Terraform."""
    rng = random.Random(seed)
    for n in range(count):
        picks = [rng.randrange(len(CFN_PARTS)) for _ in range(8)]
        values = [{"i": k, "port": rng.choice([22, 443, 3389, 5432]),
                   "flag": rng.choice(["true", "false"]),
                   "action": rng.choice(["*", "s3:*", "s3:GetObject"])} for k in range(8)]
        if n % 2 == 0:
            body = "".join(CFN_PARTS[p].format(**v) for p, v in zip(picks, values, strict=True))
            (directory / f"stack{n:04d}.yaml").write_text(
                'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n' + body)
        else:
            module = directory / f"module{n:04d}"
            module.mkdir()
            (module / "main.tf").write_text(
                "\n".join(TF_PARTS[p].format(**v) for p, v in zip(picks, values, strict=True)))


_GATE_SNIPPET = """
import sys, time
from pathlib import Path
from gate.checks.iac import IacCheck
from gate.checks.interface import ScanTarget
root = Path(sys.argv[1])
files = tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))
result = IacCheck().run(ScanTarget(root, files))
print(len(result.findings), result.files_scanned, len(result.not_scanned), f"{result.duration:.3f}")
"""


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory(prefix="iac-bench-") as tmp:
        corpus = Path(tmp)
        generate(corpus, count)
        print(f"corpus: {count} templates ({count - count // 2} CloudFormation, "
              f"{count // 2} Terraform modules) in {corpus}")
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _GATE_SNIPPET, str(corpus)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        gate_wall = time.perf_counter() - started
        print(f"gate iac: {gate_wall:.2f} s wall (process start included; scan {out[3]} s), "
              f"{out[0]} findings, {out[1]} files, {out[2]} not scanned")
        binary = checkov_bin()
        if binary is None:
            print("checkov not found (set CHECKOV_BIN or install into /tmp/checkov-venv): "
                  "skipping the comparison")
            return 0
        started = time.perf_counter()
        reports = run_checkov(binary, corpus, ["cloudformation", "terraform"])
        checkov_wall = time.perf_counter() - started
        failed = sum(len(r.get("results", {}).get("failed_checks", [])) for r in reports)
        print(f"checkov:  {checkov_wall:.2f} s wall, {failed} failed checks (all its checks)")
        print(f"speed-up: {checkov_wall / gate_wall:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

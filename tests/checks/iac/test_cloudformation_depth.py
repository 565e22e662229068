"""CloudFormation/SAM: static intrinsics and Conditions, Globals, JSON and YAML alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from iac_support import scan

from gate.checks.iac.interface import Unknown
from gate.checks.iac.parsers.cfn_intrinsics import Resolver
from gate.checks.iac.registry import rule_by_id

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  Open:
    Type: String
    Default: "0.0.0.0"
Mappings:
  Ports:
    prod: {Admin: 22}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
Resources:
  OnlyInDev:
    Type: AWS::EC2::Volume
    Condition: IsDev
    Properties: {Size: 1}
  Volume:
    Type: AWS::EC2::Volume
    Properties:
      Size: 1
      Encrypted: !If [IsProd, false, true]
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: !FindInMap [Ports, !Ref Env, Admin]
          ToPort: !Select [0, [22, 80]]
          CidrIp: !Join ["/", [!Ref Open, "0"]]
"""


def test_static_intrinsics_and_conditions(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    loaded, result = scan(tmp_path, [rule_by_id("GATE-AWS-EC2-001"),
                                     rule_by_id("GATE-AWS-EC2-002")])
    assert loaded.not_scanned == () and result.warnings == ()
    assert sorted((f.rule_id, dict(f.extra)["resource"]) for f in result.findings) == [
        ("GATE-AWS-EC2-001", "Volume"), ("GATE-AWS-EC2-002", "Sg")]
    addresses = {r.address for u in loaded.units for r in u.resources}
    assert "OnlyInDev" not in addresses  # statically never created


def test_json_and_yaml_templates_judge_alike(tmp_path: Path) -> None:
    (tmp_path / "y").mkdir()
    (tmp_path / "j").mkdir()
    plain = TEMPLATE.replace("!Equals [!Ref Env, prod]", "{'Fn::Equals': [{Ref: Env}, prod]}")
    (tmp_path / "y" / "stack.yaml").write_text(plain)
    data = yaml.safe_load(plain.replace("!Not [!Condition IsProd]", "{'Fn::Not': [{Condition: IsProd}]}")
                          .replace("!If [IsProd, false, true]", "{'Fn::If': [IsProd, false, true]}")
                          .replace("!FindInMap [Ports, !Ref Env, Admin]",
                                   "{'Fn::FindInMap': [Ports, {Ref: Env}, Admin]}")
                          .replace("!Select [0, [22, 80]]", "{'Fn::Select': [0, [22, 80]]}")
                          .replace('!Join ["/", [!Ref Open, "0"]]',
                                   "{'Fn::Join': ['/', [{Ref: Open}, '0']]}"))
    (tmp_path / "j" / "stack.json").write_text(json.dumps(data, indent="\t"))
    rules = [rule_by_id("GATE-AWS-EC2-001"), rule_by_id("GATE-AWS-EC2-002")]
    _l1, yaml_result = scan(tmp_path / "y", rules)
    _l2, json_result = scan(tmp_path / "j", rules)
    assert [(f.rule_id, f.message) for f in yaml_result.findings] == \
        [(f.rule_id, f.message) for f in json_result.findings]
    assert len(json_result.findings) == 2


def test_sam_globals_apply_and_the_resource_wins(tmp_path: Path) -> None:
    (tmp_path / "sam.yaml").write_text("""\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.7
    Tracing: Active
Resources:
  Inherits:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler}
  Overrides:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.13}
""")
    _loaded, result = scan(tmp_path, [rule_by_id("GATE-AWS-DEPR-002"),
                                      rule_by_id("GATE-AWS-LAMBDA-002")])
    assert [(f.rule_id, dict(f.extra)["resource"]) for f in result.findings] == [
        ("GATE-AWS-DEPR-002", "Inherits")]


@pytest.mark.parametrize(("expr", "expected"), [
    ({"Fn::Sub": "arn:${Env}:x"}, "arn:prod:x"),
    ({"Fn::Sub": ["${A}-${Env}", {"A": "a"}]}, "a-prod"),
    ({"Fn::Sub": "${!Literal}"}, "${Literal}"),
    ({"Fn::Join": ["-", ["a", {"Ref": "Env"}]]}, "a-prod"),
    ({"Fn::Select": ["1", ["a", "b"]]}, "b"),
    ({"Fn::Split": [",", "a,b"]}, ["a", "b"]),
    ({"Fn::Base64": "text"}, "text"),
    ({"Fn::If": ["Always", {"Ref": "AWS::NoValue"}, "x"]}, None),
])
def test_resolver(expr: object, expected: object) -> None:
    resolver = Resolver({"Env": {"Default": "prod"}}, frozenset({"Bucket"}), {},
                        {"Always": {"Fn::Equals": ["a", "a"]}})
    assert resolver.resolve(expr) == expected


def test_resolver_keeps_unknowns_with_their_references() -> None:
    resolver = Resolver({}, frozenset({"Bucket"}))
    value = resolver.resolve({"Fn::Sub": "arn:aws:s3:::${Bucket}/*"})
    assert isinstance(value, Unknown) and value.refs == frozenset({"Bucket"})
    assert "arn:aws:s3:::${Bucket}/*" in value.expr

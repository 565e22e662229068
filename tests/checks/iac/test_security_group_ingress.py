"""Security group ingress: one flaw, one finding; a load balancer's group is bounded by listeners."""

from __future__ import annotations

from pathlib import Path

from iac_support import scan

from gate.checks.iac.registry import rule_by_id

EC2_RULES = [rule_by_id(i) for i in ("GATE-AWS-EC2-002", "GATE-AWS-EC2-003",
                                     "GATE-AWS-EC2-004", "GATE-AWS-EC2-005")]

_ALB = """
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
      SecurityGroups: [!Ref LbSg]
"""


def _cfn(tmp_path: Path, ingress: str, extra: str = "") -> list[tuple[str, str, int]]:
    (tmp_path / "t.yaml").write_text(
        "Resources:\n"
        "  LbSg:\n"
        "    Type: AWS::EC2::SecurityGroup\n"
        "    Properties:\n"
        "      GroupDescription: sg\n"
        "      SecurityGroupIngress:\n" + ingress + extra)
    _loaded, result = scan(tmp_path, EC2_RULES)
    return [(f.rule_id, f.message, f.start_line) for f in result.findings]


_ALL = "        - CidrIp: 0.0.0.0/0\n          IpProtocol: -1\n"


def test_all_protocols_is_reported_once(tmp_path: Path) -> None:
    assert _cfn(tmp_path, _ALL) == [
        ("GATE-AWS-EC2-004", 'AWS::EC2::SecurityGroup "LbSg" allows all ports from 0.0.0.0/0', 7)]


def test_full_tcp_range_is_reported_once(tmp_path: Path) -> None:
    ingress = ("        - CidrIp: 0.0.0.0/0\n          IpProtocol: tcp\n"
               "          FromPort: 0\n          ToPort: 65535\n")
    assert [r for r, _m, _l in _cfn(tmp_path, ingress)] == ["GATE-AWS-EC2-004"]


def test_the_all_ports_finding_answers_for_checkov_ssh_and_rdp_checks(tmp_path: Path) -> None:
    (tmp_path / "t.tf").write_text(
        'resource "aws_security_group" "sg" {\n  ingress {\n    from_port = 0\n'
        '    to_port = 0\n    protocol = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n')
    _loaded, result = scan(tmp_path, EC2_RULES)
    assert [(f.rule_id, f.aliases) for f in result.findings] == [
        ("GATE-AWS-EC2-004", ("CKV_AWS_277", "CKV_AWS_24", "CKV_AWS_25"))]


def test_a_port_explicitly_in_a_narrower_range_is_reported_by_its_rule(tmp_path: Path) -> None:
    ingress = ("        - CidrIp: 0.0.0.0/0\n          IpProtocol: tcp\n"
               "          FromPort: 20\n          ToPort: 3400\n")
    assert sorted(r for r, _m, _l in _cfn(tmp_path, ingress)) == [
        "GATE-AWS-EC2-002", "GATE-AWS-EC2-003", "GATE-AWS-EC2-005"]


def test_group_attached_only_to_a_load_balancer_is_bounded_by_its_listeners(
        tmp_path: Path) -> None:
    assert _cfn(tmp_path, _ALL, _ALB) == []


def test_load_balancer_group_open_on_web_ports_passes(tmp_path: Path) -> None:
    web = "".join(f"        - CidrIp: 0.0.0.0/0\n          IpProtocol: tcp\n"
                  f"          FromPort: {p}\n          ToPort: {p}\n" for p in (80, 443))
    assert _cfn(tmp_path, web, _ALB) == []


def test_ssh_opened_explicitly_on_a_load_balancer_group_is_still_reported(
        tmp_path: Path) -> None:
    ssh = "        - CidrIp: 0.0.0.0/0\n          IpProtocol: tcp\n          FromPort: 22\n" \
          "          ToPort: 22\n"
    assert [r for r, _m, _l in _cfn(tmp_path, ssh, _ALB)] == ["GATE-AWS-EC2-002"]


def test_group_shared_by_a_load_balancer_and_an_instance_is_reported(tmp_path: Path) -> None:
    instance = ("  Host:\n    Type: AWS::EC2::Instance\n    Properties:\n"
                "      SecurityGroupIds: [!Ref LbSg]\n")
    assert [r for r, _m, _l in _cfn(tmp_path, _ALL, _ALB + instance)] == ["GATE-AWS-EC2-004"]


def test_group_only_named_as_a_source_by_other_rules_still_counts_as_lb_only(
        tmp_path: Path) -> None:
    source = ("  AppIngress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
              "      GroupId: sg-0123\n      IpProtocol: tcp\n      FromPort: 8080\n"
              "      ToPort: 8080\n      SourceSecurityGroupId: !Ref LbSg\n")
    assert _cfn(tmp_path, _ALL, _ALB + source) == []


def test_standalone_ingress_on_a_load_balancer_group(tmp_path: Path) -> None:
    (tmp_path / "t.tf").write_text(
        'resource "aws_security_group" "lb" {\n  name = "lb"\n}\n'
        'resource "aws_security_group_rule" "all" {\n  type = "ingress"\n  from_port = 0\n'
        '  to_port = 0\n  protocol = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n'
        '  security_group_id = aws_security_group.lb.id\n}\n'
        'resource "aws_lb" "web" {\n  security_groups = [aws_security_group.lb.id]\n}\n')
    _loaded, behind = scan(tmp_path, EC2_RULES)
    assert behind.findings == ()
    (tmp_path / "t.tf").write_text((tmp_path / "t.tf").read_text().replace(
        'resource "aws_lb" "web" {\n  security_groups', 'resource "aws_instance" "web" {\n'
        '  vpc_security_group_ids'))
    _loaded, exposed = scan(tmp_path, EC2_RULES)
    assert [(f.rule_id, f.start_line) for f in exposed.findings] == [("GATE-AWS-EC2-004", 9)]

"""Unhappy paths: every file the engine cannot judge is reported with a reason, never dropped."""

from __future__ import annotations

from pathlib import Path

from gate.checks.iac import IacCheck
from gate.checks.interface import ScanTarget

_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(9))


def _run(tmp_path: Path, files: dict[str, str], **options: object) -> tuple:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = IacCheck().run(ScanTarget(tmp_path, tuple(files), options=dict(options)))
    return result, {n.path: n for n in result.not_scanned}


def test_unparsable_template_is_not_scanned_with_line(tmp_path: Path) -> None:
    result, skipped = _run(tmp_path, {"stack.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
        "    Properties: [unclosed\n")})
    assert skipped["stack.yaml"].line is not None
    assert "invalid YAML" in skipped["stack.yaml"].reason
    assert result.findings == ()


def test_unknown_intrinsic_is_reported(tmp_path: Path) -> None:
    _result, skipped = _run(tmp_path, {"stack.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      BucketName: !Bogus x\n")})
    assert skipped["stack.yaml"].line == 6
    assert "!Bogus" in skipped["stack.yaml"].reason


def test_python_tags_are_refused(tmp_path: Path) -> None:
    _result, skipped = _run(tmp_path, {"deploy.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
        "spec: !!python/object/apply:os.system ['true']\n")})
    assert "unsupported YAML tag" in skipped["deploy.yaml"].reason


def test_yaml_bomb_is_refused(tmp_path: Path) -> None:
    _result, skipped = _run(tmp_path, {"bomb.yaml": "apiVersion: v1\nkind: Pod\n" + _BOMB})
    assert "expands to more than" in skipped["bomb.yaml"].reason
    assert skipped["bomb.yaml"].line is not None


def test_huge_file_is_not_parsed(tmp_path: Path) -> None:
    body = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n" + "# pad\n" * 400
    _result, skipped = _run(tmp_path, {"big.yaml": body}, max_file_bytes=1000)
    assert "over the 1000-byte limit" in skipped["big.yaml"].reason


def test_hcl_error_reports_file_and_line_and_keeps_module(tmp_path: Path) -> None:
    result, skipped = _run(tmp_path, {
        "infra/broken.tf": 'resource "aws_s3_bucket" "x" {\n  acl = \n}\n',
        "infra/ok.tf": 'resource "aws_ebs_volume" "v" {\n  size = 1\n}\n',
    })
    assert skipped["infra/broken.tf"].line == 2
    assert [f.rule_id for f in result.findings] == ["GATE-AWS-EC2-001"]


def test_binary_and_non_utf8_are_reported(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_bytes(b"\xff\xfe\x00resource")
    result = IacCheck().run(ScanTarget(tmp_path, ("main.tf",)))
    assert "not UTF-8" in result.not_scanned[0].reason


def test_cloudformation_json_with_tabs(tmp_path: Path) -> None:
    result, skipped = _run(tmp_path, {"stack.json": (
        '{\n\t"AWSTemplateFormatVersion": "2010-09-09",\n\t"Resources": {\n'
        '\t\t"Volume": {"Type": "AWS::EC2::Volume", "Properties": {"Size": 1}}\n\t}\n}\n')})
    assert skipped == {}
    assert [(f.rule_id, f.location.start_line) for f in result.findings] == [
        ("GATE-AWS-EC2-001", 4)]


def test_other_yaml_is_ignored(tmp_path: Path) -> None:
    result, skipped = _run(tmp_path, {"config.yaml": "key: value\n", "README.md": "# hi\n"})
    assert skipped == {} and result.findings == () and result.files_scanned == 0

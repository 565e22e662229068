"""Terraform beyond one flat directory: local modules, count/for_each, dynamic, .tf.json."""

from __future__ import annotations

from pathlib import Path

from iac_support import scan

from gate.checks.iac.registry import rule_by_id


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


MODULE = """\
variable "public" {
  default = false
}

variable "name" {}

resource "aws_db_instance" "this" {
  identifier          = var.name
  publicly_accessible = var.public
  storage_encrypted   = true
}
"""


def test_module_instances_use_the_call_inputs_and_point_into_the_module(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "stack/main.tf": """\
module "exposed" {
  source = "../modules/db"
  name   = "orders"
  public = true
}

module "private" {
  source = "../modules/db"
  name   = "billing"
}
""",
        "modules/db/main.tf": MODULE,
    })
    loaded, result = scan(root, [rule_by_id("GATE-AWS-RDS-002")])
    assert loaded.not_scanned == () and result.errors == ()
    findings = result.findings
    assert [dict(f.extra)["resource"] for f in findings] == ["module.exposed.aws_db_instance.this"]
    finding = findings[0]
    assert (finding.path, finding.start_line) == ("modules/db/main.tf", 9)
    assert [(r.location.path, r.location.start_line, r.location.end_line, r.message)
            for r in finding.related] == [
        ("stack/main.tf", 1, 5, "module.exposed (../modules/db) instantiates it")]
    # the module is judged through its callers, not again on its own defaults
    assert result.warnings == ()


def test_nested_modules_carry_every_call(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "main.tf": 'module "app" {\n  source = "./app"\n}\n',
        "app/main.tf": 'module "db" {\n  source = "../modules/db"\n  name = "x"\n'
                       "  public = true\n}\n",
        "modules/db/main.tf": MODULE,
    })
    _loaded, result = scan(root, [rule_by_id("GATE-AWS-RDS-002")])
    (finding,) = result.findings
    assert dict(finding.extra)["resource"] == "module.app.module.db.aws_db_instance.this"
    assert [r.location.path for r in finding.related] == ["main.tf", "app/main.tf"]


def test_module_called_only_from_examples_is_judged_on_its_defaults(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "examples/public/main.tf": 'module "db" {\n  source = "../../"\n  name = "x"\n'
                                   "  public = true\n}\n",
        "main.tf": MODULE,
    })
    _loaded, result = scan(root, [rule_by_id("GATE-AWS-RDS-002")])
    assert result.findings == ()


def test_module_cycle_stops(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
        "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'
                     'resource "aws_ebs_volume" "v" {\n  size = 1\n}\n',
    })
    loaded, result = scan(root, [rule_by_id("GATE-AWS-EC2-001")])
    assert loaded.not_scanned == () and result.errors == ()
    assert len(result.findings) >= 1


def test_count_and_for_each_expand_where_static(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": """\
variable "volumes" {
  default = {
    logs = true
    data = false
  }
}

resource "aws_ebs_volume" "each" {
  for_each  = var.volumes
  size      = 1
  encrypted = each.value
}

resource "aws_ebs_volume" "counted" {
  count     = 2
  size      = 1
  encrypted = count.index == 0
}

resource "aws_ebs_volume" "off" {
  count = 0
  size  = 1
}

resource "aws_ebs_volume" "unknown" {
  count     = var.n
  size      = 1
  encrypted = false
}
"""})
    _loaded, result = scan(root, [rule_by_id("GATE-AWS-EC2-001")])
    flagged = {dict(f.extra)["resource"] for f in result.findings}
    assert flagged == {'aws_ebs_volume.each["data"]', "aws_ebs_volume.unknown[?]"}
    assert any("aws_ebs_volume.counted" in w for w in result.warnings)


def test_identical_copies_make_one_finding(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": 'resource "aws_ebs_volume" "v" {\n  count = 3\n'
                                        "  size  = 1\n}\n"})
    _loaded, result = scan(root, [rule_by_id("GATE-AWS-EC2-001")])
    assert [dict(f.extra)["resource"] for f in result.findings] == ["aws_ebs_volume.v[0]"]


def test_dynamic_blocks_expand_with_their_iterator(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": """\
variable "ports" {
  default = [443, 22]
}

resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
"""})
    _loaded, result = scan(root, [rule_by_id("GATE-AWS-EC2-002")])
    (finding,) = result.findings
    assert finding.message == 'aws_security_group "web" allows SSH (port 22) from 0.0.0.0/0'
    assert finding.start_line == 7  # the dynamic block that wrote it


def test_tf_json_is_parsed_with_lines(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf.json": """\
{
  "resource": {
    "aws_db_instance": {
      "db": {
        "storage_encrypted": true,
        "publicly_accessible": true
      }
    }
  }
}
"""})
    loaded, result = scan(root, [rule_by_id("GATE-AWS-RDS-002")])
    assert loaded.not_scanned == ()
    (finding,) = result.findings
    assert (finding.path, finding.start_line) == ("main.tf.json", 6)
    assert dict(finding.extra) == {"resource": "aws_db_instance.db", "framework": "terraform"}


def test_odd_shapes_never_take_the_scan_down(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "odd/main.tf.json": '{"locals": ["x"], "variable": "y", "module": [1], '
                            '"resource": {"aws_ebs_volume": {"v": {"size": 1}}}}',
        "ok/main.tf": 'resource "aws_ebs_volume" "w" {\n  size = 1\n}\n',
    })
    loaded, result = scan(root, [rule_by_id("GATE-AWS-EC2-001")])
    assert result.errors == ()
    assert {dict(f.extra)["resource"] for f in result.findings} == {
        "aws_ebs_volume.v", "aws_ebs_volume.w"}
    assert loaded.not_scanned == ()


def test_module_fan_out_is_bounded(tmp_path: Path) -> None:
    call = 'module "m{i}" {{\n  source = "../leaf"\n  count = 200\n}}\n'
    root = _write(tmp_path, {
        "root/main.tf": "".join(call.format(i=i) for i in range(3)),
        "leaf/main.tf": 'resource "aws_ebs_volume" "v" {\n  size = 1\n}\n',
    })
    loaded, result = scan(root, [rule_by_id("GATE-AWS-EC2-001")])
    assert result.errors == ()
    (skipped,) = loaded.not_scanned
    assert skipped.path == "root/main.tf" and skipped.line == 5  # module "m1"
    assert skipped.reason.startswith("more than 256 module instances: module.m1")


def test_for_each_over_toset_of_literals(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": """\
resource "aws_ebs_volume" "v" {
  for_each  = toset(["a", "b"])
  size      = 1
  encrypted = each.key == "a"
}
"""})
    _loaded, result = scan(root, [rule_by_id("GATE-AWS-EC2-001")])
    assert sorted(w.split(" for ", 1)[1].split(":")[0] for w in result.warnings) == [
        'aws_ebs_volume.v["a"]', 'aws_ebs_volume.v["b"]']

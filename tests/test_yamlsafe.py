"""One YAML loader with an alias-expansion limit, for every YAML the gate reads (issue 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gate.checks.iac.interface import ParseError
from gate.checks.iac.parsers.yamlnodes import load_documents
from gate.policy import load_policy
from gate.policy.errors import PolicyError
from gate.yamlsafe import (
    YamlBombError,
    compose_documents,
    expanded_size,
    guard_detect_secrets_yaml,
    load_one,
)


def bomb(levels: int = 9, width: int = 9, indent: str = "") -> str:
    """The classic billion laughs: ``width ** levels`` strings from a few hundred bytes."""
    lines = [f'{indent}l0: &l0 ["lol"' + ', "lol"' * (width - 1) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"{indent}l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_expanded_size_counts_without_expanding() -> None:
    node = yaml.compose("a: &a [1, 2]\nb: [*a, *a, *a]\n")
    assert node is not None
    # root + 2 keys + a(3) + b(1 + 3 * 3) = 16 visits of 7 distinct nodes
    assert expanded_size(node, cap=10**9) == (16, 7)


def test_a_bomb_is_refused_with_its_line() -> None:
    with pytest.raises(YamlBombError, match="expands to more than 100000 extra nodes") as caught:
        list(compose_documents(bomb()))
    assert caught.value.problem_mark is not None


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlBombError, match="refers to itself"):
        list(compose_documents("a: &a [1, *a]\n", loader=yaml.SafeLoader))


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(yaml.YAMLError):
        list(compose_documents("[" * 50_000, loader=yaml.SafeLoader))


def test_ordinary_anchors_still_load() -> None:
    text = ".defaults: &d\n  image: python:3.12\n  retry: 2\njob:\n  <<: *d\n  script: [make]\n"
    assert load_one(text) == {".defaults": {"image": "python:3.12", "retry": 2},
                              "job": {"image": "python:3.12", "retry": 2, "script": ["make"]}}


def test_iac_documents_go_through_the_limit() -> None:
    with pytest.raises(ParseError, match="alias bomb"):
        list(load_documents(bomb()))


def test_a_policy_bomb_is_a_policy_error_naming_the_file(tmp_path: Path) -> None:
    policy = tmp_path / ".gate.yml"
    policy.write_text("fail_on: high\nx_bomb:\n" + bomb(indent="  "), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(policy)
    assert str(policy) in caught.value.diagnostics()
    assert "alias bomb" in caught.value.diagnostics()


def test_gate_run_with_a_policy_bomb_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".gate.yml").write_text(bomb(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "gate", "run", str(tmp_path), "--no-post",
                           "--checks", "iac"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2
    assert str(tmp_path / ".gate.yml") in done.stderr and "alias bomb" in done.stderr


def test_detect_secrets_yaml_transformer_refuses_a_bomb(tmp_path: Path) -> None:
    from detect_secrets.core.scan import _get_lines_from_file

    guard_detect_secrets_yaml()
    path = tmp_path / "values.yaml"
    path.write_text(bomb() + "token: plain\n", encoding="utf-8")
    first = next(iter(_get_lines_from_file(str(path))))
    assert first[-1] == "token: plain\n"  # detect-secrets fell back to the plain lines


def _gate_json(root: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "gate", "run", str(root), "--no-post",
                           "--no-cache", "--jobs", "2", "--format", "json"],
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ})
    assert done.returncode == 1, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def test_a_bomb_in_any_scanned_yaml_file(make_repo: object) -> None:
    """The run ends, the file is listed as not scanned, every other finding is reported."""
    aws = "AKIA" + "R5T2W6Q3Z7K3M4X4"
    root = make_repo({  # type: ignore[operator]
        "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n" + bomb(),
        "config/settings.yml": bomb(),
        "deploy/creds.env": f"AWS_ACCESS_KEY_ID={aws}\n",
        "app.py": "import subprocess\n\n\ndef run(c):\n    subprocess.call(c, shell=True)\n",
    })
    data = _gate_json(root)
    found = sorted((f["check"], f["rule_id"], f["path"])  # type: ignore[index]
                   for f in data["findings"])  # type: ignore[attr-defined]
    assert found == [("sast", "B404", "app.py"), ("sast", "B602", "app.py"),
                     ("secrets", "GATE-SECRET-AWS-ACCESS-KEY-ID", "deploy/creds.env")]
    skipped = {(c["name"], n["path"]) for c in data["checks"]  # type: ignore[attr-defined]
               for n in c["not_scanned"]}
    assert {("iac", "template.yaml"), ("secrets", "template.yaml"),
            ("secrets", "config/settings.yml")} <= skipped

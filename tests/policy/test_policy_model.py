"""The policy model: the default policy is built without validating anything, and check
options are the JSON values a dump would give, without building a serializer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gate.policy import default_policy, load_policy_text
from gate.policy.model import BUILTIN_CHECK_POLICIES

FULL = """\
version: 1
checks:
  dependencies: {files: [requirements.txt, "deps/*.txt"], vuln_db_max_age: 3}
  iac:
    frameworks: [terraform, kubernetes]
    uncovered: fail
    helm_values: {charts/web: [values-prod.yaml]}
  pipeline: {platforms: [gitlab-ci], allowed_hosts: [example.com]}
  sast: {fail_on: low, exclude: ["tests/**"]}
"""


def test_the_default_policy_is_a_validated_empty_file() -> None:
    built = default_policy().policy
    validated = load_policy_text("version: 1\n", ".gate.yml").policy
    assert built == validated
    assert built.model_dump(mode="json") == validated.model_dump(mode="json")
    assert built.check("secrets") == validated.check("secrets")
    assert built.check("a-plugin") == validated.check("a-plugin")


@pytest.mark.parametrize("text", ["version: 1\n", FULL])
@pytest.mark.parametrize("name", sorted(BUILTIN_CHECK_POLICIES))
def test_options_are_what_a_json_dump_gives(text: str, name: str) -> None:
    for policy in (load_policy_text(text, ".gate.yml").policy, default_policy().policy):
        block = policy.check(name)
        common = set(BUILTIN_CHECK_POLICIES["sast"].model_fields)
        dumped = {k: v for k, v in block.model_dump(mode="json").items() if k not in common}
        assert json.dumps(block.options(), sort_keys=True) == json.dumps(dumped, sort_keys=True)


def test_the_full_policy_options() -> None:
    policy = load_policy_text(FULL, ".gate.yml").policy
    assert policy.check("dependencies").options() == {
        "files": ["requirements.txt", "deps/*.txt"], "vuln_db_max_age": 3.0}
    assert policy.check("iac").options() == {
        "frameworks": ["terraform", "kubernetes"], "uncovered": "fail",
        "helm_values": {"charts/web": ["values-prod.yaml"]}}


def test_a_run_without_a_policy_file_builds_no_validator() -> None:
    """What the pipeline asks of the default policy; a validated file builds ``Policy``."""
    probe = (
        "import pydantic\nfrom gate.policy import default_policy, load_policy_text\n"
        "from gate.policy import model\n"
        "p = default_policy().policy\n"
        "[p.check(n).options() for n in ('sast', 'dependencies', 'secrets', 'iac', 'pipeline')]\n"
        "p.fail_on_for('sast'), p.timeout_for('iac'), p.on_error_for('iac'), p.on_empty_for('x')\n"
        "p.fail_on_in('sast', 'test'), p.min_confidence_for('sast'), p.reports.scope_for('sarif')\n"
        "p.model_copy(update={'exclude': ('x/**',)})\n"
        "models = [c for c in vars(model).values() if isinstance(c, type) and "
        "issubclass(c, pydantic.BaseModel)]\n"
        "print(sorted(c.__name__ for c in models if c.__pydantic_complete__))\n"
        "load_policy_text('version: 1\\n', '.gate.yml')\n"
        "print(sorted(c.__name__ for c in models if c.__pydantic_complete__))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "['Policy']"]

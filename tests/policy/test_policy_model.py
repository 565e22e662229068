"""The policy model: plain frozen dataclasses. The default policy needs no validator (no
pydantic at all), check options are the JSON values a dump gives, and a validated file gives
the same objects."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from gate.policy import default_policy, load_policy_text
from gate.policy.model import BUILTIN_CHECK_POLICIES, CheckPolicy
from gate.policy.schema import dump

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
    assert dump(built) == dump(validated)
    assert built.check("secrets") == validated.check("secrets")
    assert built.check("a-plugin") == validated.check("a-plugin")


@pytest.mark.parametrize("text", ["version: 1\n", FULL])
@pytest.mark.parametrize("name", sorted(BUILTIN_CHECK_POLICIES))
def test_options_are_what_a_json_dump_gives(text: str, name: str) -> None:
    for policy in (load_policy_text(text, ".gate.yml").policy, default_policy().policy):
        block = policy.check(name)
        common = {f.name for f in dataclasses.fields(CheckPolicy)}
        dumped = {k: v for k, v in dump_block(block).items() if k not in common}
        assert json.dumps(block.options(), sort_keys=True) == json.dumps(dumped, sort_keys=True)


def test_the_full_policy_options() -> None:
    policy = load_policy_text(FULL, ".gate.yml").policy
    assert policy.check("dependencies").options() == {
        "files": ["requirements.txt", "deps/*.txt"], "vuln_db_max_age": 3.0}
    assert policy.check("iac").options() == {
        "frameworks": ["terraform", "kubernetes"], "uncovered": "fail",
        "helm_values": {"charts/web": ["values-prod.yaml"]}}


def dump_block(block: CheckPolicy) -> dict[str, object]:
    """One check's block as the whole policy's dump gives it."""
    from gate.policy.model import Policy

    name = next(n for n, cls in BUILTIN_CHECK_POLICIES.items() if isinstance(block, cls))
    dumped = dump(dataclasses.replace(Policy(), checks=dataclasses.replace(
        Policy().checks, **{name: block})))
    section: dict[str, object] = dumped["checks"][name]
    return section


def test_a_run_without_a_policy_file_imports_no_validator() -> None:
    """What the pipeline asks of the default policy needs no pydantic; a file loads it."""
    probe = (
        "import sys, dataclasses\nfrom gate.policy import default_policy, load_policy_text\n"
        "p = default_policy().policy\n"
        "[p.check(n).options() for n in ('sast', 'dependencies', 'secrets', 'iac', 'pipeline')]\n"
        "p.fail_on_for('sast'), p.timeout_for('iac'), p.on_error_for('iac'), p.on_empty_for('x')\n"
        "p.fail_on_in('sast', 'test'), p.min_confidence_for('sast'), p.reports.scope_for('sarif')\n"
        "dataclasses.replace(p, exclude=('x/**',))\n"
        "print('pydantic' in sys.modules)\n"
        "load_policy_text('version: 1\\n', '.gate.yml')\n"
        "print('pydantic' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False", "True"]

"""``Check.reads``: the files a check could read, so a base tree holds only those and a check
with nothing to read need not start.

Each built-in check is run twice over one mixed fixture tree: given every file, and given
only the files its ``reads`` accepts. The results must be the same (findings, files not
scanned, warnings, errors, files scanned): every file a check uses satisfies ``reads``.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gate.checks.dependencies import DependenciesCheck
from gate.checks.iac import IacCheck
from gate.checks.interface import Check, CheckResult, ScanTarget
from gate.checks.pipeline import PipelineCheck
from gate.checks.registry import load_check
from gate.checks.sast import SastCheck
from gate.checks.secrets import SecretsCheck

TESTS = Path(__file__).resolve().parents[1]
OSV = TESTS / "fixtures" / "osv"

_FILES = {
    "app/views.py": "import subprocess\n\n\ndef run(cmd):\n"
                    "    return subprocess.call(cmd, shell=True)\n",
    "app/types.pyi": "def run(cmd: str) -> int: ...\n",
    "scripts/deploy.sh": "curl http://example.com | sh\n",
    "README.md": "# demo\n\n```yaml\non: push\n```\n",
    "requirements.txt": "requests==2.19.1\n-r requirements/dev.txt\n-c constraints.in\n",
    "requirements/dev.txt": "PyYAML==5.3.1\n",
    "constraints.in": "urllib3==1.24.1\n",
    "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\ndependencies = ["jinja2==2.10"]\n',
    "setup.cfg": "[metadata]\nname = demo\n",
    ".github/workflows/ci.yml": (
        "on: pull_request_target\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"),
    ".github/actions/setup/action.yml": (
        "name: setup\nruns:\n  using: composite\n  steps:\n"
        "    - run: echo ${{ github.event.issue.title }}\n      shell: bash\n"),
    "Dockerfile": "FROM python:latest\nADD https://example.com/x.tgz /x\n",
    "services/docker-compose.yml": "services:\n  web:\n    image: nginx\n    privileged: true\n",
    "infra/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl = "public-read"\n}\n',
    "infra/terraform.tfvars": 'region = "eu-west-1"\n',
    "cfn/stack.json": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": '
                      '{"Type": "AWS::S3::Bucket", "Properties": {}}}}\n',
    "config/settings.yaml": "debug: true\nitems: [1, 2]\n",
    "data/report.json": '{"rows": []}\n',
    "ops/env.txt": "AWS_KEY=AKIA" + "Z7Q4M2X7K3W6P5R2\n",  # built here, never stored whole
    "deploy/Kustomization": "resources:\n  - pod.yaml\n",
    "deploy/pod.yaml": ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                        "    - name: c\n      image: nginx:latest\n      securityContext:\n"
                        "        privileged: true\n"),
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding something for every check, and files none of them but secrets
    reads; plus the IaC fixtures' charts and overlays and a GitLab pipeline."""
    root = tmp_path_factory.mktemp("mixed")
    for rel, text in _FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    shutil.copytree(TESTS / "checks" / "iac" / "fixtures" / "rendered", root / "k8s")
    shutil.copytree(TESTS / "checks" / "iac" / "fixtures" / "repo" / "planted", root / "planted")
    shutil.copy(TESTS / "checks" / "pipeline" / "fixtures" / "gate-gitlab-001" / "fail" /
                ".gitlab-ci.yml", root / ".gitlab-ci.yml")
    return root


def _files(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))


def _comparable(result: CheckResult) -> tuple[Any, ...]:
    return (result.findings, result.not_scanned, result.warnings, result.errors,
            result.files_scanned, result.tool_version)


_OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("sast", {}),
    ("dependencies", {}),
    ("secrets", {}),
    ("iac", {}),
    ("iac", {"frameworks": ["dockerfile", "docker-compose"]}),
    ("iac", {"frameworks": ["terraform"]}),
    ("iac", {"frameworks": ["kubernetes"]}),
    ("pipeline", {}),
    ("pipeline", {"platforms": ["gitlab-ci"]}),
]


@pytest.mark.parametrize(("name", "options"), _OPTIONS,
                         ids=[f"{n}-{'-'.join(map(str, o.values())) or 'default'}"
                              for n, o in _OPTIONS])
def test_a_check_given_only_what_it_reads_finds_the_same(tree: Path, name: str,
                                                          options: dict[str, Any]) -> None:
    check = load_check(name)
    everything = _files(tree)
    chosen = tuple(f for f in everything if type(check).reads(f, options))
    target = ScanTarget(root=tree, files=everything, options=options,
                        vuln_db=OSV if name == "dependencies" else None)
    full = check.run(target)
    narrowed = check.run(replace(target, files=chosen))
    assert _comparable(narrowed) == _comparable(full)
    assert full.findings  # the tree holds something for every check (and option) above
    if name != "secrets":  # the secrets check reads every file; the others pick theirs
        assert len(chosen) < len(everything)


def test_sast_reads_python_sources_only() -> None:
    assert [p for p in ("app/views.py", "app/types.pyi", "setup.cfg", "bin/tool", "a.py.bak")
            if SastCheck.reads(p, {})] == ["app/views.py"]


def test_iac_reads_templates_by_name() -> None:
    assert [p for p in ("main.tf", "prod.auto.tfvars", "k8s/app.yaml", "Dockerfile",
                        ".github/workflows/ci.yml", "app/views.py", "README.md",
                        "overlay/Kustomization", "chart/templates/_helpers.tpl")
            if IacCheck.reads(p, {})] == ["main.tf", "prod.auto.tfvars", "k8s/app.yaml",
                                          "Dockerfile", ".github/workflows/ci.yml",
                                          "overlay/Kustomization", "chart/templates/_helpers.tpl"]


def test_iac_reads_the_chosen_frameworks_only() -> None:
    paths = ("main.tf", "prod.auto.tfvars", "k8s/app.yaml", "Dockerfile", "compose.yaml",
             "overlay/Kustomization")
    assert [p for p in paths if IacCheck.reads(p, {"frameworks": ["dockerfile"]})] == [
        "Dockerfile"]
    assert [p for p in paths if IacCheck.reads(p, {"frameworks": ["terraform"]})] == [
        "main.tf", "prod.auto.tfvars"]
    assert [p for p in paths if IacCheck.reads(p, {"frameworks": ["kubernetes"]})] == [
        "k8s/app.yaml", "overlay/Kustomization"]
    # an option the check will refuse: every candidate, so the check runs and says why
    assert [p for p in paths if IacCheck.reads(p, {"frameworks": "terraform"})] == list(paths)


def test_pipeline_reads_ci_definitions_of_the_chosen_platforms() -> None:
    paths = (".github/workflows/ci.yml", "action.yaml", ".gitlab-ci.yml", "ci/templates/x.yml",
             ".github/dependabot.yml", "app.yml")
    assert [p for p in paths if PipelineCheck.reads(p, {})] == [
        ".github/workflows/ci.yml", "action.yaml", ".gitlab-ci.yml", "ci/templates/x.yml"]
    assert [p for p in paths if PipelineCheck.reads(p, {"platforms": ["github-actions"]})] == [
        ".github/workflows/ci.yml", "action.yaml"]
    assert [p for p in paths if PipelineCheck.reads(p, {"platforms": "gitlab-ci"})] == [
        ".github/workflows/ci.yml", "action.yaml", ".gitlab-ci.yml", "ci/templates/x.yml"]


def test_dependencies_reads_manifests_and_includable_text() -> None:
    paths = ("requirements.txt", "pyproject.toml", "uv.lock", "constraints.in", "app/views.py",
             "deps/prod")
    assert [p for p in paths if DependenciesCheck.reads(p, {})] == [
        "requirements.txt", "pyproject.toml", "uv.lock", "constraints.in"]
    assert DependenciesCheck.reads("deps/prod", {"files": ["deps/prod"]}) is True
    # the default policy hands the check ``files: []``: discovery, as when it is absent
    assert [p for p in paths if DependenciesCheck.reads(p, {"files": [], "vuln_db_max_age": 7.0})
            ] == ["requirements.txt", "pyproject.toml", "uv.lock", "constraints.in"]


def test_the_default_policy_options_narrow_every_check_but_secrets() -> None:
    """What the pipeline hands each check without a ``.gate.yml``: reads() stays narrow."""
    from gate.policy import default_policy

    policy = default_policy().policy
    paths = ("app/views.py", "requirements.txt", "main.tf", ".github/workflows/ci.yml",
             "README.md", "docs/index.rst")
    chosen = {name: [p for p in paths if type(load_check(name)).reads(p, policy.check(name).options())]
              for name in ("sast", "dependencies", "secrets", "iac", "pipeline")}
    assert chosen == {
        "sast": ["app/views.py"], "dependencies": ["requirements.txt"], "secrets": list(paths),
        "iac": ["main.tf", ".github/workflows/ci.yml"], "pipeline": [".github/workflows/ci.yml"]}


def test_secrets_reads_every_file() -> None:
    check: type[Check] = SecretsCheck
    assert check.reads("anything.bin", {}) is True

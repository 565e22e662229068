"""Which files the IaC check parses, by name."""

from __future__ import annotations

import pytest

from gate.checks.iac.interface import Framework
from gate.checks.iac.parsers import SNIFF, classify


@pytest.mark.parametrize(("path", "expected"), [
    ("Dockerfile", Framework.DOCKERFILE),
    ("svc/Dockerfile.prod", Framework.DOCKERFILE),
    ("svc/api.dockerfile", Framework.DOCKERFILE),
    ("Containerfile", Framework.DOCKERFILE),
    ("gate/checks/iac/parsers/dockerfile.py", None),
    ("docs/Dockerfile.md", None),
    ("Dockerfile.j2", None),
    ("infra/main.tf", Framework.TERRAFORM),
    (".github/workflows/ci.yml", SNIFF),  # CI files belong to the pipeline check
    (".gitlab-ci.yml", SNIFF),
    ("k8s/deploy.yaml", SNIFF),
    ("app.py", None),
])
def test_classify(path: str, expected: object) -> None:
    assert classify(path) == expected


SORT_OUT_PATHS = (
    "Dockerfile", "svc/Dockerfile.prod", "svc/api.dockerfile", "Containerfile",
    "x/containerfile.dev",
    "gate/checks/iac/parsers/dockerfile.py", "dockerfile/app.py", "docs/Dockerfile.md",
    "Dockerfile.j2", "infra/main.tf", "infra/main.TF", "infra/a.tf.json", "infra/a.tf.bak",
    "terraform.tfvars", "env/prod.auto.tfvars", "env/prod.tfvars", "env/Terraform.tfvars",
    "k8s/deploy.yaml", "k8s/deploy.YML", "cfn/stack.template", "cfn/stack.json",
    "compose.yaml", "svc/docker-compose.prod.yml", "chart/Chart.yaml", "chart/chart.yaml",
    "chart/Chart.lock", "base/kustomization.yaml", "base/kustomization.yml",
    "base/Kustomization", "base/kustomization", "base/my-kustomization", "app.py", "README.md",
    "a/b/c", "", "weird/.yaml", "ÄÖ/İx.YAML", "x.yaml/readme.txt",
)


def test_sort_out_agrees_with_the_functions_it_stands_for() -> None:
    from gate.checks.iac.names import TFVARS, is_tfvars, renders, sort_out

    expected = tuple((p, classify(p) or TFVARS) for p in SORT_OUT_PATHS
                     if classify(p) is not None or is_tfvars(p))
    found = sort_out(SORT_OUT_PATHS)
    assert found.candidates == expected
    assert len(expected) == 22  # none passed over that one of them accepts
    assert found.renders is True
    assert [p for p in SORT_OUT_PATHS if renders(p)] == [
        "chart/Chart.yaml", "base/kustomization.yaml", "base/kustomization.yml",
        "base/Kustomization"]
    assert sort_out(("app.py", "k8s/deploy.yaml")).renders is False
    assert sort_out(()).candidates == ()

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

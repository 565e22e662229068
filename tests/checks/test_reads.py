"""``Check.reads``: the files a check could read, so a base tree holds only those."""

from __future__ import annotations

from gate.checks.dependencies import DependenciesCheck
from gate.checks.iac import IacCheck
from gate.checks.sast import SastCheck


def test_iac_reads_templates_by_name() -> None:
    assert [p for p in ("main.tf", "prod.auto.tfvars", "k8s/app.yaml", "Dockerfile",
                        ".github/workflows/ci.yml", "app/views.py", "README.md")
            if IacCheck.reads(p, {})] == ["main.tf", "prod.auto.tfvars", "k8s/app.yaml",
                                          "Dockerfile", ".github/workflows/ci.yml"]


def test_dependencies_reads_manifests_and_includable_text() -> None:
    paths = ("requirements.txt", "pyproject.toml", "uv.lock", "constraints.in", "app/views.py",
             "deps/prod")
    assert [p for p in paths if DependenciesCheck.reads(p, {})] == [
        "requirements.txt", "pyproject.toml", "uv.lock", "constraints.in"]
    assert DependenciesCheck.reads("deps/prod", {"files": ["deps/prod"]}) is True


def test_default_is_every_file() -> None:
    assert SastCheck.reads("anything.bin", {}) is True

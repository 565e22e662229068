"""One parser per framework; :func:`classify` decides which one a file needs.

Names decide first (``*.tf``, ``*.tf.json``, ``Dockerfile``, ``compose.yaml`` /
``docker-compose*.yml``); CI definitions belong to the ``pipeline`` check
(:mod:`gate.checks.pipeline`); other YAML/JSON files are sniffed for a CloudFormation
template or a Kubernetes manifest, so an arbitrary config file is never
parsed as either.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from gate.checks.iac.interface import Framework
from gate.checks.iac.parsers.cloudformation import looks_like_cloudformation
from gate.checks.iac.parsers.compose import is_compose_name
from gate.checks.iac.parsers.kubernetes import looks_like_kubernetes

__all__ = ["SNIFF", "classify", "sniff"]

SNIFF = "sniff"
"""Marker: the name says YAML/JSON, the content decides."""

_DATA_SUFFIXES = (".yaml", ".yml", ".json", ".template")


# ``Dockerfile.prod`` is a Dockerfile; ``dockerfile.py`` (a parser for them) is not.
_NOT_DOCKERFILE_SUFFIXES = frozenset({
    ".py", ".pyi", ".pyc", ".md", ".rst", ".txt", ".json", ".yml", ".yaml", ".toml", ".sh",
    ".j2", ".jinja", ".tpl", ".tmpl", ".template", ".bak", ".orig", ".swp", ".lock", ".go",
    ".js", ".ts", ".rb",
})


def classify(path: str) -> Framework | str | None:
    """The framework a path belongs to, :data:`SNIFF` when the content decides, else None."""
    pure = PurePosixPath(path)
    name = pure.name
    lower = name.lower()
    if lower.endswith((".tf", ".tf.json")):
        return Framework.TERRAFORM
    if lower in ("dockerfile", "containerfile") or lower.endswith(".dockerfile") \
            or (lower.startswith(("dockerfile.", "containerfile."))
                and PurePosixPath(lower).suffix not in _NOT_DOCKERFILE_SUFFIXES):
        return Framework.DOCKERFILE
    if is_compose_name(lower):
        return Framework.COMPOSE
    if lower.endswith(_DATA_SUFFIXES):
        return SNIFF
    return None


def sniff(text: str) -> Framework | None:
    """CloudFormation or Kubernetes from the content; None for any other YAML/JSON."""
    if looks_like_cloudformation(text):
        return Framework.CLOUDFORMATION
    if looks_like_kubernetes(text):
        return Framework.KUBERNETES
    return None

"""Which files the IaC check could read, judged by their names alone.

Light on purpose (no parser, no rule is imported): the check's class answers
:meth:`~gate.checks.interface.Check.reads` with it in the parent process, for every
inventoried file, before any worker starts. Names decide first (``*.tf``, ``*.tf.json``,
``Dockerfile``, ``compose.yaml`` / ``docker-compose*.yml``); other YAML/JSON files are
:data:`SNIFF`: their content decides (:func:`gate.checks.iac.parsers.sniff`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from gate.checks.iac.frameworks import Framework

__all__ = ["CHART_NAMES", "DEFAULT_MAX_BYTES", "KUSTOMIZATION_NAMES", "SNIFF", "TFVARS", "Sorted",
           "classify", "is_compose_name", "is_iac_candidate", "is_tfvars", "reads", "renders",
           "sort_out"]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""Bigger files are reported as not scanned: templates that large are generated, not written
(the ``max_file_bytes`` option; :mod:`gate.checks.iac.loader` reads with it)."""

SNIFF = "sniff"
"""Marker: the name says YAML/JSON, the content decides."""

TFVARS = "tfvars"
"""Marker: a Terraform module's variable values (:func:`is_tfvars`)."""

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
"""The files that make a directory a kustomize overlay (:mod:`gate.checks.iac.rendering`)."""

CHART_NAMES = frozenset({"Chart.yaml", "Chart.lock", ".helmignore", "values.schema.json"})
"""Files of a Helm chart that are no template (:mod:`gate.checks.iac.rendering`)."""

_DATA_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[._-][\w.-]*)?\.ya?ml$")

# ``Dockerfile.prod`` is a Dockerfile; ``dockerfile.py`` (a parser for them) is not.
_NOT_DOCKERFILE_SUFFIXES = frozenset({
    ".py", ".pyi", ".pyc", ".md", ".rst", ".txt", ".json", ".yml", ".yaml", ".toml", ".sh",
    ".j2", ".jinja", ".tpl", ".tmpl", ".template", ".bak", ".orig", ".swp", ".lock", ".go",
    ".js", ".ts", ".rb",
})


def is_compose_name(lower_name: str) -> bool:
    """``compose.yaml``, ``compose.override.yml``, ``docker-compose.prod.yml``..."""
    return bool(_COMPOSE.match(lower_name))


def classify(path: str) -> Framework | str | None:
    """The framework a path belongs to, :data:`SNIFF` when the content decides, else None.

    ``path`` is repo-relative POSIX, as the inventory gives it (string operations: this runs
    for every inventoried file)."""
    lower = path.rpartition("/")[2].lower()
    if lower.endswith((".tf", ".tf.json")):
        return Framework.TERRAFORM
    if lower in ("dockerfile", "containerfile") or lower.endswith(".dockerfile") \
            or (lower.startswith(("dockerfile.", "containerfile."))
                and PurePosixPath(lower).suffix not in _NOT_DOCKERFILE_SUFFIXES):
        return Framework.DOCKERFILE
    if lower.endswith(_DATA_SUFFIXES):  # every Compose name is one of these
        return Framework.COMPOSE if is_compose_name(lower) else SNIFF
    return None


def is_tfvars(path: str) -> bool:
    """``terraform.tfvars`` and ``*.auto.tfvars``: variable values of a Terraform module."""
    name = path.rpartition("/")[2]
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def _chart_part(path: str) -> bool:
    parent, _, name = path.rpartition("/")
    if name in CHART_NAMES:
        return True
    if name.endswith(".tpl"):
        return PurePosixPath(name).suffix == ".tpl"
    if name == "NOTES.txt":
        return "templates" in parent.split("/")
    if name.endswith(".tgz"):
        return PurePosixPath(name).suffix == ".tgz" and "charts" in parent.split("/")
    return False


def is_iac_candidate(path: str) -> bool:
    """Whether the loader (or a chart render, a kustomize overlay) could read ``path``."""
    return classify(path) is not None or is_tfvars(path) or _chart_part(path) \
        or path.rpartition("/")[2] in KUSTOMIZATION_NAMES


def reads(path: str, frameworks: Collection[Framework]) -> bool:
    """:func:`is_iac_candidate`, for the chosen ``frameworks`` only."""
    kind = classify(path)
    if isinstance(kind, Framework):
        return kind in frameworks
    if kind == SNIFF:  # CloudFormation, Kubernetes, or a chart's/overlay's YAML
        return Framework.CLOUDFORMATION in frameworks or Framework.KUBERNETES in frameworks
    if is_tfvars(path):
        return Framework.TERRAFORM in frameworks
    return Framework.KUBERNETES in frameworks and (
        _chart_part(path) or path.rpartition("/")[2] in KUSTOMIZATION_NAMES)


def renders(path: str) -> bool:
    """Whether ``path`` makes its directory a Helm chart (``Chart.yaml``) or a kustomize
    overlay: what :func:`gate.checks.iac.rendering.render` looks for."""
    name = path.rpartition("/")[2]
    return name == "Chart.yaml" or name in KUSTOMIZATION_NAMES


_MAYBE_SUFFIXES = (".tf", ".json", ".yaml", ".yml", ".template", ".dockerfile", ".tfvars")
"""Every name :func:`classify`, :func:`is_tfvars` or :func:`renders` accepts ends with one of
these (lower-cased), starts with ``dockerfile`` or ``containerfile``, or is
``kustomization``."""


@dataclass(frozen=True)
class Sorted:
    """A run's files sorted out in one pass (:func:`sort_out`)."""

    candidates: tuple[tuple[str, Framework | str], ...]
    """The files the loader could read, in order, each with :func:`classify`'s answer, or
    :data:`TFVARS` for a Terraform variables file."""
    renders: bool
    """Whether any file makes its directory a chart or an overlay (:func:`renders`)."""


def sort_out(paths: Iterable[str]) -> Sorted:
    """:func:`classify` (or :func:`is_tfvars`) and :func:`renders` of every path, in one pass
    that gives each path one cheap look first: a path none of them could accept (no suffix
    or name they know) is passed over without calling them (this runs for every file of
    the tree, in the check's worker)."""
    found: list[tuple[str, Framework | str]] = []
    renders_any = False
    for path in paths:
        lower = path.lower()
        if not (lower.endswith(_MAYBE_SUFFIXES) or lower.endswith("kustomization")
                or "dockerfile" in lower or "containerfile" in lower):
            continue  # a superset of what they accept: they decide below
        kind = classify(path)
        if kind is not None:
            found.append((path, kind))
        elif is_tfvars(path):
            found.append((path, TFVARS))
        if not renders_any and renders(path):
            renders_any = True
    return Sorted(tuple(found), renders_any)

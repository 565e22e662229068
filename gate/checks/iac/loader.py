"""Reading the target's files into parsed units, each file read and parsed exactly once.

Everything that stops a file from being judged becomes a
:class:`~gate.checks.interface.NotScanned` with a reason and, where known, a
line: too big, not UTF-8, not parseable, an alias bomb. Terraform files are
grouped by directory so a module is one unit. A framework's parser is imported when a
file of that framework is found (the Terraform one loads python-hcl2 and lark).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gate.checks.iac.interface import Framework, ParseError, Unit
from gate.checks.iac.names import SNIFF, classify, is_iac_candidate
from gate.checks.iac.names import is_tfvars as _is_tfvars
from gate.checks.iac.parsers import sniff
from gate.checks.interface import NotScanned
from gate.checks.textfiles import UnreadableText, read_bounded_text

__all__ = ["DEFAULT_MAX_BYTES", "Loaded", "is_iac_candidate", "load_units", "would_load"]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""Bigger files are reported as not scanned: templates that large are generated, not written."""

def _parser(framework: Framework) -> Callable[[str, str], Unit]:
    """The parser of a single-file framework, imported on first use."""
    if framework is Framework.CLOUDFORMATION:
        from gate.checks.iac.parsers.cloudformation import parse_cloudformation

        return parse_cloudformation
    if framework is Framework.KUBERNETES:
        from gate.checks.iac.parsers.kubernetes import parse_kubernetes

        return parse_kubernetes
    if framework is Framework.DOCKERFILE:
        from gate.checks.iac.parsers.dockerfile import parse_dockerfile

        return parse_dockerfile
    if framework is Framework.COMPOSE:
        from gate.checks.iac.parsers.compose import parse_compose

        return parse_compose
    raise KeyError(framework)  # Terraform is parsed per module (parse_project), never here


@dataclass(frozen=True)
class Loaded:
    """Parsed units, the files that could not be judged, and how many files were parsed."""

    units: tuple[Unit, ...]
    not_scanned: tuple[NotScanned, ...]
    files_scanned: int


def _read(root: Path, path: str, max_bytes: int) -> str:
    try:
        return read_bounded_text(root / path, max_bytes)
    except UnreadableText as exc:
        raise ParseError(str(exc)) from None


def load_units(root: Path, files: Sequence[str], frameworks: Collection[Framework],
               max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Parse every file of ``files`` that belongs to one of ``frameworks``."""
    units: list[Unit] = []
    skipped: list[NotScanned] = []
    scanned = 0
    modules: dict[str, list[tuple[str, str]]] = defaultdict(list)
    tfvars: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in files:
        kind = classify(path)
        if kind is None and Framework.TERRAFORM in frameworks and _is_tfvars(path):
            kind = "tfvars"
        if kind is None or (isinstance(kind, Framework) and kind not in frameworks):
            continue
        try:
            text = _read(root, path, max_bytes)
        except ParseError as exc:
            skipped.append(NotScanned(path, exc.reason, exc.line))
            continue
        except OSError as exc:
            skipped.append(NotScanned(path, f"cannot read: {exc.strerror or exc}"))
            continue
        directory = str(PurePosixPath(path).parent)
        if kind == "tfvars":
            tfvars[directory].append((path, text))
            continue
        framework = sniff(text) if kind == SNIFF else kind
        if not isinstance(framework, Framework) or framework not in frameworks:
            continue
        if framework is Framework.TERRAFORM:
            modules[directory].append((path, text))
            continue
        scanned += 1
        try:
            units.append(_parser(framework)(path, text))
        except ParseError as exc:
            skipped.append(NotScanned(path, exc.reason, exc.line))
    if modules or tfvars:
        from gate.checks.iac.parsers.terraform import parse_project

        project = parse_project(modules, tfvars)
        scanned += sum(len(module_files) for module_files in modules.values())
        units.extend(project.units)
        skipped.extend(NotScanned(p, e.reason, e.line) for p, e in sorted(project.errors.items()))
    return Loaded(tuple(units), tuple(skipped), scanned)


_PEEK_BYTES = 64 * 1024


def would_load(root: Path, path: str, frameworks: Collection[Framework]) -> bool:
    """Whether :func:`load_units` would parse ``path``, judging YAML/JSON by its first 64 KiB.

    For the files the check is not given (binary, or over ``max_file_size``): they
    are reported as not scanned only when they are IaC, so a 30 MB JSON fixture
    is not listed but a padded CloudFormation template is.
    """
    kind = classify(path)
    if kind is None:
        return Framework.TERRAFORM in frameworks and _is_tfvars(path)
    if kind != SNIFF:
        return kind in frameworks
    try:
        with (root / path).open("rb") as handle:
            head = handle.read(_PEEK_BYTES).decode("utf-8", "replace")
    except OSError:
        return False
    return sniff(head) in frameworks

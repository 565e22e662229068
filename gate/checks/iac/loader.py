"""Reading the target's files into parsed units, each file read and parsed exactly once.

Everything that stops a file from being judged becomes a
:class:`~gate.checks.interface.NotScanned` with a reason and, where known, a
line: too big, not UTF-8, not parseable, an alias bomb. Terraform files are
grouped by directory so a module is one unit. A framework's parser is imported when a
file of that framework is found (the Terraform one loads python-hcl2 and lark).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gate.cache.facts import FileFacts
from gate.checks.iac.interface import Framework, ParseError, Unit
from gate.checks.iac.names import DEFAULT_MAX_BYTES, SNIFF, classify, is_iac_candidate
from gate.checks.iac.names import is_tfvars as _is_tfvars
from gate.checks.iac.parsers import sniff
from gate.checks.interface import NotScanned
from gate.checks.textfiles import UnreadableText, read_bounded_text

__all__ = ["CANNOT_READ", "DEFAULT_MAX_BYTES", "SNIFF_MODULES", "Loaded", "Source",
           "is_iac_candidate", "load_units", "parse_file", "read_sources", "sniff_facts",
           "would_load"]

SNIFF_MODULES = ("gate.checks.iac.loader", "gate.checks.iac.names", "gate.checks.iac.parsers",
                 "gate.checks.iac.parsers.sniffing", "gate.checks.textfiles")
"""The code that decides what a YAML/JSON file is (its source is in the remembered verdicts' key)."""

CANNOT_READ = "cannot read: "
"""How the reason of a file the system would not let be read begins (not a fact about its
bytes: it may read next time)."""

_stat, _join = os.stat, os.path.join  # a stat per YAML/JSON file of the tree: kept lean
_NOT_IAC = "-"
"""The remembered verdict of a YAML/JSON file that is neither CloudFormation nor Kubernetes."""


def sniff_facts(cache_dir: Path | None, root: Path) -> FileFacts | None:
    """Where :func:`load_units` remembers what each YAML/JSON file is, under its stat
    (:mod:`gate.cache.facts`); ``None`` without a cache (every candidate is read)."""
    if cache_dir is None:
        return None
    return FileFacts(cache_dir, "iac-sniff", root, SNIFF_MODULES)


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
    files_read: int = 0
    """Files whose bytes were read (a YAML/JSON file remembered as no IaC is not)."""


def _read(root: Path, path: str, max_bytes: int) -> str:
    try:
        return read_bounded_text(root / path, max_bytes)
    except UnreadableText as exc:
        raise ParseError(str(exc)) from None


def _remembered(facts: FileFacts, base: str, path: str,
                max_bytes: int) -> tuple[os.stat_result | None, Framework | bool | None]:
    """The file's stat (taken before any read) and its remembered sniff verdict: a framework,
    ``None`` (no IaC), or ``False`` when nothing is remembered (the file must be read)."""
    try:
        st = _stat(_join(base, path))  # a link followed, as the read follows it
    except OSError:
        return None, False  # the read reports why
    if st.st_size > max_bytes:
        return None, False  # the read reports it as too big, whatever it once was
    known = facts.get(path, st)
    if known == _NOT_IAC:
        return st, None
    if isinstance(known, str):
        try:
            return st, Framework(known)
        except ValueError:
            pass
    return st, False


@dataclass(frozen=True)
class Source:
    """A file the check reads, as read: its path, framework (or ``"tfvars"``) and text."""

    path: str
    kind: Framework | str
    text: str


def read_sources(root: Path, files: Sequence[str], frameworks: Collection[Framework],
                 max_bytes: int = DEFAULT_MAX_BYTES, facts: FileFacts | None = None,
                 read: list[str] | None = None) -> Iterator[Source | NotScanned]:
    """Each file of ``files`` that belongs to one of ``frameworks``, read, in order, or why it
    could not be read; ``read`` collects the paths whose bytes were read.

    With ``facts`` (:func:`sniff_facts`), what each YAML/JSON file turned out to be is
    remembered under its stat, and a file remembered as no IaC (or as a framework not
    chosen) is not read again while its stat is unchanged; the caller saves ``facts``.
    """
    base = os.fspath(root)
    for path in files:
        kind = classify(path)
        if kind is None and Framework.TERRAFORM in frameworks and _is_tfvars(path):
            kind = "tfvars"
        if kind is None or (isinstance(kind, Framework) and kind not in frameworks):
            continue
        st: os.stat_result | None = None
        if kind == SNIFF and facts is not None:
            st, known = _remembered(facts, base, path, max_bytes)
            if known is None or (isinstance(known, Framework) and known not in frameworks):
                continue  # judged before, bytes unchanged: not IaC of a chosen framework
        if read is not None:
            read.append(path)
        try:
            text = _read(root, path, max_bytes)
        except ParseError as exc:
            yield NotScanned(path, exc.reason, exc.line)
            continue
        except OSError as exc:
            yield NotScanned(path, f"{CANNOT_READ}{exc.strerror or exc}")
            continue
        if kind == SNIFF:
            framework = sniff(text)
            if st is not None and facts is not None:  # the stat was taken before the read
                facts.put(path, st, framework.value if framework is not None else _NOT_IAC)
            if framework is None or framework not in frameworks:
                continue
            kind = framework
        yield Source(path, kind, text)


def parse_file(source: Source) -> Unit:
    """The unit of a single-file framework's file; raises :class:`ParseError`."""
    if not isinstance(source.kind, Framework):
        raise KeyError(source.kind)  # tfvars go to parse_project with their module
    return _parser(source.kind)(source.path, source.text)


def load_units(root: Path, files: Sequence[str], frameworks: Collection[Framework],
               max_bytes: int = DEFAULT_MAX_BYTES, facts: FileFacts | None = None) -> Loaded:
    """Parse every file of ``files`` that belongs to one of ``frameworks`` (``facts``: see
    :func:`read_sources`)."""
    units: list[Unit] = []
    skipped: list[NotScanned] = []
    scanned = 0
    read: list[str] = []
    modules: dict[str, list[tuple[str, str]]] = defaultdict(list)
    tfvars: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source in read_sources(root, files, frameworks, max_bytes, facts, read):
        if isinstance(source, NotScanned):
            skipped.append(source)
            continue
        if source.kind == "tfvars" or source.kind is Framework.TERRAFORM:
            group = tfvars if source.kind == "tfvars" else modules
            group[str(PurePosixPath(source.path).parent)].append((source.path, source.text))
            continue
        scanned += 1
        try:
            units.append(parse_file(source))
        except ParseError as exc:
            skipped.append(NotScanned(source.path, exc.reason, exc.line))
    if modules or tfvars:
        from gate.checks.iac.parsers.terraform import parse_project

        project = parse_project(modules, tfvars)
        scanned += sum(len(module_files) for module_files in modules.values())
        units.extend(project.units)
        skipped.extend(NotScanned(p, e.reason, e.line) for p, e in sorted(project.errors.items()))
    return Loaded(tuple(units), tuple(skipped), scanned, len(read))


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

"""Terraform modules (directories of ``.tf`` / ``.tf.json`` files) -> resources.

Each file is parsed once with python-hcl2 (JSON files by :mod:`.terraform_json`):
the Lark tree gives the line spans (:mod:`.hcl_lines`), the serialised dict
gives the values. Variables with a literal default (overridden by
``terraform.tfvars`` / ``*.auto.tfvars`` in the same directory) and ``locals``
are resolved by :class:`.Evaluator`; ``count``, ``for_each`` and ``dynamic``
are expanded where static (:mod:`.terraform_expand`). Each module instance is
one :class:`Unit` so rules can follow ``aws_s3_bucket_versioning.x.bucket`` back
to its bucket: a root directory, and every local module it calls, built with
the call's inputs (its resources carry the call as ``via``). Remote modules
(registry, git) are not fetched: their resources are not in the repository. A
file that does not parse is reported on its own and the rest is still scanned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.checks.iac.interface import Framework, ParseError, Resource, Unit, name_key
from gate.checks.iac.parsers.hcl_lines import BlockSpan
from gate.checks.iac.parsers.ignores import in_span
from gate.checks.iac.parsers.kubernetes import workload_problem
from gate.checks.iac.parsers.terraform_eval import Evaluator
from gate.checks.iac.parsers.terraform_expand import copies, expand_dynamic
from gate.checks.iac.parsers.terraform_files import (
    LITERAL_NAMES,
    TfFile,
    aws_provider_version,
    blocks,
    collect_refs,
    entries,
    module_locals,
    module_variables,
    parse_file,
)
from gate.checks.iac.parsers.tf_kubernetes import TF_KINDS, as_manifest
from gate.findings import Location, RelatedLocation

__all__ = ["MAX_MODULE_DEPTH", "ModuleResult", "ProjectResult", "parse_module", "parse_project"]


@dataclass
class ModuleResult:
    """The module's unit plus the files that could not be parsed (path -> error)."""

    unit: Unit
    errors: dict[str, ParseError] = field(default_factory=dict)


_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_EXAMPLE_DIRS = frozenset({"example", "examples", "sample", "samples", "test", "tests", "testdata",
                           "fixtures", "docs", "doc"})
MAX_MODULE_DEPTH = 8
"""Nested local module calls deeper than this are not instantiated (cycles never are)."""
MAX_INSTANCES = 256
"""Module instances per scan; calls beyond it are reported, not instantiated (bounds time)."""


@dataclass
class ProjectResult:
    """Every module instance as a unit, plus the files that could not be parsed."""

    units: list[Unit]
    errors: dict[str, ParseError] = field(default_factory=dict)


@dataclass(frozen=True)
class _Call:
    """A ``module`` block with a local source."""

    name: str
    body: Mapping[str, Any]
    target: str
    path: str
    span: BlockSpan


def _local_target(directory: str, source: Any) -> str | None:
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None
    parts: list[str] = [] if directory in ("", ".") else directory.split("/")
    for step in source.rstrip("/").split("/"):
        if step in ("", "."):
            continue
        if step == "..":
            if not parts:
                return None  # leaves the scanned tree
            parts.pop()
        else:
            parts.append(step)
    return "/".join(parts) or "."


def _calls(directory: str, files: Sequence[TfFile]) -> list[_Call]:
    found = []
    for f in files:
        for entry in entries(f.data, "module"):
            for name, body in entry.items():
                if not isinstance(body, Mapping):
                    continue
                target = _local_target(directory, body.get("source"))
                if target is not None:
                    span = f.spans.get(("module", name), BlockSpan(1, 1, {}))
                    found.append(_Call(name, body, target, f.path, span))
    return found


def _example_like(directory: str) -> bool:
    return bool(_EXAMPLE_DIRS & set(directory.lower().split("/")))


class _Project:
    """The parsed directories and how their local module calls connect them."""

    def __init__(self, parsed: Mapping[str, list[TfFile]],
                 tfvars: Mapping[str, Sequence[tuple[str, str]]]) -> None:
        self.parsed = parsed
        self.tfvars = tfvars
        self.calls = {d: [c for c in _calls(d, files) if c.target in parsed]
                      for d, files in parsed.items()}
        self.instantiated = 0
        self.skipped: dict[str, ParseError] = {}

    def roots(self) -> list[str]:
        """Directories evaluated on their own: all but modules a non-example caller uses.

        A module called from real code is judged with that caller's inputs; one
        called only from examples or tests is judged on its defaults, so an
        example's deliberate settings never land on the module's own lines.
        """
        called = {c.target for d, calls in self.calls.items() if not _example_like(d)
                  for c in calls}
        roots = [d for d in sorted(self.parsed) if d not in called]
        reached = set(roots)
        todo = list(roots)
        while todo:
            directory = todo.pop()
            if _example_like(directory):
                continue
            for call in self.calls[directory]:
                if call.target not in reached:
                    reached.add(call.target)
                    todo.append(call.target)
        # modules only reachable through a cycle are judged on their own, never skipped
        return roots + [d for d in sorted(self.parsed) if d not in reached]

    def instances(self, directory: str, variables: Mapping[str, Any], prefix: str,
                  via: tuple[RelatedLocation, ...], stack: tuple[str, ...]) -> list[Unit]:
        files = self.parsed[directory]
        evaluator = Evaluator(variables, module_locals(files), prefix)
        units = [self._unit(files, evaluator, prefix, via)]
        if _example_like(directory) or len(stack) > MAX_MODULE_DEPTH:
            return units
        for call in self.calls[directory]:
            if call.target in stack:
                continue
            for suffix, scope in copies(call.body, evaluator):
                if self.instantiated >= MAX_INSTANCES:
                    self.skipped.setdefault(call.path, ParseError(
                        f"more than {MAX_INSTANCES} module instances: module.{call.name} and "
                        "later calls are not instantiated", call.span.start))
                    break
                self.instantiated += 1
                evaluator.scope = scope
                inputs = {k: evaluator.resolve(v) for k, v in call.body.items()
                          if k not in _META}
                evaluator.scope = {}
                target_vars = {**module_variables(self.parsed[call.target], ()), **inputs}
                source = call.body.get("source")
                where = RelatedLocation(Location(call.path, call.span.start, call.span.end),
                                        f"module.{call.name}{suffix} ({source}) instantiates it")
                units += self.instances(call.target, target_vars,
                                        f"{prefix}module.{call.name}{suffix}.", (*via, where),
                                        (*stack, call.target))
        return units

    def _unit(self, files: Sequence[TfFile], evaluator: Evaluator, prefix: str,
              via: tuple[RelatedLocation, ...]) -> Unit:
        resources: list[Resource] = []
        refs_of: dict[str, dict[str, frozenset[str]]] = {}
        for f in files:
            for kind in ("resource", "data"):
                for rtype, name, body in blocks(f.data, kind):
                    if not isinstance(body, Mapping):
                        continue
                    span = f.spans.get((kind, rtype, name), BlockSpan(1, 1, {}))
                    base = f"{rtype}.{name}" if kind == "resource" else f"data.{rtype}.{name}"
                    for suffix, scope in copies(body, evaluator):
                        evaluator.scope = dict(scope)
                        lines = dict(span.lines)
                        try:
                            expanded = expand_dynamic(body, lines, evaluator)
                            props = evaluator.resolve(
                                {k: v for k, v in expanded.items()
                                 if k not in ("count", "for_each")})
                        finally:
                            evaluator.scope = {}
                        address = f"{prefix}{base}{suffix}"
                        literal = name_key(props.get(LITERAL_NAMES.get(rtype, "")))
                        resources.append(Resource(
                            framework=Framework.TERRAFORM, path=f.path, type=rtype, name=name,
                            address=address, start_line=span.start, end_line=span.end,
                            properties=props, lines=lines,
                            ignores=in_span(f.comments, span.start, span.end),
                            names=frozenset({literal}) if literal is not None else frozenset(),
                            via=via,
                            unreadable=workload_problem(TF_KINDS[rtype],
                                                        as_manifest(rtype, props))
                            if rtype in TF_KINDS else "",
                        ))
                        refs_of[address] = {k: collect_refs(v) for k, v in props.items()}
        version = aws_provider_version(files)
        settings = {"aws_provider_version": version} if version else {}
        return Unit(Framework.TERRAFORM, tuple(resources), refs_of, settings)


def parse_project(directories: Mapping[str, Sequence[tuple[str, str]]],
                  tfvars: Mapping[str, Sequence[tuple[str, str]]],
                  parse: Callable[[str, str], TfFile] = parse_file) -> ProjectResult:
    """Parse every directory of ``.tf`` / ``.tf.json`` files and instantiate local modules.

    Each root directory is one unit; every local ``module`` call it makes
    (recursively) becomes another unit, built from the module's files with the
    call's inputs, whose resources carry the call as ``via``. ``parse``: how one file is
    parsed (:func:`gate.checks.iac.tf_files.remembering_parser` remembers each).
    """
    parsed: dict[str, list[TfFile]] = {}
    errors: dict[str, ParseError] = {}
    for directory, files in directories.items():
        parsed[directory] = []
        for path, text in files:
            try:
                parsed[directory].append(parse(path, text))
            except ParseError as exc:
                errors[path] = exc
    project = _Project(parsed, tfvars)
    units: list[Unit] = []
    for root in project.roots():
        try:
            variables = module_variables(parsed[root], tfvars.get(root, ()))
            units += project.instances(root, variables, "", (), (root,))
        except (RecursionError, TypeError, ValueError, AttributeError, KeyError) as exc:
            # shapes python-hcl2 accepts but no Terraform would: the module is reported,
            # never dropped, and never takes the rest of the scan down
            for f in parsed[root]:
                errors.setdefault(f.path, ParseError(
                    f"module could not be evaluated ({type(exc).__name__}: {str(exc)[:120]})"))
    for path, error in project.skipped.items():
        errors.setdefault(path, error)
    return ProjectResult(units, errors)


def parse_module(files: Sequence[tuple[str, str]],
                 tfvars: Sequence[tuple[str, str]] = ()) -> ModuleResult:
    """Parse the ``(path, text)`` files of one directory into one unit (no module calls)."""
    result = parse_project({"": files}, {"": tfvars})
    return ModuleResult(result.units[0], result.errors)

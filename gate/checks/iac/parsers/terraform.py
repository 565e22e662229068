"""Terraform modules (one directory of ``.tf`` files) -> resources.

Each file is parsed once with python-hcl2: the Lark tree gives the line spans
(:mod:`.hcl_lines`), the serialised dict gives the values. Variables with a
literal default (overridden by ``terraform.tfvars`` / ``*.auto.tfvars`` in the
same directory) and ``locals`` are resolved by :class:`.Evaluator`; the module
is one :class:`Unit` so rules can follow ``aws_s3_bucket_versioning.x.bucket``
back to its bucket. A file that does not parse is reported on its own and the
rest of the module is still scanned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import hcl2
from lark.exceptions import UnexpectedInput

from gate.checks.iac.interface import Framework, ParseError, Resource, Unit, Unknown, name_key
from gate.checks.iac.parsers.hcl_lines import BlockSpan, block_spans
from gate.checks.iac.parsers.ignores import comment_ignores, in_span
from gate.checks.iac.parsers.terraform_eval import OPTIONS, Evaluator

__all__ = ["ModuleResult", "parse_module"]

_LITERAL_NAMES = {"aws_s3_bucket": "bucket"}
"""Attributes whose literal value other resources may use instead of a reference."""


@dataclass
class ModuleResult:
    """The module's unit plus the files that could not be parsed (path -> error)."""

    unit: Unit
    errors: dict[str, ParseError] = field(default_factory=dict)


@dataclass
class _File:
    path: str
    data: dict[str, Any]
    spans: dict[tuple[str, ...], BlockSpan]
    comments: dict[int, Any]


def _parse_file(path: str, text: str) -> _File:
    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        line = exc.line if isinstance(exc.line, int) and exc.line > 0 else None
        raise ParseError(f"invalid HCL: {str(exc).splitlines()[0]}", line) from None
    except Exception as exc:  # python-hcl2 raises assorted errors on odd input
        raise ParseError(f"invalid HCL: {exc}") from None
    spans = block_spans(tree)
    try:
        data = hcl2.serialize(hcl2.transform(tree), serialization_options=OPTIONS)
    except Exception as exc:  # transformer errors (bad heredoc, odd literal)
        raise ParseError(f"invalid HCL: {exc}") from None
    return _File(path, data if isinstance(data, dict) else {}, spans, comment_ignores(text))


def _blocks(data: Mapping[str, Any], kind: str) -> list[tuple[str, str, Any]]:
    """``resource``/``data`` entries as (type, name, body) triples."""
    out = []
    for entry in data.get(kind, []) or []:
        for rtype, named in (entry or {}).items():
            for name, body in (named or {}).items():
                out.append((rtype, name, body))
    return out


def _variables(files: Sequence[_File], tfvars: Sequence[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in files:
        for entry in f.data.get("variable", []) or []:
            for name, body in (entry or {}).items():
                if isinstance(body, Mapping) and "default" in body:
                    values[name] = body["default"]
    for _path, text in tfvars:
        try:
            values.update(hcl2.loads(text, serialization_options=OPTIONS))
        except Exception:  # a broken tfvars leaves the defaults in place  # noqa: S112
            continue
    return {k: (Unknown(f"var.{k}") if isinstance(v, str) and "${" in v else v)
            for k, v in values.items()}


def _locals(files: Sequence[_File]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in files:
        for entry in f.data.get("locals", []) or []:
            values.update(entry or {})
    return values


def _collect_refs(value: Any) -> frozenset[str]:
    if isinstance(value, Unknown):
        return value.refs
    if isinstance(value, list):
        return frozenset().union(*map(_collect_refs, value)) if value else frozenset()
    if isinstance(value, Mapping):
        vals = list(value.values())
        return frozenset().union(*map(_collect_refs, vals)) if vals else frozenset()
    return frozenset()


def _aws_provider_version(files: Sequence[_File]) -> str | None:
    """The ``version`` constraint of ``required_providers.aws``, if the module states one."""
    for f in files:
        for block in f.data.get("terraform", []) or []:
            for providers in (block or {}).get("required_providers", []) or []:
                aws = (providers or {}).get("aws") if isinstance(providers, Mapping) else None
                if isinstance(aws, Mapping) and isinstance(aws.get("version"), str):
                    return str(aws["version"])
                if isinstance(aws, str):
                    return aws
    return None


def parse_module(files: Sequence[tuple[str, str]],
                 tfvars: Sequence[tuple[str, str]] = ()) -> ModuleResult:
    """Parse the ``(path, text)`` files of one directory into one unit."""
    parsed: list[_File] = []
    errors: dict[str, ParseError] = {}
    for path, text in files:
        try:
            parsed.append(_parse_file(path, text))
        except ParseError as exc:
            errors[path] = exc
    evaluator = Evaluator(_variables(parsed, tfvars), _locals(parsed))
    resources: list[Resource] = []
    refs_of: dict[str, dict[str, frozenset[str]]] = {}
    for f in parsed:
        for kind in ("resource", "data"):
            for rtype, name, body in _blocks(f.data, kind):
                span = f.spans.get((kind, rtype, name), BlockSpan(1, 1, {}))
                props = evaluator.resolve(body if isinstance(body, Mapping) else {})
                address = f"{rtype}.{name}" if kind == "resource" else f"data.{rtype}.{name}"
                literal = name_key(props.get(_LITERAL_NAMES.get(rtype, "")))
                resources.append(Resource(
                    framework=Framework.TERRAFORM, path=f.path, type=rtype, name=name,
                    address=address, start_line=span.start, end_line=span.end,
                    properties=props, lines=span.lines,
                    ignores=in_span(f.comments, span.start, span.end),
                    names=frozenset({literal}) if literal is not None else frozenset(),
                ))
                refs_of[address] = {k: _collect_refs(v) for k, v in props.items()}
    version = _aws_provider_version(parsed)
    settings = {"aws_provider_version": version} if version else {}
    return ModuleResult(Unit(Framework.TERRAFORM, tuple(resources), refs_of, settings), errors)

"""One Terraform file -> its serialised blocks, spans and comments; module-wide inputs.

python-hcl2 parses native files (the Lark tree gives spans, :mod:`.hcl_lines`),
:mod:`.terraform_json` the JSON syntax. The helpers here read a module's
variables (defaults, then ``terraform.tfvars`` / ``*.auto.tfvars``), locals and
provider constraint, tolerating shapes no Terraform would accept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import hcl2
from lark.exceptions import UnexpectedInput

from gate.checks.iac.interface import ParseError, Unknown
from gate.checks.iac.parsers.hcl_lines import BlockSpan, block_spans
from gate.checks.iac.parsers.ignores import comment_ignores
from gate.checks.iac.parsers.terraform_eval import OPTIONS
from gate.checks.iac.parsers.terraform_json import parse_tf_json

__all__ = ["LITERAL_NAMES", "TfFile", "aws_provider_version", "blocks", "collect_refs",
           "entries", "module_locals", "module_variables", "parse_file"]

LITERAL_NAMES = {"aws_s3_bucket": "bucket"}
"""Attributes whose literal value other resources may use instead of a reference."""


@dataclass
class TfFile:
    path: str
    data: dict[str, Any]
    spans: dict[tuple[str, ...], BlockSpan]
    comments: dict[int, Any]


def parse_file(path: str, text: str) -> TfFile:
    if path.endswith(".json"):
        data, json_spans = parse_tf_json(text)
        return TfFile(path, data, json_spans, {})
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
    return TfFile(path, data if isinstance(data, dict) else {}, spans, comment_ignores(text))


def entries(data: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    """The mappings of a top-level section, whatever odd shape the file gave it."""
    section = data.get(kind)
    items = section if isinstance(section, list) else [section]
    return [e for e in items if isinstance(e, Mapping)]


def blocks(data: Mapping[str, Any], kind: str) -> list[tuple[str, str, Any]]:
    """``resource``/``data`` entries as (type, name, body) triples."""
    out: list[tuple[str, str, Any]] = []
    for entry in entries(data, kind):
        for rtype, named in entry.items():
            if isinstance(named, Mapping):
                out.extend((str(rtype), str(name), body) for name, body in named.items())
    return out


def module_variables(files: Sequence[TfFile], tfvars: Sequence[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in files:
        for entry in entries(f.data, "variable"):
            for name, body in entry.items():
                if isinstance(body, Mapping) and "default" in body:
                    values[name] = body["default"]
    for _path, text in tfvars:
        try:
            parsed = hcl2.loads(text, serialization_options=OPTIONS)
        except Exception:  # a broken tfvars leaves the defaults in place  # noqa: S112
            continue
        if isinstance(parsed, Mapping):
            values.update(parsed)
    return {k: (Unknown(f"var.{k}") if isinstance(v, str) and "${" in v else v)
            for k, v in values.items()}


def module_locals(files: Sequence[TfFile]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in files:
        for entry in entries(f.data, "locals"):
            values.update(entry)
    return values


def collect_refs(value: Any) -> frozenset[str]:
    if isinstance(value, Unknown):
        return value.refs
    if isinstance(value, list):
        return frozenset().union(*map(collect_refs, value)) if value else frozenset()
    if isinstance(value, Mapping):
        vals = list(value.values())
        return frozenset().union(*map(collect_refs, vals)) if vals else frozenset()
    return frozenset()


def aws_provider_version(files: Sequence[TfFile]) -> str | None:
    """The ``version`` constraint of ``required_providers.aws``, if the module states one."""
    for f in files:
        for block in entries(f.data, "terraform"):
            for providers in entries(block, "required_providers"):
                aws = providers.get("aws")
                if isinstance(aws, Mapping) and isinstance(aws.get("version"), str):
                    return str(aws["version"])
                if isinstance(aws, str):
                    return aws
    return None



"""Terraform's JSON syntax (``*.tf.json``) in the shape python-hcl2 gives native files.

The JSON is read with the same line-tracking reader as YAML templates, so
findings point at the attribute in the JSON file. Top-level sections become
the lists python-hcl2 produces (``resource: [{type: {name: body}}]``); nested
blocks stay objects or arrays, which every rule reads through ``first_block``
/ ``as_list`` alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.checks.iac.interface import AttrPath, ParseError
from gate.checks.iac.parsers.hcl_lines import BlockSpan
from gate.checks.iac.parsers.yamlnodes import load_documents

__all__ = ["parse_tf_json"]

_LABELLED = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
"""Top-level sections and how many labels their blocks carry."""


def _as_blocks(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def parse_tf_json(text: str) -> tuple[dict[str, Any], dict[tuple[str, ...], BlockSpan]]:
    """(data shaped like python-hcl2's output, spans by ``(kind, *labels)``)."""
    docs = list(load_documents(text.replace("\t", " ")))
    if not docs or not isinstance(docs[0].value, Mapping):
        raise ParseError("not a Terraform JSON file (top level is not an object)", 1)
    doc = docs[0]
    data: dict[str, Any] = {}
    spans: dict[tuple[str, ...], BlockSpan] = {}
    for kind, section in doc.value.items():
        labels = _LABELLED.get(kind)
        if labels is None:  # terraform, locals: unlabelled blocks
            data[kind] = [
                {k: _as_blocks(v) if k == "required_providers" else v for k, v in block.items()}
                if isinstance(block, Mapping) else block for block in _as_blocks(section)]
            continue
        if not isinstance(section, Mapping):
            continue
        entries: list[dict[str, Any]] = []
        for first, inner in section.items():
            if labels == 1:
                entries.append({first: inner})
                _span(spans, doc.lines, doc.ends, (kind, first))
                continue
            if isinstance(inner, Mapping):
                entries.append({first: dict(inner)})
                for second in inner:
                    _span(spans, doc.lines, doc.ends, (kind, first, second))
        data[kind] = entries
    return data, spans


def _span(spans: dict[tuple[str, ...], BlockSpan], lines: Mapping[AttrPath, int],
          ends: Mapping[AttrPath, int], key: tuple[str, ...]) -> None:
    start = lines.get(key, 1)
    inner = {path[len(key):]: line for path, line in lines.items()
             if path[:len(key)] == key and len(path) > len(key)}
    spans[key] = BlockSpan(start, ends.get(key, start), inner)

"""Line numbers for Terraform blocks and attributes, read from the raw Lark parse tree.

python-hcl2 8.x drops positions when it serialises to dicts (``with_meta``
gives nothing for blocks), but its Lark tree keeps them. The serialised dict
nests repeated blocks as lists, so paths here use the same shape:
``("ingress", 1, "cidr_blocks")`` is the second ``ingress`` block's attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lark import Token, Tree

from gate.checks.iac.interface import AttrPath

__all__ = ["BlockSpan", "block_spans"]


@dataclass(frozen=True)
class BlockSpan:
    """A top-level block's span and the lines of everything inside it."""

    start: int
    end: int
    lines: dict[AttrPath, int]


def _name(tree: Any) -> str:
    """The text of an identifier or a plain string label."""
    if isinstance(tree, Token):
        return str(tree)
    parts = []
    for child in tree.children:
        if isinstance(child, Token):
            if tree.data == "identifier" or str(child) != '"':
                parts.append(str(child))
        else:
            parts.append(_name(child))
    return "".join(parts)


def _parts(block: Tree[Any]) -> tuple[str, list[str], Tree[Any] | None]:
    ident = _name(block.children[0])
    labels = [_name(c) for c in block.children[1:] if isinstance(c, Tree) and c.data != "body"]
    body = next((c for c in block.children if isinstance(c, Tree) and c.data == "body"), None)
    return ident, labels, body


def _body_lines(body: Tree[Any], prefix: AttrPath, out: dict[AttrPath, int]) -> None:
    counts: dict[str, int] = {}
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            attr_path: AttrPath = (*prefix, _name(child.children[0]))
            out[attr_path] = child.meta.line
            _object_lines(child, attr_path, out)
        elif child.data == "block":
            ident, labels, inner = _parts(child)
            index = counts.get(ident, 0)
            counts[ident] = index + 1
            block_path: AttrPath = (*prefix, ident, index)
            path: AttrPath = (*block_path, *labels)
            out[block_path] = child.meta.line
            if labels:
                out[path] = child.meta.line
            if inner is not None:
                _body_lines(inner, path, out)


def _object_lines(attribute: Tree[Any], path: AttrPath, out: dict[AttrPath, int]) -> None:
    """Lines of the keys of an object literal assigned to an attribute (``variables = {...}``)."""
    value = attribute.children[-1]
    if isinstance(value, Tree) and value.data == "expr_term" and value.children:
        value = value.children[0]
    if not isinstance(value, Tree) or value.data != "object":
        return
    for elem in value.children:
        if isinstance(elem, Tree) and elem.data == "object_elem" and elem.children \
                and not elem.meta.empty:
            key = elem.children[0]
            name = _name(key).strip('"') if isinstance(key, Tree) else str(key)
            key_path: AttrPath = (*path, name)
            out[key_path] = elem.meta.line


def block_spans(tree: Tree[Any]) -> dict[tuple[str, ...], BlockSpan]:
    """Map ``(block type, *labels)`` of each top-level block to its span and inner lines."""
    spans: dict[tuple[str, ...], BlockSpan] = {}
    body = tree.children[0] if tree.children else None
    if not isinstance(body, Tree):
        return spans
    for child in body.children:
        if isinstance(child, Tree) and child.data == "block":
            ident, labels, inner = _parts(child)
            lines: dict[AttrPath, int] = {}
            if inner is not None:
                _body_lines(inner, (), lines)
            key = (ident, *labels)
            spans[key] = BlockSpan(child.meta.line, child.meta.end_line, lines)
    return spans

"""Safe YAML reading with line numbers, CloudFormation short-form intrinsics and bomb limits.

PyYAML's loader is used only to *compose* nodes (libyaml when available, for
speed): no constructor ever runs, so no Python object is built from a tag.
:func:`load_documents` then walks the node graph itself, which lets it

* record the line of every key and list item (findings point at attributes),
* turn ``!Ref X`` / ``!GetAtt A.B`` / ``!Sub ...`` into their long forms,
* reject any other explicit tag (``!!python/object`` included) with its line,
* count every node it expands, so an alias bomb (a few lines that expand
  exponentially through anchors) stops with an error instead of eating memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gate.checks.iac.interface import AttrPath, ParseError
from gate.yamlsafe import compose_documents

__all__ = ["MAX_NODES", "Document", "TemplateLoader", "load_documents"]

MAX_NODES = 500_000
"""Upper bound on expanded nodes per file: real templates are far below it, bombs far above."""

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TemplateLoader(_BaseLoader):  # type: ignore[misc]
    """A ``SafeLoader`` used only for composing nodes; constructors are never called."""


_INTRINSICS = frozenset({
    "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
    "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "ToJsonString",
    "Length", "ForEach", "ValueOf", "ValueOfAll", "RefAll", "Contains", "EachMemberEquals",
    "EachMemberIn",
})
_YAML = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(_YAML + t for t in (
    "str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary"))
_SCALARS = SafeConstructor()


@dataclass(frozen=True)
class Document:
    """One YAML document: its plain value, key lines and subtree end lines by path."""

    value: Any
    lines: dict[AttrPath, int]
    ends: dict[AttrPath, int]
    start_line: int
    end_line: int


class _Converter:
    """Turns composed nodes into plain values, counting expansions (see module docstring)."""

    def __init__(self, intrinsics: bool, lenient_tags: frozenset[str], max_nodes: int) -> None:
        self.intrinsics = intrinsics
        self.lenient_tags = lenient_tags
        self.max_nodes = max_nodes
        self.count = 0
        self.lines: dict[AttrPath, int] = {}
        self.ends: dict[AttrPath, int] = {}

    def convert(self, node: Node, path: AttrPath) -> tuple[Any, int]:
        self.count += 1
        if self.count > self.max_nodes:
            raise ParseError(f"YAML expands to more than {self.max_nodes} nodes "
                             "(exponential alias expansion?)", node.start_mark.line + 1)
        tag = node.tag or ""
        if tag.startswith("!") and not tag.startswith("!!"):
            return self._tagged(node, tag[1:], path)
        if tag in _CORE_TAGS:
            return self._plain(node, path)
        raise ParseError(f"unsupported YAML tag {tag!r}", node.start_mark.line + 1)

    def _tagged(self, node: Node, name: str, path: AttrPath) -> tuple[Any, int]:
        plain, end = self._plain(node, path)
        if name in self.lenient_tags:
            return {f"!{name}": plain}, end
        if not self.intrinsics:
            raise ParseError(f"unsupported YAML tag '!{name}'", node.start_mark.line + 1)
        if name in ("Ref", "Condition"):
            return {name: plain}, end
        if name not in _INTRINSICS:
            raise ParseError(f"unknown CloudFormation intrinsic '!{name}'",
                             node.start_mark.line + 1)
        if name == "GetAtt" and isinstance(plain, str):
            plain = plain.split(".", 1)
        return {f"Fn::{name}": plain}, end

    def _plain(self, node: Node, path: AttrPath) -> tuple[Any, int]:
        if isinstance(node, ScalarNode):
            return self._scalar(node), _scalar_end(node)
        if isinstance(node, SequenceNode):
            items, end = [], node.start_mark.line + 1
            for index, child in enumerate(node.value):
                sub = (*path, index)
                self.lines[sub] = child.start_mark.line + 1
                value, child_end = self.convert(child, sub)
                child_end = max(child_end, child.start_mark.line + 1)
                self.ends[sub] = child_end
                items.append(value)
                end = max(end, child_end)
            return items, end
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise ParseError("unexpected YAML node", node.start_mark.line + 1)

    def _mapping(self, node: MappingNode, path: AttrPath) -> tuple[dict[str, Any], int]:
        merged: dict[str, Any] = {}
        own: dict[str, Any] = {}
        end = node.start_mark.line + 1
        for key_node, value_node in node.value:
            if key_node.tag == _YAML + "merge":
                value, child_end = self.convert(value_node, path)
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, dict):
                        merged.update({k: v for k, v in part.items() if k not in merged})
                end = max(end, child_end)
                continue
            if not isinstance(key_node, ScalarNode):
                raise ParseError("complex mapping keys are not supported",
                                 key_node.start_mark.line + 1)
            key = str(key_node.value)
            sub = (*path, key)
            key_line = key_node.start_mark.line + 1
            self.lines[sub] = key_line
            value, child_end = self.convert(value_node, sub)
            child_end = max(child_end, key_line)
            self.ends[sub] = child_end
            own[key] = value
            end = max(end, child_end)
        merged.update(own)
        return merged, end

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        try:
            if tag == _YAML + "int":
                return _SCALARS.construct_yaml_int(node)
            if tag == _YAML + "float":
                return _SCALARS.construct_yaml_float(node)
            if tag == _YAML + "bool":
                return _SCALARS.construct_yaml_bool(node)
            if tag == _YAML + "null":
                return None
        except (ValueError, yaml.YAMLError):
            return node.value
        return node.value


def _scalar_end(node: Node) -> int:
    end = node.end_mark
    if end.column == 0 and end.line > node.start_mark.line:
        return int(end.line)
    return int(end.line) + 1


def load_documents(text: str, *, intrinsics: bool = False,
                   lenient_tags: frozenset[str] = frozenset(),
                   max_nodes: int = MAX_NODES) -> Iterator[Document]:
    """Yield each document of ``text``; raise :class:`ParseError` with the line on bad input.

    ``intrinsics`` enables CloudFormation short forms; ``lenient_tags`` are
    other tags kept as ``{"!tag": value}`` (GitLab's ``!reference``).
    """
    converter = _Converter(intrinsics, lenient_tags, max_nodes)
    try:
        for node in compose_documents(text, loader=TemplateLoader):  # gate.yamlsafe: alias limit
            converter.lines, converter.ends = {}, {}
            try:
                value, end = converter.convert(node, ())
            except RecursionError:
                raise ParseError("YAML nesting too deep", node.start_mark.line + 1) from None
            yield Document(value, converter.lines, converter.ends,
                           node.start_mark.line + 1, end)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ParseError(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}") from None

"""CloudFormation and SAM templates (YAML or JSON) -> resources.

Intrinsics are resolved as far as a template alone allows: ``Ref`` to a
parameter with a ``Default`` becomes that default; everything else (``Ref``
to a resource, ``GetAtt``, ``Sub``, ``If``...) becomes an
:class:`~gate.checks.iac.interface.Unknown` that remembers which resources it
mentions, so rules can follow a WAF association to its stage or a bucket
policy to its bucket.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gate.checks.iac.interface import (
    AttrPath,
    Framework,
    InlineIgnore,
    ParseError,
    Resource,
    Unit,
    Unknown,
)
from gate.checks.iac.parsers.ignores import comment_ignores, in_span
from gate.checks.iac.parsers.yamlnodes import load_documents

__all__ = ["looks_like_cloudformation", "parse_cloudformation"]

_SUB_VAR = re.compile(r"\$\{([A-Za-z0-9_:]+)(?:\.[A-Za-z0-9_.]+)?\}")
_SNIFF = re.compile(r"AWSTemplateFormatVersion|[\"']?Type[\"']?\s*:\s*[\"']?AWS::")


def looks_like_cloudformation(text: str) -> bool:
    """Cheap test on the text: a template version or an ``AWS::`` resource type."""
    return bool(_SNIFF.search(text)) and "Resources" in text


class _Resolver:
    """Resolves intrinsics against the template's parameters and resources."""

    def __init__(self, parameters: Mapping[str, Any], resources: frozenset[str]) -> None:
        self.defaults = {
            name: body["Default"]
            for name, body in parameters.items()
            if isinstance(body, Mapping) and "Default" in body
            and not isinstance(body["Default"], Mapping | list)
        }
        self.resources = resources

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" and isinstance(arg, str):
                if arg in self.defaults:
                    return self.defaults[arg]
                refs = frozenset({arg}) & self.resources
                return Unknown(f"Ref {arg}", refs)
            if key.startswith("Fn::") or key == "Condition":
                return Unknown(f"{key} {arg!r}"[:300], frozenset(self._refs(key, arg)))
        return {k: self.resolve(v) for k, v in value.items()}

    def _refs(self, key: str, arg: Any) -> set[str]:
        found: set[str] = set()
        if key == "Fn::GetAtt":
            target = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(target, str):
                found.add(target.split(".", 1)[0])
        elif key == "Fn::Sub":
            template = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(template, str):
                found.update(_SUB_VAR.findall(template))
            if isinstance(arg, list) and len(arg) > 1:
                found.update(self._walk_refs(arg[1]))
            return found & self.resources
        found.update(self._walk_refs(arg))
        return found & self.resources

    def _walk_refs(self, value: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(value, list):
            for item in value:
                found |= self._walk_refs(item)
        elif isinstance(value, Mapping):
            for key, arg in value.items():
                if key == "Ref" and isinstance(arg, str):
                    found.add(arg)
                elif key.startswith("Fn::"):
                    found |= self._refs(key, arg)
                else:
                    found |= self._walk_refs(arg)
        return found


def _refs_in(value: Any) -> frozenset[str]:
    if isinstance(value, Unknown):
        return value.refs
    if isinstance(value, list):
        return frozenset().union(*(_refs_in(v) for v in value)) if value else frozenset()
    if isinstance(value, Mapping):
        return frozenset().union(*(_refs_in(v) for v in value.values())) if value else frozenset()
    return frozenset()


def _metadata_ignores(body: Mapping[str, Any]) -> tuple[InlineIgnore, ...]:
    """``Metadata: {gate: {ignore: [{id, reason}]}}`` (and checkov's ``skip`` for migrants)."""
    meta = body.get("Metadata")
    if not isinstance(meta, Mapping):
        return ()
    found = []
    for owner, list_key, reason_key in (("gate", "ignore", "reason"), ("checkov", "skip", "comment")):
        section = meta.get(owner)
        entries = section.get(list_key) if isinstance(section, Mapping) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, str):
                found.append(InlineIgnore((entry.upper(),), None, None))
            elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                reason = entry.get(reason_key)
                found.append(InlineIgnore((entry["id"].upper(),),
                                          reason if isinstance(reason, str) else None, None))
    return tuple(found)


def parse_cloudformation(path: str, text: str) -> Unit:
    """Parse one template; raise :class:`ParseError` when it is not a readable template."""
    if path.endswith(".json"):
        text = text.replace("\t", " ")  # JSON allows tabs only as whitespace; YAML does not
    docs = list(load_documents(text, intrinsics=True))
    if not docs or not isinstance(docs[0].value, Mapping):
        raise ParseError("not a CloudFormation template (top level is not a mapping)", 1)
    doc = docs[0]
    resources = doc.value.get("Resources")
    if not isinstance(resources, Mapping):
        raise ParseError("not a CloudFormation template (no Resources mapping)", 1)
    parameters = doc.value.get("Parameters")
    resolver = _Resolver(parameters if isinstance(parameters, Mapping) else {},
                         frozenset(resources))
    lines: dict[str, dict[AttrPath, int]] = {name: {} for name in resources}
    for attr_path, line in doc.lines.items():
        if len(attr_path) > 3 and attr_path[0] == "Resources" and attr_path[2] == "Properties":
            per = lines.get(str(attr_path[1]))
            if per is not None:
                per[attr_path[3:]] = line
    comments = comment_ignores(text)
    out = []
    refs_of = {}
    for name, body in resources.items():
        start = doc.lines.get(("Resources", name), 1)
        if not isinstance(body, Mapping) or not isinstance(body.get("Type"), str):
            raise ParseError(f"resource {name!r} has no Type", start)
        raw = body.get("Properties", {})
        props = resolver.resolve(raw) if isinstance(raw, Mapping) else {}
        end = doc.ends.get(("Resources", name), start)
        out.append(Resource(
            framework=Framework.CLOUDFORMATION, path=path, type=body["Type"], name=name,
            address=name, start_line=start, end_line=end, properties=props,
            lines=lines[name],
            ignores=_metadata_ignores(body) + in_span(comments, start, end),
        ))
        refs_of[name] = {attr: _refs_in(value) for attr, value in props.items()}
    return Unit(Framework.CLOUDFORMATION, tuple(out), refs_of)

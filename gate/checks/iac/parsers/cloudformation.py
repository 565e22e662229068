"""CloudFormation and SAM templates (YAML or JSON) -> resources.

Intrinsics are resolved as far as a template alone allows
(:mod:`.cfn_intrinsics`: parameter defaults, static ``Sub``/``Join``/``Select``/
``If``/``FindInMap``, static ``Conditions``); everything else becomes an
:class:`~gate.checks.iac.interface.Unknown` that remembers which resources it
mentions, so rules can follow a WAF association to its stage or a bucket
policy to its bucket. SAM ``Globals`` are merged into the resources they
apply to; a resource whose ``Condition`` is statically false is left out.
JSON and YAML templates go through the same reader, so they judge alike.
"""

from __future__ import annotations

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
    name_key,
)
from gate.checks.iac.parsers.cfn_intrinsics import Resolver
from gate.checks.iac.parsers.ignores import comment_ignores, in_span
from gate.checks.iac.parsers.sniffing import looks_like_cloudformation
from gate.checks.iac.parsers.yamlnodes import load_documents

__all__ = ["looks_like_cloudformation", "parse_cloudformation"]

_GLOBALS = {"Function": "AWS::Serverless::Function", "Api": "AWS::Serverless::Api",
            "HttpApi": "AWS::Serverless::HttpApi", "SimpleTable": "AWS::Serverless::SimpleTable",
            "StateMachine": "AWS::Serverless::StateMachine",
            "LayerVersion": "AWS::Serverless::LayerVersion"}
"""SAM ``Globals`` sections and the resource type each applies to."""


def _merge(base: Any, override: Any) -> Any:
    """SAM's rule: maps merge key by key (the resource wins), anything else is replaced."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return override


def _inherit_lines(own: dict[AttrPath, int], all_lines: Mapping[AttrPath, int], rtype: str,
                   props: Mapping[str, Any]) -> None:
    """A value the resource takes from ``Globals`` was written there: point at that line."""
    section = next(name for name, kind in _GLOBALS.items() if kind == rtype)
    prefix = ("Globals", section)
    for path, line in all_lines.items():
        if path[:2] == prefix and len(path) > 2 and path[2:] not in own:
            own[path[2:]] = line


def _globals(template: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    section = template.get("Globals")
    if not isinstance(section, Mapping):
        return {}
    return {rtype: body for name, rtype in _GLOBALS.items()
            if isinstance(body := section.get(name), Mapping)}


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


_NAME_PROPERTIES = {"AWS::S3::Bucket": "BucketName"}
"""Properties whose literal value other resources may use instead of a ``Ref``."""


def _names(rtype: str, props: Mapping[str, Any]) -> frozenset[str]:
    key = name_key(props.get(_NAME_PROPERTIES.get(rtype, "")))
    return frozenset({key}) if key is not None else frozenset()


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
    parameters, mappings, conditions = (
        section if isinstance(section := doc.value.get(key), Mapping) else {}
        for key in ("Parameters", "Mappings", "Conditions"))
    resolver = Resolver(parameters, frozenset(resources), mappings, conditions)
    inherited = _globals(doc.value)
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
        condition = body.get("Condition")
        if isinstance(condition, str) and resolver.condition(condition) is False:
            continue  # statically never created
        raw = body.get("Properties", {})
        raw = raw if isinstance(raw, Mapping) else {}
        if body["Type"] in inherited:
            _inherit_lines(lines[name], doc.lines, body["Type"], raw)
            raw = _merge(inherited[body["Type"]], raw)
        props = resolver.resolve(raw)
        end = doc.ends.get(("Resources", name), start)
        out.append(Resource(
            framework=Framework.CLOUDFORMATION, path=path, type=body["Type"], name=name,
            address=name, start_line=start, end_line=end, properties=props,
            lines=lines[name],
            ignores=_metadata_ignores(body) + in_span(comments, start, end),
            names=_names(body["Type"], props),
        ))
        refs_of[name] = {attr: _refs_in(value) for attr, value in props.items()}
    return Unit(Framework.CLOUDFORMATION, tuple(out), refs_of)

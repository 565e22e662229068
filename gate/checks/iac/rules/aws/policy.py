"""IAM policy documents in their three spellings, normalised to statements.

CloudFormation and JSON/``jsonencode`` policies use ``Effect``/``Action``/
``Resource``; Terraform's ``aws_iam_policy_document`` data source uses
``statement`` blocks with ``effect``/``actions``/``resources`` (effect
defaults to Allow). Rules then see one shape: :class:`Statement`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gate.checks.iac.interface import AttrPath, Resource, Unit, Unknown
from gate.checks.iac.values import MISSING, as_list, json_document

__all__ = ["Statement", "document_statements", "policy_of", "tf_data_statements"]


@dataclass(frozen=True)
class Statement:
    """One statement, its effect, actions, resources and raw conditions, plus where it is."""

    effect: str | Unknown
    actions: tuple[Any, ...]
    resources: tuple[Any, ...]
    not_actions: bool
    condition: Any
    at: AttrPath


def document_statements(doc: Any, at: AttrPath) -> Iterator[Statement | Unknown]:
    """Statements of a JSON-shaped document; an unknown document yields one Unknown."""
    if isinstance(doc, Unknown):
        yield doc
        return
    if not isinstance(doc, Mapping):
        return
    raw = doc.get("Statement", MISSING)
    if isinstance(raw, Unknown):
        yield raw
        return
    for index, st in enumerate(as_list(raw)):
        if isinstance(st, Unknown):
            yield st
            continue
        if not isinstance(st, Mapping):
            continue
        effect = st.get("Effect", "Allow")
        has_not = "NotAction" in st
        actions = as_list(st.get("NotAction") if has_not else st.get("Action"))
        where = (*at, "Statement", index) if isinstance(raw, list) else (*at, "Statement")
        yield Statement(effect if isinstance(effect, str | Unknown) else str(effect),
                        tuple(actions), tuple(as_list(st.get("Resource"))), has_not,
                        st.get("Condition"), where)


def tf_data_statements(res: Resource) -> Iterator[Statement | Unknown]:
    """Statements of a Terraform ``aws_iam_policy_document`` data source."""
    for index, st in enumerate(as_list(res.properties.get("statement"))):
        if not isinstance(st, Mapping):
            continue
        effect = st.get("effect", "Allow")
        has_not = "not_actions" in st
        actions = as_list(st.get("not_actions") if has_not else st.get("actions"))
        flat_actions: list[Any] = []
        for item in actions:
            flat_actions.extend(item if isinstance(item, list) else [item])
        yield Statement(effect if isinstance(effect, str | Unknown) else str(effect),
                        tuple(flat_actions), tuple(as_list(st.get("resources"))), has_not,
                        st.get("condition"), ("statement", index))


def policy_of(res: Resource, attr: str, unit: Unit) -> Iterator[Statement | Unknown]:
    """Statements of a policy attribute; follows ``data.aws_iam_policy_document.x.json``."""
    value = res.properties.get(attr, MISSING)
    if isinstance(value, Unknown):
        docs = [r for r in unit.of_type("aws_iam_policy_document") if r.ref_key in value.refs]
        if docs:
            for doc in docs:
                yield from tf_data_statements(doc)
            return
    if value is MISSING:
        return
    yield from document_statements(json_document(value), (attr,))

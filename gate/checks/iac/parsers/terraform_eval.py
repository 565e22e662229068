"""Static evaluation of Terraform values: literal variable defaults, locals, ``jsonencode``
(and the type conversions ``toset``/``tolist``/``tomap``).

Only what is knowable from the module's own text is resolved. Anything else
(a variable without a default, a computed attribute, a conditional, a
function other than ``jsonencode``) becomes an :class:`Unknown` carrying the
resource addresses it mentions, so it is never mistaken for a literal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import hcl2
from hcl2 import SerializationOptions

from gate.checks.iac.interface import Unknown

__all__ = ["OPTIONS", "Evaluator", "refs_in_text"]

OPTIONS = SerializationOptions(with_comments=False, strip_string_quotes=True,
                               explicit_blocks=False, preserve_heredocs=False)

_WHOLE = re.compile(r"^\$\{([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)"
                    r"((?:\.[A-Za-z_][\w-]*|\[\d+\]|\[\"[^\"]*\"\])*)\}$")
_TOKEN = re.compile(r"\$\{([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)"
                    r"((?:\.[A-Za-z_][\w-]*|\[\d+\]|\[\"[^\"]*\"\])*)\}")
_JSONENCODE = re.compile(r"^\$\{(?:jsonencode|toset|tolist|tomap)\((.*)\)\}$", re.DOTALL)
"""Functions that only change the type of a literal: their value is the literal's."""
_REF = re.compile(r"(?<![\w.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)")
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[\"([^\"]*)\"\]")
_MAX_DEPTH = 32
_MAX_TEXT = 65_536
"""Unknown expressions keep up to this much of their text (rules scan it for secrets)."""


def refs_in_text(text: str) -> frozenset[str]:
    """Resource addresses (``type.name`` or ``data.type.name``) mentioned in an expression."""
    return frozenset(f"{kind}.{name}" for kind, name in _REF.findall(text))


class Evaluator:
    """Resolves expressions against ``var.*`` (defaults, tfvars, module inputs), ``local.*``
    and the current copy's scope (``count.index``, ``each.key``/``each.value``, a
    ``dynamic`` block's iterator). ``prefix`` (``module.x.``) is put in front of every
    resource address an unknown expression mentions, so references stay inside the
    module instance they were written in.
    """

    def __init__(self, variables: Mapping[str, Any], locals_: Mapping[str, Any],
                 prefix: str = "") -> None:
        self.variables = dict(variables)
        self.raw_locals = dict(locals_)
        self.locals: dict[str, Any] = {}
        self.in_progress: set[str] = set()
        self.prefix = prefix
        self.scope: dict[str, Any] = {}

    def refs(self, text: str) -> frozenset[str]:
        """Resource addresses in ``text``, in this module instance's namespace."""
        found = refs_in_text(text)
        return frozenset(self.prefix + r for r in found) if self.prefix else found

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """Resolve every string in ``value`` (recursively through dicts and lists)."""
        if depth > _MAX_DEPTH:
            return Unknown("expression nested too deeply")
        if isinstance(value, str):
            return self._string(value, depth)
        if isinstance(value, list):
            return [self.resolve(v, depth + 1) for v in value]
        if isinstance(value, Mapping):
            return {k: self.resolve(v, depth + 1) for k, v in value.items()}
        return value

    def _lookup(self, kind: str, name: str, depth: int) -> Any:
        if kind == "var":
            return self.variables.get(name, Unknown(f"var.{name}"))
        if kind in self.scope:
            value = self.scope[kind]
            return value.get(name, Unknown(f"{kind}.{name}")) if isinstance(value, Mapping) \
                else Unknown(f"{kind}.{name}")
        if kind != "local":
            return _NOT_MINE
        if name in self.locals:
            return self.locals[name]
        if name not in self.raw_locals or name in self.in_progress:
            return Unknown(f"local.{name}")
        self.in_progress.add(name)
        try:
            self.locals[name] = self.resolve(self.raw_locals[name], depth + 1)
        finally:
            self.in_progress.discard(name)
        return self.locals[name]

    def _string(self, text: str, depth: int) -> Any:
        if "${" not in text:
            return text
        whole = _WHOLE.match(text)
        if whole:
            value = self._value(whole, depth)
            if value is not _NOT_MINE:
                return value
        encoded = _JSONENCODE.match(text)
        if encoded:
            return self._jsonencode(encoded.group(1), text, depth)
        replaced = _TOKEN.sub(lambda m: self._scalar_text(m, depth), text)
        if "${" in replaced:
            return Unknown(replaced[:_MAX_TEXT], self.refs(text))
        return replaced

    def _value(self, match: re.Match[str], depth: int) -> Any:
        value = self._lookup(match.group(1), match.group(2), depth)
        if value is _NOT_MINE:
            return value
        for attr, index, key in _STEP.findall(match.group(3)):
            if isinstance(value, Unknown):
                break
            value = _step(value, attr or key, index)
        return value

    def _scalar_text(self, match: re.Match[str], depth: int) -> str:
        value = self._value(match, depth)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float) and "${" not in str(value):
            return str(value)
        return match.group(0)

    def _jsonencode(self, inner: str, text: str, depth: int) -> Any:
        parsed = _parse_expression(inner)
        if parsed is None:  # any hcl2/lark failure means: not statically known
            return Unknown(text[:_MAX_TEXT], self.refs(text))
        return self.resolve(parsed, depth + 1)


@functools.lru_cache(maxsize=256)
def _parse_expression(inner: str) -> Any:
    """The serialised value of one HCL expression; None when it does not parse.

    Cached: module instances and ``count`` copies resolve the same text again.
    Callers must not mutate the result (``resolve`` builds new containers).
    """
    try:
        return hcl2.loads(f"x = {inner}\n", serialization_options=OPTIONS).get("x")
    except Exception:  # any hcl2/lark failure means: not statically known
        return None


_NOT_MINE: Any = object()
"""Marker: the expression names something other than a variable, local or scope (a resource)."""


def _step(value: Any, attr: str, index: str) -> Any:
    if attr and isinstance(value, Mapping) and attr in value:
        return value[attr]
    if index and isinstance(value, list) and int(index) < len(value):
        return value[int(index)]
    return Unknown(f"attribute {attr or index} of a known value")

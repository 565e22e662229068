"""Static evaluation of CloudFormation intrinsics, as far as a template alone allows.

Known statically: parameter defaults (``Ref``), ``Fn::Base64``, ``Fn::Sub``
whose variables are known, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``,
``Fn::FindInMap`` into literal ``Mappings``, and ``Fn::If`` whose condition
is static (``Conditions`` built from ``Fn::Equals``/``And``/``Or``/``Not``
over known values). Everything else (a ``Ref`` to a resource, ``GetAtt``, a
pseudo parameter, a parameter without default) becomes an
:class:`~gate.checks.iac.interface.Unknown` that remembers which resources it
mentions and keeps its text, so rules can follow references and scan it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gate.checks.iac.interface import Unknown

__all__ = ["Resolver"]

_SUB_VAR = re.compile(r"\$\{([A-Za-z0-9_:]+)(?:\.[A-Za-z0-9_.]+)?\}")
_MAX_TEXT = 65_536
_MAX_DEPTH = 64


class _Unresolved(Exception):
    """Raised inside a condition evaluation that meets an unknown value."""


class Resolver:
    """Resolves intrinsics against the template's parameters, mappings and conditions."""

    def __init__(self, parameters: Mapping[str, Any], resources: frozenset[str],
                 mappings: Mapping[str, Any] | None = None,
                 conditions: Mapping[str, Any] | None = None) -> None:
        self.defaults = {
            name: body["Default"]
            for name, body in parameters.items()
            if isinstance(body, Mapping) and "Default" in body
            and not isinstance(body["Default"], Mapping | list)
        }
        self.resources = resources
        self.mappings = mappings or {}
        self.raw_conditions = conditions or {}
        self.conditions: dict[str, bool | None] = {}

    # conditions -----------------------------------------------------------
    def condition(self, name: str, depth: int = 0) -> bool | None:
        """The static truth of a named condition, None when it depends on unknowns."""
        if name in self.conditions:
            return self.conditions[name]
        self.conditions[name] = None  # cycles resolve to unknown
        try:
            value = self._truth(self.raw_conditions.get(name), depth + 1)
        except _Unresolved:
            value = None
        self.conditions[name] = value
        return value

    def _truth(self, expr: Any, depth: int) -> bool:
        if depth > _MAX_DEPTH or not isinstance(expr, Mapping) or len(expr) != 1:
            raise _Unresolved
        (key, arg), = expr.items()
        if key == "Condition" and isinstance(arg, str):
            value = self.condition(arg, depth)
            if value is None:
                raise _Unresolved
            return value
        items = arg if isinstance(arg, list) else []
        if key == "Fn::Equals" and len(items) == 2:
            left, right = (self.resolve(i, depth + 1) for i in items)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                raise _Unresolved
            return str(left) == str(right)
        if key == "Fn::Not" and len(items) == 1:
            return not self._truth(items[0], depth + 1)
        if key == "Fn::And":
            return all(self._truth(i, depth + 1) for i in items)
        if key == "Fn::Or":
            return any(self._truth(i, depth + 1) for i in items)
        raise _Unresolved

    # values ---------------------------------------------------------------
    def resolve(self, value: Any, depth: int = 0) -> Any:
        """``value`` with every intrinsic replaced by its static value or an Unknown."""
        if depth > _MAX_DEPTH:
            return Unknown("expression nested too deeply")
        if isinstance(value, list):
            return [self.resolve(v, depth + 1) for v in value]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" and isinstance(arg, str):
                if arg in self.defaults:
                    return self.defaults[arg]
                return Unknown(f"Ref {arg}", frozenset({arg}) & self.resources)
            if key.startswith("Fn::") or key == "Condition":
                return self._intrinsic(key, arg, depth)
        return {k: self.resolve(v, depth + 1) for k, v in value.items()}

    def _unknown(self, key: str, arg: Any, text: str | None = None) -> Unknown:
        shown = text if text is not None else f"{key} {arg!r}"
        return Unknown(shown[:_MAX_TEXT], frozenset(self._refs(key, arg)))

    def _intrinsic(self, key: str, arg: Any, depth: int) -> Any:
        if key == "Fn::Base64":
            inner = self.resolve(arg, depth + 1)
            return inner if isinstance(inner, str | Unknown) else self._unknown(key, arg)
        if key == "Fn::Sub":
            return self._sub(arg, depth)
        if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3 \
                and isinstance(arg[0], str):
            truth = self.condition(arg[0])
            if truth is None:
                return self._unknown(key, arg)
            chosen = arg[1] if truth else arg[2]
            if chosen == {"Ref": "AWS::NoValue"}:
                return None
            return self.resolve(chosen, depth + 1)
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = self.resolve(arg[1], depth + 1)
            if isinstance(arg[0], str) and isinstance(parts, list) \
                    and all(isinstance(p, str | int | float) for p in parts):
                return arg[0].join(str(p) for p in parts)
        if key == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
            index, items = self.resolve(arg[0], depth + 1), self.resolve(arg[1], depth + 1)
            try:
                position = int(index)
            except (TypeError, ValueError):
                return self._unknown(key, arg)
            if isinstance(items, list) and 0 <= position < len(items):
                return items[position]
        if key == "Fn::Split" and isinstance(arg, list) and len(arg) == 2:
            text = self.resolve(arg[1], depth + 1)
            if isinstance(arg[0], str) and arg[0] and isinstance(text, str):
                return text.split(arg[0])
        if key == "Fn::FindInMap" and isinstance(arg, list) and len(arg) == 3:
            keys = [self.resolve(a, depth + 1) for a in arg]
            node: Any = self.mappings
            for step in keys:
                if not isinstance(step, str) or not isinstance(node, Mapping) or step not in node:
                    return self._unknown(key, arg)
                node = node[step]
            return node
        return self._unknown(key, arg)

    def _sub(self, arg: Any, depth: int) -> Any:
        template, extra = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 \
            else (arg, {})
        if not isinstance(template, str):
            return self._unknown("Fn::Sub", arg)
        local = {k: self.resolve(v, depth + 1) for k, v in extra.items()} \
            if isinstance(extra, Mapping) else {}
        missing = False

        def replace(match: re.Match[str]) -> str:
            nonlocal missing
            name = match.group(1)
            value = local.get(name, self.defaults.get(name)) if "." not in match.group(0) \
                else None
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                return str(value)
            missing = True
            return match.group(0)

        text = _SUB_VAR.sub(replace, template.replace("${!", "\x00"))
        text = text.replace("\x00", "${")
        if missing:
            return self._unknown("Fn::Sub", arg, f"Fn::Sub {text}")
        return text

    # references -----------------------------------------------------------
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

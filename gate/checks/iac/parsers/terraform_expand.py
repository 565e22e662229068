"""Terraform's repetition, expanded where it is static: ``count``, ``for_each``, ``dynamic``.

* ``count = 2`` makes ``type.name[0]`` and ``type.name[1]``; ``count = 0`` makes
  nothing (a resource switched off by a literal or a default).
* ``for_each`` over a known map or set makes one copy per key
  (``type.name["key"]``) with ``each.key`` / ``each.value`` bound.
* A ``dynamic "x"`` block becomes one ``x`` block per element of its
  ``for_each``, with its iterator bound, in place of the ``dynamic`` entry.

When the collection is not known statically, one representative copy is
kept with ``count.index`` / ``each.*`` / the iterator unknown: what does not
depend on them is still judged, what does is reported as not evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import AttrPath, Unknown
from gate.checks.iac.parsers.terraform_eval import Evaluator

__all__ = ["MAX_COPIES", "copies", "expand_dynamic"]

MAX_COPIES = 256
"""More copies than this of one resource or block are not expanded (one representative)."""


def _items(collection: Any) -> list[tuple[Any, Any]] | None:
    """(key, value) pairs of a known collection, None when unknown or too large."""
    if isinstance(collection, Mapping):
        pairs = list(collection.items())
    elif isinstance(collection, list):
        if any(isinstance(v, Unknown | Mapping | list) for v in collection):
            pairs = list(enumerate(collection))
        else:
            pairs = [(v, v) for v in collection]  # a set of strings: key == value
    else:
        return None
    if len(pairs) > MAX_COPIES or any(isinstance(v, Unknown) for _k, v in pairs):
        return None
    return pairs


def copies(body: Mapping[str, Any], evaluator: Evaluator) -> Iterator[tuple[str, dict[str, Any]]]:
    """(address suffix, scope) per instance of a resource: ``""`` when it has no count."""
    if "count" in body:
        count = evaluator.resolve(body["count"])
        if isinstance(count, bool):
            count = int(count)
        if isinstance(count, int) and 0 <= count <= MAX_COPIES:
            for index in range(count):
                yield f"[{index}]", {"count": {"index": index}}
            return
        yield "[?]", {"count": {}}
        return
    if "for_each" in body:
        pairs = _items(evaluator.resolve(body["for_each"]))
        if pairs is None:
            yield "[?]", {"each": {}}
            return
        for key, value in pairs:
            yield f'["{key}"]', {"each": {"key": key, "value": value}}
        return
    yield "", {}


def expand_dynamic(body: Mapping[str, Any], lines: dict[AttrPath, int],
                   evaluator: Evaluator, prefix: AttrPath = ()) -> dict[str, Any]:
    """``body`` with its ``dynamic`` blocks (recursively) replaced by the blocks they make.

    ``lines`` gains entries for the generated blocks, pointing at the lines the
    ``dynamic`` block's content was written on.
    """
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key == "dynamic":
            continue
        out[key] = _nested(value, lines, evaluator, (*prefix, key))
    for d_index, entry in enumerate(body.get("dynamic") or []):
        if not isinstance(entry, Mapping):
            continue
        for label, spec in entry.items():
            if not isinstance(spec, Mapping):
                continue
            named = spec.get("iterator")
            iterator = named if isinstance(named, str) else str(label)
            content = spec.get("content")
            template = content[0] if isinstance(content, list) and content else content
            if not isinstance(template, Mapping):
                continue
            pairs = _items(evaluator.resolve(spec.get("for_each")))
            bindings = [{"key": k, "value": v} for k, v in pairs] if pairs is not None else [{}]
            blocks = out.setdefault(label, [])
            if not isinstance(blocks, list):
                blocks = out[label] = [blocks]
            written = (*prefix, "dynamic", d_index, label)
            for binding in bindings:
                position = len(blocks)
                saved = evaluator.scope.get(iterator)
                evaluator.scope[iterator] = binding
                try:
                    resolved = evaluator.resolve(dict(template))
                finally:
                    if saved is None:
                        evaluator.scope.pop(iterator, None)
                    else:
                        evaluator.scope[iterator] = saved
                target: AttrPath = (*prefix, label, position)
                _alias_lines(lines, (*written, "content", 0), target)
                dynamic_at: AttrPath = (*prefix, "dynamic", d_index)
                if dynamic_at in lines:
                    lines[target] = lines[dynamic_at]
                blocks.append(resolved)
    return out


def _nested(value: Any, lines: dict[AttrPath, int], evaluator: Evaluator,
            path: AttrPath) -> Any:
    """Recurse into nested blocks (lists of mappings) to expand their ``dynamic`` blocks."""
    if isinstance(value, list):
        return [_nested(v, lines, evaluator, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        if "dynamic" in value:
            return expand_dynamic(value, lines, evaluator, path)
        # blocks nest (settings { ip_configuration { dynamic "authorized_networks" ... } })
        return {k: _nested(v, lines, evaluator, (*path, k)) for k, v in value.items()}
    return value


def _alias_lines(lines: dict[AttrPath, int], source: AttrPath, target: AttrPath) -> None:
    for path, line in list(lines.items()):
        if path[:len(source)] == source:
            lines[target + path[len(source):]] = line

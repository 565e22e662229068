"""The one way the gate reads YAML: composed safely, with a bound on alias expansion.

A YAML alias (``*a``) refers to an anchored node (``&a``) instead of copying
it, so a 1 KB "billion laughs" file composes into a few dozen nodes yet
expands to a billion when anything walks it as a tree (a constructor, a
validator, a line indexer, detect-secrets' YAML transformer). Composition
itself is linear in the text; the expansion is what explodes.

:func:`compose_documents` composes each document, then counts the nodes a full
expansion would visit without expanding anything: each node's expanded size
is computed once (memoised by identity, iteratively, so nesting depth cannot
overflow the stack). A document whose aliases would add more than
``max_alias_nodes`` nodes, or whose anchors refer to themselves (a cycle,
infinite when walked), raises :class:`YamlBombError` naming the line.
:class:`YamlBombError` is a :class:`yaml.MarkedYAMLError`, so every caller's
existing "invalid YAML" handling reports it with its line.

Used by the policy loader (:mod:`gate.policy.load`), the IaC parsers
(:mod:`gate.checks.iac.parsers.yamlnodes`), offline OSV records and, through
:func:`guard_detect_secrets_yaml`, detect-secrets' YAML transformer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

__all__ = ["MAX_ALIAS_NODES", "YamlBombError", "compose_documents", "compose_one", "construct",
           "expanded_size", "guard_detect_secrets_yaml", "load_one", "refused_yaml_files"]

MAX_ALIAS_NODES = 100_000
"""Nodes that aliases may add, per document. Real files (GitLab ``<<: *defaults``,
Compose anchors) add a few thousand at most; a 6-level bomb adds a million."""

SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (fast), else the pure-Python one."""


class YamlBombError(yaml.MarkedYAMLError):
    """The YAML would expand past the alias limit, nest too deep, or refer to itself."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem=problem, problem_mark=mark)

    def __str__(self) -> str:
        line = f" (line {self.problem_mark.line + 1})" if self.problem_mark is not None else ""
        return f"{self.problem}{line}"


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def expanded_size(root: Node, cap: int) -> tuple[int, int]:
    """(nodes a full expansion visits, distinct nodes), the first capped at ``cap``.

    Raises :class:`YamlBombError` for a node that contains itself.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            active.discard(key)
            sizes[key] = min(cap, 1 + sum(sizes[id(child)] for child in _children(node)))
            continue
        if key in sizes or key in active:
            continue
        active.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in active:
                raise YamlBombError("a YAML anchor refers to itself (recursive alias)",
                                    child.start_mark)
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)], len(sizes)


def _check(node: Node, max_alias_nodes: int) -> None:
    total, distinct = expanded_size(node, cap=1 << 62)
    if total - distinct > max_alias_nodes:
        raise YamlBombError(f"YAML expands to more than {max_alias_nodes} extra nodes through "
                            "aliases (an alias bomb?); not parsed", node.start_mark)


def compose_documents(text: str | bytes, *, loader: Any = SafeLoader,
                      max_alias_nodes: int = MAX_ALIAS_NODES) -> Iterator[Node]:
    """Each document's composed node graph, checked against the alias limit.

    ``loader`` is a ``SafeLoader``-like class (constructors never run here).
    Raises ``yaml.YAMLError`` (:class:`YamlBombError` included) on bad input.
    """
    composer = loader(text)
    try:
        while True:
            try:
                if not composer.check_node():
                    return
                node = composer.get_node()
            except RecursionError:
                raise YamlBombError("YAML nesting too deep; not parsed") from None
            if node is None:
                continue
            _check(node, max_alias_nodes)
            yield node
    finally:
        composer.dispose()


def compose_one(text: str | bytes, *, loader: Any = SafeLoader,
                max_alias_nodes: int = MAX_ALIAS_NODES) -> Node | None:
    """The single document of ``text`` as a checked node graph; ``None`` if there is none."""
    nodes = list(compose_documents(text, loader=loader, max_alias_nodes=max_alias_nodes))
    if len(nodes) > 1:
        raise yaml.composer.ComposerError(
            "expected a single document in the stream", nodes[0].start_mark,
            "but found another document", nodes[1].start_mark)
    return nodes[0] if nodes else None


def construct(node: Node, *, loader: Any = SafeLoader) -> Any:
    """The value of a node from :func:`compose_one`, built by ``loader``'s safe constructors.

    Merge keys (``<<``) are flattened into the node in place, as PyYAML does.
    """
    constructor = loader("")
    try:
        return constructor.construct_document(node)
    except RecursionError:
        raise YamlBombError("YAML nesting too deep; not parsed") from None
    finally:
        constructor.dispose()


def load_one(text: str | bytes, *, loader: Any = SafeLoader,
             max_alias_nodes: int = MAX_ALIAS_NODES) -> Any:
    """The value of the single document of ``text`` (``None`` if empty); ``yaml.YAMLError``."""
    node = compose_one(text, loader=loader, max_alias_nodes=max_alias_nodes)
    return None if node is None else construct(node, loader=loader)


_refused: set[str] = set()


def refused_yaml_files() -> set[str]:
    """Files whose YAML view detect-secrets was refused in this process (scanned as lines)."""
    return _refused


def guard_detect_secrets_yaml() -> None:
    """Make detect-secrets' YAML transformer refuse a bomb instead of expanding it.

    Its parser composes with PyYAML and then walks the *expanded* tree
    breadth-first, so a billion-laughs file grows without bound. The guard
    checks the text with :func:`compose_documents` first; past the limit it
    raises ``yaml.YAMLError``, which detect-secrets turns into its own
    ``ParsingError``: the file is then scanned as plain lines (nothing is
    hidden), and its name is remembered for the check to report.
    Idempotent; affects only the current process.
    """
    from detect_secrets.transformers import yaml as ds_yaml

    original = ds_yaml.YAMLFileParser
    if getattr(original, "_gate_bounded", False):
        return

    class BoundedYAMLFileParser(original):  # type: ignore[misc, valid-type]
        """detect-secrets' parser behind the gate's alias limit."""

        _gate_bounded = True

        def __init__(self, file: Any) -> None:
            super().__init__(file)
            try:
                for _ in compose_documents(self.content):
                    pass
            except YamlBombError:
                _refused.add(str(getattr(file, "name", "")))
                raise

    ds_yaml.YAMLFileParser = BoundedYAMLFileParser  # type: ignore[misc]

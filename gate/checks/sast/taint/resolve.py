"""Finding the repository's modules behind an import, and what a qualified name refers to.

Only files under the scanned root are ever read (the scanned code is never
imported or run); a module is looked up as ``a/b.py`` or ``a/b/__init__.py``
under the root, under ``src/``, and beside the importing file. Parsed modules
are kept for the worker's lifetime, bounded in number and size.
"""

from __future__ import annotations

import ast
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gate.checks.sast.taint.mentions import Mentions

__all__ = ["MAX_MODULE_BYTES", "ModuleInfo", "locate", "locate_beside", "locate_shared",
           "module_file", "module_name", "parse_module", "standard_library"]

WEB_TEXT = Mentions((b"flask", b"django", b"starlette", b"fastapi", b"quart", b"aiohttp",
                     b"pyramid", b"bottle", b"sanic", b"falcon", b"tornado", b"werkzeug",
                     b"litestar", b"rest_framework"))
"""A module mentioning none of these is not a web module: its ``request`` is just a name."""
MAX_MODULE_BYTES = 300_000
"""Imported modules bigger than this are not summarised (their calls propagate conservatively)."""
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))


def module_name(rel: str) -> str:
    """``pkg/sub/mod.py`` -> ``pkg.sub.mod``; ``pkg/__init__.py`` -> ``pkg``; ``src/`` dropped."""
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if parts[:1] == ["src"] and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


@dataclass
class ModuleInfo:
    """A parsed module: its tree and the definitions callers can reach by qualified name."""

    rel: str
    name: str
    tree: ast.Module
    is_package: bool
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    """Top-level functions and methods by local name (``f``, ``Class.method``)."""
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    lines: int = 0
    flask: bool = False
    """Whether the text mentions Flask or Quart (its views return HTML)."""
    web: bool = False
    """Whether the text mentions a web framework (only then is a ``request`` a request)."""
    django: bool = False
    """Whether the text mentions Django or DRF (``self.kwargs`` of a view is input)."""

    def index(self) -> None:
        """Record the top-level functions, classes and their methods."""
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[node.name] = node
            elif isinstance(node, ast.ClassDef):
                self.classes[node.name] = node
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.functions[f"{node.name}.{item.name}"] = item


def parse_module(rel: str, source: bytes | str) -> ModuleInfo:
    """Parse and index a module; raises ``SyntaxError``/``ValueError`` as :func:`ast.parse` does."""
    tree = ast.parse(source, filename=rel)
    text_lines = (source.count(b"\n") if isinstance(source, bytes) else source.count("\n")) + 1
    raw = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    info = ModuleInfo(rel, module_name(rel), tree, rel.endswith("__init__.py"), lines=text_lines,
                      flask=b"flask" in raw or b"quart" in raw, web=WEB_TEXT.search(raw),
                      django=b"django" in raw or b"rest_framework" in raw)
    info.index()
    return info


def module_file(path: str) -> bool:
    """Whether ``path`` (absolute) is a module :func:`locate` can find: one ``lstat``, a regular
    file (not a symlink) no bigger than :data:`MAX_MODULE_BYTES`."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size <= MAX_MODULE_BYTES


def standard_library(dotted: str) -> bool:
    """Whether ``dotted`` names a standard-library module (never looked up in the repository:
    :func:`locate` finds nothing for it, whatever the file system holds)."""
    return dotted.partition(".")[0] in _STDLIB


def locate(root: Path, directory: str, dotted: str,
           probe: Callable[[str], bool] = module_file) -> str | None:
    """Where the analysis finds module ``dotted`` for a file in ``directory`` (``""``: the root).

    Standard-library names are never looked up in the repository; anything
    else is tried at the root, under ``src/`` and beside the importer. A
    function of the file system only (which candidate paths exist, are regular
    files, not symlinks, and small enough: ``probe``, :func:`module_file` or a
    memo of it), so the result cache can re-ask it to tell whether an import
    still resolves where it did: :func:`locate_shared`, then, when that finds
    nothing, :func:`locate_beside`.
    """
    found = locate_shared(root, dotted, probe)
    return found if found is not None else locate_beside(root, directory, dotted, probe)


def locate_shared(root: Path, dotted: str,
                  probe: Callable[[str], bool] = module_file) -> str | None:
    """The part of :func:`locate` every importing directory shares: the root, then ``src/``."""
    if standard_library(dotted):
        return None
    return _find(root, ("", "src"), dotted, probe)


def locate_beside(root: Path, directory: str, dotted: str,
                  probe: Callable[[str], bool] = module_file) -> str | None:
    """The part of :func:`locate` that depends on the importing ``directory``: beside it."""
    if directory in {"", "."} or standard_library(dotted):
        return None
    return _find(root, (directory,), dotted, probe)


def _find(root: Path, bases: tuple[str, ...], dotted: str,
          probe: Callable[[str], bool]) -> str | None:
    parts = dotted.split(".")
    if not all(p.isidentifier() for p in parts):
        return None
    top = str(root) + "/"
    for base in bases:
        for candidate in ("/".join(parts) + ".py", "/".join(parts) + "/__init__.py"):
            rel = f"{base}/{candidate}" if base else candidate
            if probe(top + rel):
                return rel
    return None

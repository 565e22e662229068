"""Reading OSV documents from an offline database: a directory tree, a zip, or one file.

Two layouts are in real use: a checkout of an advisory repository (YAML or
JSON files at any depth, e.g. ``pypa/advisory-database``) and osv.dev's
per-ecosystem export (``PyPI/all.zip``, one JSON file per record). Zip members
are read in memory, never extracted, so member names cannot write anywhere.

YAML is decoded with a loader that keeps every scalar except ``null`` and
booleans as a string: the default resolver turns ``fixed: 3.10`` into the
float ``3.1`` and ``published: 2020-08-05T14:15:00Z`` into a datetime.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

from gate.yamlsafe import load_one

__all__ = ["MAX_DOCUMENT_BYTES", "Document", "decode", "iter_documents"]

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
"""A single OSV record is a few kB; anything bigger is skipped (zip bombs, stray data)."""

_SUFFIXES = (".json", ".yaml", ".yml")
_TEXT_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")


class _OsvYamlLoader(_SafeLoader):
    """SafeLoader that leaves numbers and dates as the strings written in the file."""


_OsvYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    """One file's bytes, or why it was not read."""

    name: str
    payload: bytes | None = None
    problem: str | None = None


def decode(doc: Document) -> object:
    """Decode a document as JSON or YAML by its suffix; raise ``ValueError`` on failure."""
    if doc.payload is None:
        raise ValueError(doc.problem or "not read")
    try:
        if doc.name.lower().endswith(".json"):
            return json.loads(doc.payload)
        return load_one(doc.payload, loader=_OsvYamlLoader)  # gate.yamlsafe: alias limit
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(f"{doc.name}: {exc}") from exc


def _wanted(name: str) -> bool:
    """Whether a file name looks like an OSV record."""
    return name.lower().endswith(_SUFFIXES)


def _from_directory(root: Path) -> Iterator[Document]:
    """Every OSV-looking file under ``root``, hidden directories (``.git``) skipped."""
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not _wanted(name):
                continue
            path = Path(current) / name
            rel = path.relative_to(root).as_posix()
            try:
                if path.stat().st_size > MAX_DOCUMENT_BYTES:
                    yield Document(rel, problem="too large")
                    continue
                yield Document(rel, payload=path.read_bytes())
            except OSError as exc:
                yield Document(rel, problem=str(exc))


def _from_zip(path: Path) -> Iterator[Document]:
    """Every OSV-looking member of a zip, read in memory with a size cap."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not _wanted(info.filename):
                continue
            if info.file_size > MAX_DOCUMENT_BYTES:
                yield Document(info.filename, problem="too large")
                continue
            try:
                yield Document(info.filename, payload=archive.read(info))
            except (zipfile.BadZipFile, OSError, ValueError) as exc:  # corrupt member
                yield Document(info.filename, problem=str(exc))


def iter_documents(path: Path) -> Iterator[Document]:
    """Documents of a database at ``path`` (directory, ``.zip``, or a single record file).

    Raises ``FileNotFoundError`` if ``path`` does not exist, ``zipfile.BadZipFile``
    for a corrupt archive and ``ValueError`` for a file of an unknown kind.
    """
    if path.is_dir():
        yield from _from_directory(path)
    elif path.is_file() and zipfile.is_zipfile(path):
        yield from _from_zip(path)
    elif path.is_file() and _wanted(path.name):
        yield Document(path.name, payload=path.read_bytes())
    elif not path.exists():
        raise FileNotFoundError(f"vulnerability database {path} does not exist")
    else:
        raise ValueError(f"vulnerability database {path} is not a directory, zip or OSV file")

"""An offline OSV database read package by package, through an index kept in the result cache.

Loading a database parses every advisory (about 2,700 YAML files for PyPA's: seconds),
while an audit asks about the few hundred packages a lockfile pins. So the first load
of a database remembers, in the result cache, for each package name where its records
were read (the document, and the record's place in it, in the order the full load
indexes them, after withdrawn and duplicate records were set aside) and what the load
found (:class:`~gate.checks.dependencies.offline.LoadStats`). A later run with the same
database reads only the documents of the packages it is asked about, with the same
parser: its answers are those of the full load, record for record.

The entry's key is the database's identity (:func:`gate.cache.identity.path_identity`:
every file's path, size and modification time; the key the audit results are cached
under already), its resolved path and the source of the modules that read records. A
zip archive is always loaded whole (its members are read from memory anyway).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import Version

from gate.cache import open_cache
from gate.cache.identity import path_identity
from gate.cache.keys import code_identity, key_for
from gate.checks.dependencies.model import VulnerabilityServiceError
from gate.checks.dependencies.offline import LoadStats, OsvDatabase, Position, load_positions
from gate.checks.dependencies.osv_record import InvalidRecord, OsvRecord, parse_record
from gate.checks.dependencies.osv_source import MAX_DOCUMENT_BYTES, Document, decode

__all__ = ["IndexedDatabase", "indexed_database"]

_VERSION = 1
_MODULES = ("gate.checks.dependencies.offline", "gate.checks.dependencies.osv_index",
            "gate.checks.dependencies.osv_record", "gate.checks.dependencies.osv_source",
            "gate.checks.dependencies.severity", "gate.yamlsafe")


@dataclass
class IndexedDatabase:
    """:class:`~gate.checks.dependencies.offline.OsvDatabase`'s lookups, each package's
    records read from their documents on first use."""

    path: Path
    positions: dict[str, list[Position]]
    stats: LoadStats
    _documents: dict[str, list[OsvRecord]] = field(default_factory=dict)
    _records: dict[str, tuple[OsvRecord, ...]] = field(default_factory=dict)

    def _document(self, name: str) -> list[OsvRecord]:
        """The records of one document, parsed as the full load parsed them."""
        if name not in self._documents:
            path = self.path / name if self.path.is_dir() else self.path
            try:
                if path.stat().st_size > MAX_DOCUMENT_BYTES:
                    raise VulnerabilityServiceError(f"vulnerability database {self.path}: "
                                                    f"{name} changed while it was read")
                raw = decode(Document(name, payload=path.read_bytes()))
                candidates = raw if isinstance(raw, list) else [raw]
                self._documents[name] = [parse_record(item) for item in candidates]
            except (OSError, ValueError, InvalidRecord) as exc:
                raise VulnerabilityServiceError(
                    f"cannot read vulnerability database {self.path}: {name}: {exc}") from exc
        return self._documents[name]

    def records(self, name: str) -> tuple[OsvRecord, ...]:
        """Every indexed record of canonical ``name``, in the full load's order."""
        if name not in self._records:
            found = []
            for document, place in self.positions.get(name, ()):
                records = self._document(document)
                if place >= len(records) or name not in records[place].packages():
                    raise VulnerabilityServiceError(
                        f"vulnerability database {self.path}: {document} changed while it "
                        "was read")
                found.append(records[place])
            self._records[name] = tuple(found)
        return self._records[name]

    def lookup(self, name: str, version: Version) -> list[OsvRecord]:
        """Records affecting canonical ``name`` at ``version``."""
        return [r for r in self.records(name) if r.matching(name, version)]


def _encode(stats: LoadStats, positions: dict[str, list[Position]]) -> dict[str, Any]:
    return {"version": _VERSION, "documents": stats.documents, "records": stats.records,
            "skipped": stats.skipped, "problems": list(stats.problems),
            "positions": {name: [[doc, place] for doc, place in found]
                          for name, found in positions.items()}}


def _decode(path: Path, value: Any) -> IndexedDatabase | None:
    """The remembered index, or ``None`` when the entry is not exactly as written."""
    if not isinstance(value, dict) or value.get("version") != _VERSION:
        return None
    try:
        documents, records = value["documents"], value["records"]
        skipped, problems, rows = value["skipped"], value["problems"], value["positions"]
        if not (type(documents) is int and type(records) is int and isinstance(skipped, dict)
                and all(type(k) is str and type(v) is int for k, v in skipped.items())
                and isinstance(problems, list) and all(type(p) is str for p in problems)
                and isinstance(rows, dict)):
            return None
        positions: dict[str, list[Position]] = {}
        for name, found in rows.items():
            if not isinstance(found, list) or not all(
                    type(row) is list and len(row) == 2 and type(row[0]) is str
                    and type(row[1]) is int for row in found):
                return None
            positions[name] = [(doc, place) for doc, place in found]
    except KeyError:
        return None
    stats = LoadStats(documents=documents, records=records, skipped=dict(skipped),
                      problems=tuple(problems))
    return IndexedDatabase(path, positions, stats)


def indexed_database(path: Path, cache_dir: Path) -> OsvDatabase | IndexedDatabase:
    """The database at ``path``: read package by package through the index remembered in
    ``cache_dir``, else loaded whole (and its index remembered). A zip is loaded whole."""
    resolved = path.resolve()
    try:
        identity = path_identity(resolved)
    except OSError as exc:
        raise VulnerabilityServiceError(f"vulnerability database {path} does not exist") from exc
    cache = open_cache(cache_dir)
    key = key_for("osv-index", {"version": _VERSION, "path": str(resolved),
                                "identity": identity, "code": code_identity(_MODULES)})
    found = _decode(path, cache.get(key))
    if found is not None:
        return found
    database, positions = load_positions(path)
    if resolved.is_dir() or not zipfile.is_zipfile(resolved):
        cache.put(key, _encode(database.stats, positions))
        if cache.stats.writes:
            cache.prune()
    return database

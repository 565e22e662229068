"""An offline OSV database, answering as a pip-audit ``VulnerabilityService`` does.

The database is loaded once per process (cached by path and modification
time), indexed by canonical package name, and queried without any network.
Results have the fields of pip-audit's ``VulnerabilityResult`` plus what OSV
knows and PyPI's JSON API does not: severity and the advisory URL. The service
and its results are the gate's own classes with pip-audit's shape, so that an
offline run never imports pip-audit (whose service package loads ``requests`` and
``pip_api``, which runs ``pip --version`` when imported).

One bad record never stops the load; a database that does not exist or
yields no readable record at all raises :class:`VulnerabilityServiceError`,
because auditing against an empty database would pass everything.
"""

from __future__ import annotations

import threading
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from packaging.version import Version

from gate.checks.dependencies.model import VulnerabilityServiceError
from gate.checks.dependencies.osv_record import EventKind, InvalidRecord, OsvRecord, parse_record
from gate.checks.dependencies.osv_source import decode, iter_documents
from gate.checks.dependencies.severity import RatedSeverity

__all__ = ["LoadStats", "OfflineOsvService", "OsvDatabase", "OsvVulnerabilityResult",
           "Position", "load_database", "load_positions", "resolve_database"]

_MAX_PROBLEMS = 5


class AdvisorySource(Protocol):
    """What answers the service: an :class:`OsvDatabase` loaded whole, or one read package by
    package (:class:`gate.checks.dependencies.osv_index.IndexedDatabase`)."""

    def lookup(self, name: str, version: Version) -> list[OsvRecord]:
        """The records affecting ``name`` at ``version``."""
        ...


@dataclass(frozen=True)
class LoadStats:
    """What loading found: indexed records and why the others were skipped."""

    documents: int = 0
    records: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)
    """Reason -> count: ``withdrawn``, ``no PyPI package``, ``duplicate id``, ``unreadable``."""
    problems: tuple[str, ...] = ()
    """The first few unreadable documents, for the user."""

    @property
    def unreadable(self) -> int:
        """Documents that were not an OSV record at all."""
        return self.skipped.get("unreadable", 0)


@dataclass(frozen=True)
class OsvDatabase:
    """Records indexed by the canonical names of the PyPI packages they affect."""

    path: Path
    index: Mapping[str, tuple[OsvRecord, ...]]
    stats: LoadStats

    def lookup(self, name: str, version: Version) -> list[OsvRecord]:
        """Records affecting canonical ``name`` at ``version``."""
        return [r for r in self.index.get(name, ()) if r.matching(name, version)]


def load_database(path: Path) -> OsvDatabase:
    """Read and index every record under ``path``; raise if nothing readable is there."""
    return load_positions(path)[0]


Position = tuple[str, int]
"""Where an indexed record was read: the document's name, and its place in the document."""


def load_positions(path: Path) -> tuple[OsvDatabase, dict[str, list[Position]]]:
    """:func:`load_database`, and for each package name where its records were read, in the
    index's order (:mod:`gate.checks.dependencies.osv_index` remembers them)."""
    index: defaultdict[str, list[OsvRecord]] = defaultdict(list)
    positions: defaultdict[str, list[Position]] = defaultdict(list)
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    problems: list[str] = []
    documents = parsed = 0
    try:
        for doc in iter_documents(path):
            documents += 1
            try:
                raw = decode(doc)
                candidates = raw if isinstance(raw, list) else [raw]
                records = [parse_record(item) for item in candidates]
            except (ValueError, InvalidRecord) as exc:
                skipped["unreadable"] += 1
                if len(problems) < _MAX_PROBLEMS:
                    problems.append(f"{doc.name}: {exc}"[:200])
                continue
            parsed += len(records)
            for place, record in enumerate(records):
                reason = ("withdrawn" if record.withdrawn else "duplicate id" if record.id in seen
                          else "no PyPI package" if not record.affected else None)
                if reason:
                    skipped[reason] += 1
                    continue
                seen.add(record.id)
                for name in record.packages():
                    index[name].append(record)
                    positions[name].append((doc.name, place))
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise VulnerabilityServiceError(
            f"cannot read vulnerability database {path}: {exc}") from exc
    if parsed == 0:
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise VulnerabilityServiceError(
            f"vulnerability database {path} has no readable OSV record "
            f"({documents} files looked at){detail}")
    stats = LoadStats(documents=documents, records=len(seen), skipped=dict(skipped),
                      problems=tuple(problems))
    return (OsvDatabase(path=path, index={k: tuple(v) for k, v in index.items()}, stats=stats),
            dict(positions))


def resolve_database(explicit: Path | None, max_age_days: float) -> tuple[Path | None, list[str]]:
    """The database to audit against, and a freshness warning about it if it is stale.

    ``explicit`` (``--vuln-db`` / ``GATE_VULN_DB``) wins; else the local database that
    ``gate db update`` wrote (:mod:`gate.checks.dependencies.vulndb.location`), if any;
    else ``None``: ask the online service. An explicit database is judged by age only
    when ``gate db update`` wrote it (its metadata file says when).
    """
    from gate.checks.dependencies.vulndb import default_database, freshness_warning, read_info

    chosen = explicit if explicit is not None else default_database()
    if chosen is None or not chosen.is_file():
        return chosen, []
    if explicit is not None and read_info(chosen) is None:
        return chosen, []
    warning = freshness_warning(chosen, max_age_days)
    return chosen, [warning] if warning else []


_CACHE: dict[tuple[str, int], OsvDatabase] = {}
_CACHE_LOCK = threading.Lock()


def cached_database(path: Path) -> OsvDatabase:
    """:func:`load_database`, once per process for the same path and modification time."""
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns)
    except OSError as exc:
        raise VulnerabilityServiceError(f"vulnerability database {path} does not exist") from exc
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE.clear()  # keep one database in memory, not every version seen
            _CACHE[key] = load_database(path)
        return _CACHE[key]


@dataclass(frozen=True)
class OsvVulnerabilityResult:
    """pip-audit's ``VulnerabilityResult`` fields plus the OSV facts the gate reports."""

    id: str
    description: str
    fix_versions: list[Version]
    aliases: set[str]
    published: Any = None
    severity: RatedSeverity | None = None
    advisory_url: str | None = None
    last_affected: tuple[Version, ...] = ()


class OfflineOsvService:
    """A pip-audit ``VulnerabilityService`` look-alike answering from an :class:`OsvDatabase`.

    ``query`` takes anything shaped like pip-audit's ``ResolvedDependency`` (``name``,
    ``canonical_name``, ``version``, ``is_skipped()``): the gate's own
    :class:`~gate.checks.dependencies.audit.Query`, or pip-audit's class itself.
    """

    def __init__(self, database: AdvisorySource) -> None:
        """Wrap an already loaded database (see :func:`cached_database`), or one read
        package by package (:func:`gate.checks.dependencies.osv_index.indexed_database`)."""
        self.database = database

    def query(self, spec: Any) -> tuple[Any, list[OsvVulnerabilityResult]]:
        """Advisories affecting ``spec``; a skipped dependency has none."""
        if spec.is_skipped():
            return spec, []
        name: str = spec.canonical_name
        version: Version = spec.version
        return spec, [_result(r, name, version) for r in self.database.lookup(name, version)]

    def query_all(self, specs: Iterable[Any]) -> Iterator[tuple[Any, list[OsvVulnerabilityResult]]]:
        """:meth:`query` for each spec, in order (pip-audit's ``query_all``)."""
        for spec in specs:
            yield self.query(spec)


def _result(record: OsvRecord, name: str, version: Version) -> OsvVulnerabilityResult:
    """The result for one record matching ``name``/``version``."""
    entries = [a for a in record.affected if a.name == name]
    fixed = sorted({v for a in entries for v in a.events(EventKind.FIXED)})
    last = sorted({v for a in entries for v in a.events(EventKind.LAST_AFFECTED)})
    return OsvVulnerabilityResult(
        id=record.id, description=record.summary, fix_versions=fixed,
        aliases=set(record.aliases), severity=record.severity,
        advisory_url=record.advisory_url, last_affected=tuple(last))

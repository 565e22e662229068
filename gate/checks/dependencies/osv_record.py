"""One OSV record, parsed defensively and evaluated against a package version.

Evaluation follows the OSV schema's ``IsVulnerable``: a version is affected if
it is in an ``affected[].versions`` list or inside any ``ECOSYSTEM`` range,
where a range walks its events in version order (``introduced`` opens,
``fixed`` closes at, ``last_affected`` closes after). ``GIT`` and ``SEMVER``
ranges say nothing about PyPI versions and are ignored. Versions are
``packaging`` :class:`Version` objects compared directly, because a
``SpecifierSet`` hides pre-releases (``<2.0.0`` does not contain ``2.0.0rc1``).

Real databases are messy. Anything unusable is dropped, never the record:
a version list entry that is not PEP 440 is skipped; an unparseable
``introduced`` counts as ``"0"`` and an unparseable ``fixed``,
``last_affected`` or ``limit`` is dropped, so a range we cannot bound stays
open; a range without any ``introduced`` starts at ``"0"``. All of these err
towards reporting (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from gate.checks.dependencies.severity import RatedSeverity, rate_record

__all__ = ["AffectedPackage", "Event", "EventKind", "InvalidRecord", "OsvRecord", "parse_record"]


class InvalidRecord(ValueError):
    """The document is not an OSV record at all (no id, not a mapping)."""


class EventKind(str, Enum):
    """OSV range event types."""

    INTRODUCED = "introduced"
    FIXED = "fixed"
    LAST_AFFECTED = "last_affected"
    LIMIT = "limit"


@dataclass(frozen=True)
class Event:
    """A range event; ``version`` ``None`` means unbounded (``introduced: "0"``, ``limit: "*"``)."""

    kind: EventKind
    version: Version | None


_KINDS = {kind.value: kind for kind in EventKind}


def _order(event: Event) -> tuple[int, Version | None]:
    """Sort key: unbounded ``introduced`` first, unbounded ``limit`` last."""
    if event.version is None:
        return (0 if event.kind is EventKind.INTRODUCED else 2, None)
    return (1, event.version)


@dataclass(frozen=True)
class AffectedPackage:
    """The affected versions of one PyPI package in a record."""

    name: str
    """Canonical (PEP 503) name."""
    listed: tuple[str, ...] = ()
    """The ``versions`` list as written; parsed on first use (see :attr:`versions`)."""
    ranges: tuple[tuple[Event, ...], ...] = ()

    @cached_property
    def versions(self) -> frozenset[Version]:
        """The PEP 440 entries of the versions list.

        Parsed lazily: lists run to hundreds of entries per record and most
        records are never queried, so this keeps loading a full database fast.
        """
        return frozenset(v for v in map(_version, self.listed) if v is not None)

    def affects(self, version: Version) -> bool:
        """Whether ``version`` is listed explicitly or falls inside any range."""
        return version in self.versions or any(_in_range(version, r) for r in self.ranges)

    def events(self, kind: EventKind) -> tuple[Version, ...]:
        """Sorted bounded versions of one event kind across all ranges (e.g. every ``fixed``)."""
        found = {e.version for r in self.ranges for e in r
                 if e.kind is kind and e.version is not None}
        return tuple(sorted(found))


def _in_range(version: Version, events: tuple[Event, ...]) -> bool:
    """OSV ``IncludedInRanges`` for one ECOSYSTEM range."""
    limits = [e.version for e in events if e.kind is EventKind.LIMIT]
    if limits and not any(limit is None or version < limit for limit in limits):
        return False
    vulnerable = False
    for event in sorted(events, key=_order):
        bound = event.version
        if event.kind is EventKind.INTRODUCED:
            if bound is None or version >= bound:
                vulnerable = True
        elif bound is not None and (
            (event.kind is EventKind.FIXED and version >= bound)
            or (event.kind is EventKind.LAST_AFFECTED and version > bound)
        ):
            vulnerable = False
    return vulnerable


@dataclass(frozen=True)
class OsvRecord:
    """The parts of an OSV record the check uses."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    affected: tuple[AffectedPackage, ...]
    severity: RatedSeverity | None = None
    advisory_url: str | None = None
    withdrawn: bool = False

    def packages(self) -> frozenset[str]:
        """Canonical names of the PyPI packages this record affects."""
        return frozenset(a.name for a in self.affected)

    def matching(self, name: str, version: Version) -> tuple[AffectedPackage, ...]:
        """The ``affected`` entries for canonical ``name`` that include ``version``."""
        return tuple(a for a in self.affected if a.name == name and a.affects(version))


def _version(value: object) -> Version | None:
    """A PEP 440 version from a YAML/JSON scalar; anything else is ``None``."""
    if not isinstance(value, str):
        return None
    try:
        return Version(value)
    except InvalidVersion:
        return None


def _event(kind: EventKind, raw: object) -> Event | None:
    """One event, applying the fail-closed rules from the module docstring."""
    if kind is EventKind.INTRODUCED:
        return Event(kind, None if raw == "0" else _version(raw))
    if kind is EventKind.LIMIT and raw == "*":
        return Event(kind, None)
    bound = _version(raw)
    return Event(kind, bound) if bound is not None else None


def _ranges(raw: object) -> tuple[tuple[Event, ...], ...]:
    """The ECOSYSTEM ranges of one ``affected`` entry."""
    ranges: list[tuple[Event, ...]] = []
    for rng in raw if isinstance(raw, list) else ():
        if not isinstance(rng, dict) or rng.get("type") != "ECOSYSTEM":
            continue
        events: list[Event] = []
        for item in rng.get("events") or ():
            for key, value in item.items() if isinstance(item, dict) else ():
                kind = _KINDS.get(key)
                event = _event(kind, value) if kind is not None else None
                if event is not None:
                    events.append(event)
        if events and not any(e.kind is EventKind.INTRODUCED for e in events):
            events.insert(0, Event(EventKind.INTRODUCED, None))  # schema violation: assume "0"
        if events:
            ranges.append(tuple(events))
    return tuple(ranges)


def _affected(raw: object) -> tuple[AffectedPackage, ...]:
    """The PyPI entries of ``affected``; other ecosystems are dropped."""
    found: list[AffectedPackage] = []
    for entry in raw if isinstance(raw, list) else ():
        package = entry.get("package") if isinstance(entry, dict) else None
        if not isinstance(package, dict) or package.get("ecosystem") != "PyPI":
            continue
        name = package.get("name")
        if not isinstance(name, str) or not name.strip():
            continue
        listed = entry.get("versions")
        strings = tuple(v for v in (listed if isinstance(listed, list) else ()) if isinstance(v, str))
        found.append(AffectedPackage(canonicalize_name(name), strings, _ranges(entry.get("ranges"))))
    return tuple(found)


def _text(record: Mapping[str, Any]) -> str:
    """The summary, else the details, as one line."""
    for key in ("summary", "details"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _advisory_url(record: Mapping[str, Any]) -> str | None:
    """The first ``ADVISORY`` reference with an http(s) URL."""
    for ref in record.get("references") or ():
        if not isinstance(ref, dict) or ref.get("type") != "ADVISORY":
            continue
        url = ref.get("url")
        if isinstance(url, str) and url.startswith("https://"):
            return url
    return None


def parse_record(raw: object) -> OsvRecord:
    """Parse a decoded OSV document; raise :class:`InvalidRecord` if it is not a record."""
    if not isinstance(raw, dict):
        raise InvalidRecord("not a mapping")
    record_id = raw.get("id")
    if not isinstance(record_id, str) or not record_id.strip():
        raise InvalidRecord("no id")
    aliases = raw.get("aliases")
    return OsvRecord(
        id=record_id.strip(),
        aliases=tuple(a.strip() for a in (aliases if isinstance(aliases, list) else ())
                      if isinstance(a, str) and a.strip() and a.strip() != record_id.strip()),
        summary=_text(raw),
        affected=_affected(raw.get("affected")),
        severity=rate_record(raw),
        advisory_url=_advisory_url(raw),
        withdrawn=raw.get("withdrawn") not in (None, ""),
    )

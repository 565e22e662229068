"""OSV's ``GitHub Actions`` ecosystem: reading the advisories and matching ``uses:`` refs.

A record names an action (``owner/repo`` or ``owner/repo/path``, case-insensitive) and the
affected versions as ranges of tags (``introduced``/``fixed``/``last_affected``) and/or a
list. A ref is matched by its version: ``v1.2.3`` exactly; ``v35`` or ``v4.1`` is a moving
tag and stands for the newest release with that prefix (``v35`` is affected when every
35.x is, e.g. below a fix in 46.0.1); a commit SHA is matched through its ``# v1.2.3``
comment, and without one it cannot be matched (the caller says so: not judged).
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from gate.checks.dependencies.osv_source import decode, iter_documents
from gate.findings import Severity

__all__ = ["ECOSYSTEM", "ActionAdvisory", "ActionDatabase", "load_actions_database",
           "parse_version"]

ECOSYSTEM = "GitHub Actions"
_VERSION = re.compile(r"^v?(\d+(?:\.\d+){0,3})$", re.IGNORECASE)
_TOP = 10**9
_SEVERITY = {"critical": Severity.CRITICAL, "high": Severity.HIGH, "moderate": Severity.MEDIUM,
             "medium": Severity.MEDIUM, "low": Severity.LOW}
_MAX_PROBLEMS = 5


def parse_version(ref: str) -> tuple[tuple[int, ...], bool] | None:
    """``(version, moving)`` of a tag-like ref: ``v1.2.3`` -> ((1, 2, 3), False);
    ``v35`` -> ((35, TOP, TOP), True); ``None`` for a branch or anything else."""
    match = _VERSION.match(ref.strip())
    if match is None:
        return None
    parts = tuple(int(p) for p in match.group(1).split("."))
    if len(parts) >= 3:
        return parts, False
    return parts + (_TOP,) * (3 - len(parts)), True


def _key(version: str) -> tuple[int, ...] | None:
    parsed = parse_version(version)
    if parsed is None:
        return None
    parts = parsed[0]
    return tuple(0 if p == _TOP else p for p in parts) if parsed[1] else parts


@dataclass(frozen=True)
class ActionAdvisory:
    """One advisory about one action."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: Severity
    action: str
    ranges: tuple[tuple[tuple[int, ...], tuple[int, ...] | None, tuple[int, ...] | None], ...]
    """(introduced, fixed, last_affected) as version tuples."""
    versions: frozenset[str]
    fixed: str
    """The first fixed version the record names (``""``: none)."""

    def affects(self, version: tuple[int, ...], moving: bool) -> bool:
        """Whether ``version`` (a moving tag: its newest release) is affected."""
        plain = ".".join(str(p) for p in version if p != _TOP)
        if plain in self.versions and (not moving or len(plain.split(".")) < 3):
            return True
        for introduced, fixed, last in self.ranges:
            if version < introduced:
                continue
            if fixed is not None and version < fixed:
                return True
            if last is not None and version <= last:
                return True
            if fixed is None and last is None:
                return True
        return False


@dataclass(frozen=True)
class ActionDatabase:
    """Advisories by action name (lower case)."""

    path: Path
    index: dict[str, tuple[ActionAdvisory, ...]]
    records: int
    unreadable: int
    documents: int
    problems: tuple[str, ...]

    def lookup(self, action: str, version: tuple[int, ...], moving: bool
               ) -> list[ActionAdvisory]:
        """Advisories affecting ``action`` at ``version``."""
        return [a for a in self.index.get(action.lower(), ()) if a.affects(version, moving)]


def _advisories(raw: object) -> list[ActionAdvisory]:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ValueError("not an OSV record (no id)")
    if raw.get("withdrawn"):
        return []
    affected = raw.get("affected")
    if not isinstance(affected, list):
        raise ValueError(f"{raw['id']}: no affected list")
    db = raw.get("database_specific")
    label = str(db.get("severity", "high")).lower() if isinstance(db, dict) else "high"
    aliases = tuple(str(a) for a in raw.get("aliases", []) if isinstance(a, str))
    out = []
    for entry in affected:
        package = entry.get("package") if isinstance(entry, dict) else None
        if not isinstance(package, dict) or package.get("ecosystem") != ECOSYSTEM:
            continue
        name = str(package.get("name", "")).strip().lower()
        if not name:
            continue
        ranges: list[tuple[tuple[int, ...], tuple[int, ...] | None, tuple[int, ...] | None]] = []
        fixed_first = ""
        for rng in entry.get("ranges", []) or []:
            if not isinstance(rng, dict) or rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
                continue
            introduced: tuple[int, ...] = (0,)
            for event in rng.get("events", []) or []:
                if not isinstance(event, dict):
                    continue
                if "introduced" in event:
                    introduced = _key(str(event["introduced"])) or (0,)
                elif "fixed" in event:
                    ranges.append((introduced, _key(str(event["fixed"])), None))
                    fixed_first = fixed_first or str(event["fixed"])
                elif "last_affected" in event:
                    ranges.append((introduced, None, _key(str(event["last_affected"]))))
            if not any(r[0] == introduced for r in ranges) and rng.get("events"):
                ranges.append((introduced, None, None))
        versions = frozenset(str(v).lstrip("vV") for v in entry.get("versions", []) or []
                             if isinstance(v, str))
        out.append(ActionAdvisory(
            id=str(raw["id"]), aliases=aliases, summary=str(raw.get("summary", ""))[:200],
            severity=_SEVERITY.get(label, Severity.HIGH), action=name,
            ranges=tuple(ranges), versions=versions, fixed=fixed_first))
    return out


def load_actions_database(path: Path) -> ActionDatabase:
    """Read and index every GitHub Actions record under ``path`` (zip, directory or file);
    ``ValueError`` when it cannot be read at all."""
    index: defaultdict[str, list[ActionAdvisory]] = defaultdict(list)
    problems: list[str] = []
    documents = unreadable = records = 0
    try:
        for doc in iter_documents(path):
            documents += 1
            try:
                found = _advisories(decode(doc))
            except (ValueError, TypeError, AttributeError) as exc:
                unreadable += 1
                if len(problems) < _MAX_PROBLEMS:
                    problems.append(f"{doc.name}: {exc}"[:200])
                continue
            records += bool(found)
            for advisory in found:
                index[advisory.action].append(advisory)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ValueError(f"cannot read GitHub Actions advisories {path}: {exc}") from exc
    return ActionDatabase(path, {k: tuple(v) for k, v in index.items()}, records, unreadable,
                          documents, tuple(problems))

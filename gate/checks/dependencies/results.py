"""From pip-audit vulnerability results to gate findings.

Both services (online PyPI, offline OSV) answer with pip-audit
``VulnerabilityResult`` objects, possibly several for one vulnerability (a
PYSEC record and the GHSA it aliases). This module merges those by shared ids
into one :class:`Advisory` and turns each (pin, advisory) into a
:class:`~gate.findings.Finding`.

The rule id is chosen the same way whatever the source, so waivers and
baselines keep matching when a team switches between online and offline:
PYSEC (the PyPA id, what pip-audit and PyPI show), then GHSA, then CVE, then
anything else (e.g. ``MAL-``), ties broken alphabetically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from gate.checks.dependencies.model import Pin
from gate.checks.dependencies.severity import RatedSeverity
from gate.findings import Finding, Location, Severity, content_fingerprint

__all__ = ["Advisory", "advisory_from_result", "merge_aliases", "preferred_id", "to_finding"]

CHECK = "dependencies"
UNKNOWN_SEVERITY = Severity.HIGH
"""Severity when no source rates the advisory: high fails the default policy (fail closed)."""

_PREFIXES = ("PYSEC-", "GHSA-", "CVE-")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[`])")
_MAX_MESSAGE = 200
_MIN_SENTENCE = 60


@dataclass(frozen=True)
class Advisory:
    """One vulnerability affecting a pin, after merging aliases."""

    ids: frozenset[str]
    """Every id and alias of every merged result."""
    record_ids: tuple[str, ...]
    """Ids of the results that were merged, best first."""
    summary: str
    fixed_versions: tuple[Version, ...] = ()
    last_affected: tuple[Version, ...] = ()
    severity: RatedSeverity | None = None
    advisory_url: str | None = None

    @property
    def rule_id(self) -> str:
        """The id findings use (see the module docstring)."""
        return preferred_id(self.ids)


def _id_key(advisory_id: str) -> tuple[int, str]:
    """Sort key implementing the PYSEC > GHSA > CVE > other preference."""
    upper = advisory_id.upper()
    rank = next((i for i, p in enumerate(_PREFIXES) if upper.startswith(p)), len(_PREFIXES))
    return rank, advisory_id


def preferred_id(ids: Iterable[str]) -> str:
    """The preferred id among ``ids``."""
    return min(ids, key=_id_key)


def _versions(values: Iterable[Any]) -> tuple[Version, ...]:
    """Sorted distinct versions, whatever mix of ``Version`` and strings comes in."""
    found: set[Version] = set()
    for value in values:
        try:
            found.add(value if isinstance(value, Version) else Version(str(value)))
        except InvalidVersion:
            continue
    return tuple(sorted(found))


def advisory_from_result(result: Any) -> Advisory:
    """A pip-audit ``VulnerabilityResult`` (or the offline subclass) as an :class:`Advisory`."""
    record_id = str(result.id)
    aliases = {str(a) for a in (result.aliases or ())}
    return Advisory(
        ids=frozenset({record_id, *aliases}),
        record_ids=(record_id,),
        summary=str(result.description or ""),
        fixed_versions=_versions(result.fix_versions or ()),
        last_affected=_versions(getattr(result, "last_affected", ())),
        severity=getattr(result, "severity", None),
        advisory_url=getattr(result, "advisory_url", None),
    )


def _combine(group: Sequence[Advisory]) -> Advisory:
    """Merge advisories known to be the same vulnerability."""
    ordered = sorted(group, key=lambda a: _id_key(a.record_ids[0]))
    rated = [a.severity for a in ordered if a.severity is not None]
    return Advisory(
        ids=frozenset().union(*(a.ids for a in ordered)),
        record_ids=tuple(i for a in ordered for i in a.record_ids),
        summary=next((a.summary for a in ordered if a.summary.strip()), ""),
        fixed_versions=_versions(v for a in ordered for v in a.fixed_versions),
        last_affected=_versions(v for a in ordered for v in a.last_affected),
        severity=max(rated, key=lambda r: r.severity) if rated else None,
        advisory_url=next((a.advisory_url for a in ordered if a.advisory_url), None),
    )


def merge_aliases(advisories: Iterable[Advisory]) -> list[Advisory]:
    """Group advisories sharing any id (transitively) and combine each group."""
    groups: list[list[Advisory]] = []
    for advisory in advisories:
        touching = [g for g in groups if any(a.ids & advisory.ids for a in g)]
        merged = [advisory, *(a for g in touching for a in g)]
        groups = [g for g in groups if not any(g is t for t in touching)] + [merged]
    return sorted((_combine(g) for g in groups), key=lambda a: _id_key(a.rule_id))


def _message(advisory: Advisory, pin: Pin) -> str:
    """The summary's first sentence as one printable line of at most ~200 characters.

    A first sentence that says nothing on its own ("Requests is a HTTP
    library.") gets the next ones appended until it is informative.
    """
    text = "".join(ch for ch in " ".join(advisory.summary.split()) if ch.isprintable())
    sentences = _SENTENCE_END.split(text)
    text = sentences[0]
    for sentence in sentences[1:]:
        if len(text) >= _MIN_SENTENCE:
            break
        text = f"{text} {sentence}"
    if not text:
        return f"{pin.canonical_name} {pin.version} is affected by {advisory.rule_id}"
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1].rstrip() + "…"


def _fix(advisory: Advisory, pin: Pin, upgrades: tuple[Version, ...]) -> str:
    """The one-line hint: the smallest fixed release above the pin, if any."""
    name = pin.canonical_name
    if upgrades:
        return f"upgrade {name} to >= {upgrades[0]}"
    if advisory.last_affected:
        return (f"no fixed release known (last affected: {advisory.last_affected[-1]}); "
                f"replace or remove {name}")
    return f"no fixed release known; replace or remove {name}, or waive with a reason"


def to_finding(pin: Pin, advisory: Advisory) -> Finding:
    """The finding for ``pin`` being affected by ``advisory``."""
    rule_id = advisory.rule_id
    package, version = pin.canonical_name, str(pin.version)
    upgrades = tuple(v for v in advisory.fixed_versions if v > pin.version)
    rated = advisory.severity
    extra = [("severity_source", rated.source if rated else "unknown (reported as high)"),
             ("requirement", f"{pin.name}=={version}")]
    if advisory.advisory_url:
        extra.append(("advisory_url", advisory.advisory_url))
    safe = _SAFE_ID.fullmatch(rule_id) is not None
    return Finding(
        check=CHECK,
        rule_id=rule_id,
        severity=rated.severity if rated else UNKNOWN_SEVERITY,
        message=_message(advisory, pin),
        location=Location(pin.path, pin.line, pin.line),
        fingerprint=content_fingerprint(CHECK, rule_id, pin.path, f"{package}=={version}"),
        title=f"{package} {version} is affected by {rule_id}",
        help_url=f"https://osv.dev/vulnerability/{rule_id}" if safe else advisory.advisory_url,
        aliases=tuple(sorted(advisory.ids - {rule_id}, key=_id_key)),
        fix=_fix(advisory, pin, upgrades),
        package=package,
        version=version,
        fixed_versions=tuple(str(v) for v in upgrades),
        extra=tuple(extra),
    )

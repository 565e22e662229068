"""The baseline file (``.gate-baseline.json``): findings a team has accepted as its starting point.

Like detect-secrets' baseline, an entry identifies a finding by fingerprint
(plus check, rule and path for the humans reviewing the file): never by line
number, so the baseline survives code moving, and never with the flagged text
or a secret value, so the file is safe to commit. The format is versioned;
a newer version than this gate knows is an error, not a guess.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from gate.findings import Finding, Suppression
from gate.triage.interface import TriageError
from gate.workspace import BASELINE_FILE

__all__ = [
    "BASELINE_FILE",
    "BASELINE_VERSION",
    "Baseline",
    "BaselineEntry",
    "BaselineError",
    "BaselineOutcome",
    "apply_baseline",
    "entries_for",
    "parse_baseline",
    "render_baseline",
]

BASELINE_VERSION = 1
_EXAMPLES = 5


class BaselineError(TriageError):
    """The baseline file cannot be read: invalid JSON, wrong shape, or a newer format."""


@dataclass(frozen=True, order=True)
class BaselineEntry:
    """One accepted finding. Ordered by check, path, rule, fingerprint: the file's order."""

    check: str
    path: str
    rule: str
    fingerprint: str

    @property
    def key(self) -> tuple[str, str]:
        """What matching uses: the fingerprint within its check."""
        return self.check, self.fingerprint


@dataclass(frozen=True)
class Baseline:
    """A parsed baseline and where it was read from (a path, or ``ref:path`` from git)."""

    entries: tuple[BaselineEntry, ...]
    source: str


@dataclass(frozen=True)
class BaselineOutcome:
    """Findings with baseline suppressions set, and the entries that matched nothing."""

    findings: tuple[Finding, ...]
    stale: tuple[BaselineEntry, ...]
    warnings: tuple[str, ...]


def _entry(raw: Any, index: int, source: str) -> BaselineEntry:
    if not isinstance(raw, dict):
        raise BaselineError(f"{source}: findings[{index}] is not an object")
    values = {}
    for key in ("check", "path", "rule", "fingerprint"):
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            raise BaselineError(f"{source}: findings[{index}].{key} is missing or not a string")
        values[key] = value
    return BaselineEntry(**values)


def parse_baseline(text: str, source: str) -> Baseline:
    """Read a baseline; raise :class:`BaselineError` (exit 2) when it is not one we understand."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"{source}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{source}: not a gate baseline (expected an object with 'findings')")
    version = data.get("version")
    if version != BASELINE_VERSION:
        raise BaselineError(f"{source}: baseline version {version!r} is not supported by this "
                            f"gate (it reads version {BASELINE_VERSION}); upgrade gate or "
                            "regenerate the file with `gate baseline --force`")
    entries = tuple(_entry(raw, i, source) for i, raw in enumerate(data["findings"]))
    return Baseline(entries=entries, source=source)


def entries_for(findings: Iterable[Finding]) -> tuple[BaselineEntry, ...]:
    """Baseline entries for ``findings``: one per (check, fingerprint), sorted, no duplicates."""
    unique = {(f.check, f.fingerprint): BaselineEntry(f.check, f.path, f.rule_id, f.fingerprint)
              for f in findings}
    return tuple(sorted(unique.values()))


def render_baseline(entries: Iterable[BaselineEntry], gate_version: str = "") -> str:
    """The file's text: stable order and layout, so a baseline change reviews as a small diff."""
    data = {
        "version": BASELINE_VERSION,
        "generated_by": f"gate {gate_version}".strip(),
        "findings": [
            {"check": e.check, "rule": e.rule, "path": e.path, "fingerprint": e.fingerprint}
            for e in sorted(set(entries))
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def apply_baseline(findings: Sequence[Finding], baseline: Baseline,
                   judged_checks: frozenset[str]) -> BaselineOutcome:
    """Suppress findings in the baseline (kind ``baseline``); list entries that match nothing.

    ``judged_checks`` are the checks that completed a full scan: an entry of
    any other check may still be valid, so it is never called stale.
    """
    keys = {e.key for e in baseline.entries}
    seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    suppression = Suppression(kind="baseline", reason="accepted in the baseline",
                              source=baseline.source)
    for f in findings:
        key = (f.check, f.fingerprint)
        if key in keys:
            seen.add(key)
            if f.suppression is None:
                f = replace(f, suppression=suppression)
        out.append(f)
    stale = tuple(e for e in baseline.entries
                  if e.check in judged_checks and e.key not in seen)
    warnings: list[str] = []
    if stale:
        shown = ", ".join(f"{e.check} {e.rule} {e.path}" for e in stale[:_EXAMPLES])
        more = ", ..." if len(stale) > _EXAMPLES else ""
        warnings.append(f"baseline {baseline.source}: {len(stale)} entr"
                        f"{'y' if len(stale) == 1 else 'ies'} no longer match a finding "
                        f"({shown}{more}); run `gate baseline --update` to shrink the file")
    return BaselineOutcome(tuple(out), stale, tuple(warnings))

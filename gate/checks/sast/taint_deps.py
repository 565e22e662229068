"""What a file's dataflow result depends on besides its own text, for the result cache.

A file's taint findings and sink marks depend on its own text and, one hop
away, on the modules its analysis looked up: for each lookup (module
``dotted`` seen from the file's directory), which file it resolved to
(:func:`gate.checks.sast.taint.resolve.locate`: which candidate paths exist,
are regular files, not symlinks, small enough) and that file's content (its
summaries; an imported module's summaries use its own functions only, so
nothing further away matters). The analysis records every lookup it made
(memoised or not) in a :data:`~gate.checks.sast.taint_scan.DEPS_RULE`
finding.

:class:`TaintDependencies` implements the engine's
:class:`~gate.checks.engine.cached_scan.Dependencies` for it. ``seal`` stamps
an entry with a digest of, per lookup, the file the *analysis* found and
that file's content identity from the run's snapshot, taken before the
scan; ``fresh`` locates each module again and compares. So a module edited,
created, deleted or shadowed during the scan leaves a stamp that no longer
matches, and the next run scans again: every race errs towards a rescan.
A module outside the run's file set (an excluded or ignored file) is hashed
when first needed; hashed only after the scan, and modified since the run
started, it stamps the entry stale.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from gate.checks.engine.digests import file_sha256
from gate.checks.sast.taint.resolve import locate
from gate.checks.sast.taint_scan import DEPS_RULE
from gate.findings import Finding

__all__ = ["TaintDependencies"]

_RACY_NS = 2_000_000_000
"""Modification times this close to the run's start count as "during the run" (coarse
file-system clocks)."""
_Lookup = tuple[str, str, str | None]


def _lookups(finding: Finding) -> list[_Lookup] | None:
    """The lookups a deps finding carries, or ``None`` when they cannot be read."""
    try:
        raw = json.loads(dict(finding.extra)["lookups"])
    except (KeyError, ValueError):
        return None
    if not isinstance(raw, list):
        return None
    out: list[_Lookup] = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                and isinstance(item[1], str) and (item[2] is None or isinstance(item[2], str))):
            return None
        out.append((item[0], item[1], item[2]))
    return out


class TaintDependencies:
    """Stamps and checks dataflow entries against the modules their analysis looked up."""

    def __init__(self, root: Path, ids: Mapping[str, str]) -> None:
        """``ids``: the run's content identities (taken before the scan), by repo path."""
        self.root = root
        self.ids = ids
        self.started = time.time_ns()
        self._located: dict[tuple[str, str], str | None] = {}
        self._hashed: dict[str, str] = {}
        self._lines: dict[tuple[str, str, str | None, str], bytes] = {}

    def _identity(self, rel: str | None, sealing: bool) -> str:
        if rel is None:
            return "-"
        known = self.ids.get(rel) or self._hashed.get(rel)
        if known is not None:
            return known
        path = self.root / rel
        try:  # stat after hashing: an edit since the analysis read the file shows either way
            found = file_sha256(path)
            modified = path.lstat().st_mtime_ns
        except OSError:
            return "unreadable"
        if sealing and modified >= self.started - _RACY_NS:
            return f"racy:{time.time_ns()}"  # may not be what the analysis read: never matches
        self._hashed[rel] = found
        return found

    def _stamp(self, lookups: list[_Lookup], sealing: bool) -> str:
        lines = []
        for dotted, directory, found in lookups:
            item = (dotted, directory, found, self._identity(found, sealing))
            line = self._lines.get(item)  # files share most lookups: encode each once
            if line is None:
                line = self._lines[item] = json.dumps(list(item)).encode(
                    "utf-8", "surrogatepass") + b"\n"
            lines.append(line)
        return hashlib.sha256(b"".join(lines)).hexdigest()

    def _locate(self, dotted: str, directory: str) -> str | None:
        key = (dotted, directory)
        if key not in self._located:
            self._located[key] = locate(self.root, directory, dotted)
        return self._located[key]

    def seal(self, rel: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...] | None:
        """The findings with the deps finding stamped: what the analysis found, as of before
        the scan (``None`` when the lookups cannot be read)."""
        out: list[Finding] = []
        for f in findings:
            if f.rule_id == DEPS_RULE:
                lookups = _lookups(f)
                if lookups is None:
                    return None
                f = replace(f, extra=(*f.extra, ("stamp", self._stamp(lookups, sealing=True))))
            out.append(f)
        return tuple(out)

    def fresh(self, rel: str, findings: tuple[Finding, ...]) -> bool:
        """Whether every lookup still finds the same module, with the same content."""
        for f in findings:
            if f.rule_id != DEPS_RULE:
                continue
            lookups = _lookups(f)
            stamp = dict(f.extra).get("stamp")
            if lookups is None or stamp is None:
                return False
            now = [(dotted, directory, self._locate(dotted, directory))
                   for dotted, directory, _ in lookups]
            if self._stamp(now, sealing=False) != stamp:
                return False
        return True

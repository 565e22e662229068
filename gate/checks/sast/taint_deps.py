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
:class:`~gate.checks.engine.cached_scan.Dependencies` for it. ``seal`` adds
to the deps finding, per lookup, the content identity of the file the
*analysis* found, from the run's snapshot taken before the scan; a lookup
with its identity is a *state* (module, directory, file found, identity),
and an entry is fresh while each of its states still holds: ``locate`` finds
the same file (or still nothing), whose identity is the recorded one. So a
module edited, created, deleted or shadowed during the scan leaves a state
that no longer holds, and the next run scans again: every race errs towards
a rescan. A module outside the run's file set (an excluded or ignored file)
is hashed when first needed; hashed only after the scan, and modified since
the run started, it is recorded with an identity that never matches.

Files share most lookups (a package's modules all import its core), so each
distinct state is judged once per run, and each candidate path's ``lstat``
is taken once. The whole-result entry (:mod:`gate.cache.whole`) keeps the
states as one table with, per file, the indices of its own
(:meth:`TaintDependencies.split`); a warm run judges that table once
(:meth:`TaintDependencies.stale`) and a file is stale exactly when one of
its states is: the cost is the tree's distinct lookups, not its files times
their imports, and no file's deps finding is decoded.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from gate.checks.engine.digests import file_sha256
from gate.checks.sast.taint.resolve import (
    locate_beside,
    locate_shared,
    module_file,
    standard_library,
)
from gate.checks.sast.taint_scan import DEPS_RULE
from gate.findings import Finding

__all__ = ["TaintDependencies"]

_RACY_NS = 2_000_000_000
"""Modification times this close to the run's start count as "during the run" (coarse
file-system clocks)."""
_Lookup = tuple[str, str, str | None]
_MISSING: Any = object()


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


_State = tuple[str, str, str | None, str]
"""A lookup as the analysis made it, with the content identity of the file it found."""
_SEP = "\0"
"""Joins a state's parts in the whole-result entry: no path, module name or identity holds one."""


def _identities(finding: Finding, count: int) -> list[str] | None:
    """The identities :meth:`TaintDependencies.seal` recorded, one per lookup, or ``None``."""
    try:
        raw = json.loads(dict(finding.extra)["sealed"])
    except (KeyError, ValueError):
        return None
    if not (isinstance(raw, list) and len(raw) == count and all(isinstance(i, str) for i in raw)):
        return None
    return raw


def _states(finding: Finding) -> list[_State] | None:
    """The states a sealed deps finding carries, or ``None`` when they cannot be read."""
    lookups = _lookups(finding)
    identities = _identities(finding, len(lookups)) if lookups is not None else None
    if lookups is None or identities is None:
        return None
    return [(*lookup, identity) for lookup, identity in zip(lookups, identities, strict=True)]


def _encoded(state: _State) -> str | None:
    dotted, directory, found, identity = state
    parts = (dotted, directory, "" if found is None else "/" + found, identity)
    if any(_SEP in part for part in parts):
        return None
    return _SEP.join(parts)


def _decoded(text: Any) -> _State | None:
    parts = text.split(_SEP) if type(text) is str else ()
    if len(parts) != 4 or not (parts[2] == "" or parts[2].startswith("/")):
        return None
    return parts[0], parts[1], parts[2][1:] or None, parts[3]


class TaintDependencies:
    """Stamps and checks dataflow entries against the modules their analysis looked up."""

    def __init__(self, root: Path, ids: Mapping[str, str]) -> None:
        """``ids``: the run's content identities (taken before the scan), by repo path."""
        self.root = root
        self.ids = ids
        self.started = time.time_ns()
        self._located: dict[tuple[str, str], str | None] = {}
        self._shared: dict[str, str | None] = {}
        self._probed: dict[str, bool] = {}
        self._dirs: dict[str, bool] = {}
        self._top = str(root) + "/"
        self._hashed: dict[str, str] = {}
        self._holds: dict[_State, bool] = {}

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

    def _probe(self, path: str) -> bool:
        """:func:`~gate.checks.sast.taint.resolve.module_file`, once per path; a path one of
        whose directories (below the root) cannot be ``lstat``-ed is no module without
        asking (its own ``lstat`` would fail the same way: "no such file"), so a module
        name's candidates under an absent ``src/`` or package cost one ``lstat`` in all."""
        found = self._probed.get(path)
        if found is None:
            parent = path.rpartition("/")[0]
            found = self._probed[path] = self._present(parent) and module_file(path)
        return found

    def _present(self, directory: str) -> bool:
        """Whether ``directory`` (absolute, the root or below it) and every directory between
        it and the root can be ``lstat``-ed (not whether it is a directory: when it is not,
        the candidate's own ``lstat`` says so)."""
        if len(directory) < len(self._top):
            return True  # the root itself
        present = self._dirs.get(directory)
        if present is None:
            present = self._present(directory.rpartition("/")[0])
            if present:
                try:
                    os.lstat(directory)
                except OSError:
                    present = False
            self._dirs[directory] = present
        return present

    def _locate(self, dotted: str, directory: str) -> str | None:
        """:func:`~gate.checks.sast.taint.resolve.locate`, with its directory-independent
        part asked once per module."""
        key = (dotted, directory)
        if key not in self._located:
            if dotted not in self._shared:
                self._shared[dotted] = locate_shared(self.root, dotted, self._probe)
            found = self._shared[dotted]
            if found is None:
                found = None if self._absent_beside(dotted, directory) \
                    else locate_beside(self.root, directory, dotted, self._probe)
            self._located[key] = found
        return self._located[key]

    def _absent_beside(self, dotted: str, directory: str) -> bool:
        """Whether a package module (``a.b``...) cannot be beside ``directory`` because its
        top package's directory is not there: both of :func:`locate_beside`'s candidates
        (``a/b.py``, ``a/b/__init__.py``) are under it, and :meth:`_probe` finds neither
        (what one ``lstat`` of ``directory/a``, memoised, tells without asking per
        candidate)."""
        top, dot, _ = dotted.partition(".")
        if not dot or directory in {"", "."}:
            return False
        return not self._present(f"{self._top}{directory}/{top}")

    def _still(self, state: _State) -> bool:
        """Whether ``state`` holds now: the lookup finds the same file, with that identity."""
        holds = self._holds.get(state)
        if holds is None:
            dotted, directory, found, identity = state
            holds = self._holds[state] = self._locate(dotted, directory) == found \
                and self._identity(found, sealing=False) == identity
        return holds

    def seal(self, rel: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...] | None:
        """The findings with the deps finding sealed: the identity of each file the analysis
        found, as of before the scan (``None`` when the lookups cannot be read)."""
        out: list[Finding] = []
        for f in findings:
            if f.rule_id == DEPS_RULE:
                lookups = _lookups(f)
                if lookups is None:
                    return None
                sealed = [self._identity(found, sealing=True) for _, _, found in lookups]
                f = replace(f, extra=(*f.extra, ("sealed", json.dumps(sealed))))
            out.append(f)
        return tuple(out)

    def fresh(self, rel: str, findings: tuple[Finding, ...]) -> bool:
        """Whether every lookup still finds the same module, with the same content."""
        for f in findings:
            if f.rule_id != DEPS_RULE:
                continue
            states = _states(f)
            if states is None or not all(self._still(state) for state in states):
                return False
        return True

    def split(self, rel: str, findings: tuple[Finding, ...]
              ) -> tuple[tuple[Finding, ...], tuple[str, ...]] | None:
        """A sealed result as the whole-result entry keeps it: the findings without the deps
        finding, and its states, encoded (``None`` when they cannot be read)."""
        kept: list[Finding] = []
        states: list[str] = []
        for f in findings:
            if f.rule_id != DEPS_RULE:
                kept.append(f)
                continue
            read = _states(f)
            encoded = [_encoded(state) for state in read] if read is not None else [None]
            if None in encoded:
                return None
            states.extend(e for e in encoded if e is not None)
        return tuple(kept), tuple(states)

    def stale(self, states: Sequence[Any]) -> set[int]:
        """The indices of the encoded ``states`` (a whole-result entry's table) that no longer
        hold; one that does not decode counts as stale.

        The table holds each state once, so nothing is memoised per state here: each is
        judged as :meth:`_still` would, in one pass without a call per state. A
        standard-library lookup holds exactly when it found nothing (:func:`locate` never
        looks for one); any other is located (the directory-independent part once per
        module), and a file found is compared with the run's identities."""
        out: set[int] = set()
        shared, ids, missing = self._shared, self.ids, _MISSING
        for index, text in enumerate(states):
            parts = text.split(_SEP) if type(text) is str else ()
            if len(parts) != 4 or not (parts[2] == "" or parts[2].startswith("/")):
                out.add(index)
                continue
            dotted, directory, where, identity = parts
            found = where[1:] or None
            if standard_library(dotted):
                if found is not None or identity != "-":
                    out.add(index)
                continue
            located = shared.get(dotted, missing)
            if located is missing:
                located = shared[dotted] = locate_shared(self.root, dotted, self._probe)
            if located is None:
                located = self._locate(dotted, directory)
            if located != found:
                out.add(index)
                continue
            known = ids.get(found) if found is not None else "-"
            if (known if known is not None else self._identity(found, sealing=False)) \
                    != identity:
                out.add(index)
        return out

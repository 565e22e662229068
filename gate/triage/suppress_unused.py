"""Unused inline suppressions: a ``# gate:ignore[RULE]`` that suppresses nothing (ruff's RUF100).

A marker outlives the code it was written for: the call is fixed, the rule
renamed, the line moved away from its marker. Left behind, it silently
suppresses whatever lands on that line next. After the checks ran, every
``gate:ignore`` marker in a Python file is compared with the findings it
actually suppressed (their ``suppression.source`` names the marker's line),
and each rule it names that suppressed nothing is reported, one warning per
marker.

Only what was judged is reported: a rule is checked only in files its check
scanned to completion in this run (bandit ids and the gate's ``GATE-PY-*``
rules need the sast check; any other name, a secret type, the secrets check).
``# nosec`` is bandit's marker and bandit has no such notion; it is left alone.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from gate.cache.facts import FileFacts
from gate.findings import Finding

__all__ = ["MAX_REPORTED", "Markers", "find_markers", "unused_markers"]

MAX_REPORTED = 20
_MARKER = re.compile(r"#.*?gate:ignore\[(?P<rules>[^\]]*)\]")
_SAST_RULE = re.compile(r"^(B\d{3}|GATE-PY-[A-Z0-9-]+)$")
_SOURCE = re.compile(r"^(?P<path>.+):(?P<line>\d+) # ")
_MAX_BYTES = 2_000_000
_NEEDLE = b"gate:ignore["


def _rules(raw: str) -> list[str]:
    """``B602, B105`` or ``B602 B105`` (sast) or ``Base64 High Entropy String`` (secrets)."""
    tokens: list[str] = []
    for part in (p.strip() for p in raw.split(",")):
        words = part.split()
        if len(words) > 1 and all(_SAST_RULE.match(w) for w in words):
            tokens += words
        elif part:
            tokens.append(part)
    return list(dict.fromkeys(tokens))


def _comments(text: str) -> list[tuple[int, str]]:
    """The comments of a Python file (a marker inside a string literal is not a marker)."""
    found: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and "gate:ignore[" in token.string:
                found.append((token.start[0], token.string))
    except (tokenize.TokenError, SyntaxError):
        pass  # the markers found so far stand
    return found


def _used(findings: Sequence[Finding]) -> dict[tuple[str, int], set[str]]:
    """Marker place -> the rule ids (casefolded) of the findings it suppressed."""
    used: dict[tuple[str, int], set[str]] = {}
    for f in findings:
        s = f.suppression
        match = _SOURCE.match(s.source or "") if s is not None and s.kind == "inline" else None
        if match:
            key = (match.group("path"), int(match.group("line")))
            used.setdefault(key, set()).update(r.casefold() for r in (f.rule_id, *f.aliases))
    return used


def _marked(root: Path, path: str, facts: FileFacts, st: os.stat_result | None
            ) -> bytes | None:
    """The file's first :data:`_MAX_BYTES` bytes if they hold a marker, else ``None``.

    Whether a file holds one is remembered under its stat (``st`` when the caller took
    it before anything read the file): an unchanged file without a marker (nearly all of
    them) is not read again.
    """
    full = f"{os.fspath(root)}/{path}"  # pathlib costs more than the call, per file
    try:
        st = st or os.stat(full)  # noqa: PTH116
        if facts.get(path, st) is False:
            return None
        with open(full, "rb") as handle:  # noqa: PTH123
            data = handle.read(_MAX_BYTES)
    except OSError:
        return None
    found = _NEEDLE in data
    facts.put(path, st, found)
    return data if found else None


Markers = Mapping[str, Sequence[tuple[int, str]]]
"""Path -> each ``gate:ignore`` comment in it, with its line (:func:`find_markers`)."""


def find_markers(root: Path, paths: Iterable[str], cache_dir: Path | None = None,
                 stats: Mapping[str, os.stat_result] | None = None
                 ) -> dict[str, list[tuple[int, str]]]:
    """The ``gate:ignore`` comments of the Python files among ``paths``, by file.

    ``cache_dir``: the result cache, where which files hold no marker is remembered
    (:mod:`gate.cache.facts`); ``None``: every file is read. ``stats``: the files'
    stats as the inventory took them (:attr:`gate.inventory.Inventory.stats`), else each
    is taken here. It needs no finding, so the pipeline asks it while the checks work.
    """
    stats = stats or {}
    found: dict[str, list[tuple[int, str]]] = {}
    facts = FileFacts(cache_dir, "suppression-markers", root, ("gate.triage.suppress_unused",))
    for path in sorted({p for p in paths if p.endswith(".py")}):
        data = _marked(root, path, facts, stats.get(path))
        if data is None:
            continue
        comments = _comments(data.decode("utf-8", "replace"))
        if comments:
            found[path] = comments
    facts.save()
    return found


def unused_markers(root: Path, scanned: Mapping[str, frozenset[str]],
                   findings: Sequence[Finding], cache_dir: Path | None = None,
                   markers: Markers | None = None) -> tuple[str, ...]:
    """One warning per ``gate:ignore`` marker in a Python file with a rule that suppressed nothing.

    ``scanned``: check name -> the files it scanned to completion (sast, secrets).
    ``findings``: as the checks reported them, before the policy refused any marker.
    ``markers``: :func:`find_markers` of (at least) those files, if already asked;
    else it is asked here, with ``cache_dir``.
    """
    sast, secrets = scanned.get("sast", frozenset()), scanned.get("secrets", frozenset())
    if markers is None:
        markers = find_markers(root, sast | secrets, cache_dir)
    used = _used(findings)
    warnings: list[str] = []
    for path in sorted(p for p in markers if (p in sast or p in secrets) and p.endswith(".py")):
        for number, comment in markers[path]:
            match = _MARKER.search(comment)
            if match is None:
                continue
            done = used.get((path, number), set())
            unused = [r for r in _rules(match.group("rules"))
                      if (path in sast if _SAST_RULE.match(r) else path in secrets)
                      and r.casefold() not in done]
            if unused:
                warnings.append(f"{path}:{number}: unused suppression gate:ignore["
                                f"{', '.join(unused)}]: no such finding on this line or the "
                                "one below; remove it")
    if len(warnings) > MAX_REPORTED:
        left = len(warnings) - MAX_REPORTED
        warnings = [*warnings[:MAX_REPORTED], f"... and {left} more unused suppressions"]
    return tuple(warnings)

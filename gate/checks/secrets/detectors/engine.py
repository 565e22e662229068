"""Run every detector over one file's lines: a pre-filter pass, then the candidate lines.

The pre-filter is one regular expression, built as a trie of every
detector's lower-case anchors, run once over the lower-cased file. A file
where no anchor occurs (most files) costs that one pass. On a line where an
anchor occurs, only the detectors with that anchor run.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from gate.checks.secrets.detectors.credfiles import find_in_credential_files
from gate.checks.secrets.detectors.decoding import (
    LOWER_ANCHORS,
    MAX_DECODED_RUNS,
    MAX_DEPTH,
    decoded_runs,
)
from gate.checks.secrets.detectors.interface import (
    Classification,
    Detector,
    DetectorSecret,
    Note,
    Validation,
)
from gate.checks.secrets.detectors.lazyre import LazyPattern, lazy
from gate.checks.secrets.detectors.lookalikes import placeholder_reason
from gate.checks.secrets.detectors.registry import DETECTORS
from gate.findings import Severity

__all__ = ["classify", "compile_anchors", "find_secrets"]

_MAX_LINE = 100_000
"""Longer lines (minified bundles) are scanned in their first this-many characters."""


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, factored by common prefixes."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(c) + render(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return render(root)


_ANCHORS: dict[str, tuple[Detector, ...]] = {}
for _detector in DETECTORS:
    for _anchor in _detector.anchors:
        _ANCHORS[_anchor] = (*_ANCHORS.get(_anchor, ()), _detector)
_DECODE = frozenset(LOWER_ANCHORS)
"""Anchors of a base64-encoded key (:mod:`.decoding`): the line's runs are decoded and scanned."""
_PREFILTER = lazy(_trie({*_ANCHORS, *_DECODE}))


def compile_anchors() -> None:
    """Compile the anchors' expression now: every file the detectors scan is searched with it
    first (a standby worker compiles it before its job)."""
    pattern: object = _PREFILTER
    if isinstance(pattern, LazyPattern):
        pattern.compiled()


def _proven(detector: Detector, verdict: Validation) -> bool:
    """Whether the validator proved the value's structure (a checksum, a key that parses)."""
    return verdict.ok and (detector.checksum or verdict.proven)


def classify(detector: Detector, value: str, checked: str) -> Note:
    """Rate one matched value: example, structure, placeholder, in that order.

    A value whose structure is proven (a checksum that holds, a key that
    parses) is never a placeholder: a placeholder word inside a random or
    encoded body (``AAAAAAAA`` in every OpenSSH key) decides nothing.
    """
    if value in detector.examples:
        return Note(detector.rule_id, Severity.LOW, Classification.EXAMPLE,
                    "documented example value", detector)
    verdict = detector.validator(checked) if detector.validator else Validation(True)
    if not _proven(detector, verdict):
        stand_in = placeholder_reason(value, documented_example_suffix=detector.provider == "AWS")
        if stand_in is not None:
            return Note(detector.rule_id, Severity.LOW, stand_in.classification, stand_in.reason,
                        detector)
    if not verdict.ok:
        kind = verdict.classification or Classification.CHECKSUM_INVALID
        return Note(detector.rule_id, Severity.LOW, kind, verdict.reason, detector)
    kind = verdict.classification or (Classification.CHECKSUM_VALID if detector.checksum
                                      else Classification.LIVE_FORMAT)
    severity = verdict.severity or (Severity.CRITICAL if kind is Classification.CHECKSUM_VALID
                                    else detector.severity)
    return Note(detector.rule_id, severity, kind, verdict.reason, detector)


def _candidate_lines(lines: Sequence[str]) -> dict[int, set[str]]:
    """0-based line index -> anchors found on it."""
    text = "\n".join(line[:_MAX_LINE] for line in lines).lower()
    found: dict[int, set[str]] = {}
    starts: list[int] | None = None
    for match in _PREFILTER.finditer(text):
        if starts is None:
            starts, offset = [], 0
            for line in lines:
                starts.append(offset)
                offset += min(len(line), _MAX_LINE) + 1
        index = bisect.bisect_right(starts, match.start()) - 1
        found.setdefault(index, set()).add(match.group(0))
    return found


@dataclass
class _Decoding:
    """One file's base64 decoding: what each run gave (a run repeated is decoded once) and how
    many distinct runs may still be decoded."""

    seen: dict[str, Note | None] = field(default_factory=dict)
    left: int = MAX_DECODED_RUNS


def _on_line(lines: Sequence[str], index: int, anchors: set[str],
             filename: str, depth: int = 0,
             decoding: _Decoding | None = None) -> list[DetectorSecret]:
    line = lines[index][:_MAX_LINE]
    detectors = {d.rule_id: d for a in anchors for d in _ANCHORS.get(a, ())}
    hits: list[tuple[int, int, DetectorSecret]] = []
    for detector in detectors.values():
        if detector.line_must_contain and detector.line_must_contain not in line:
            continue
        for match in detector.pattern.finditer(line):
            group = "secret" if "secret" in detector.pattern.groupindex else 0
            value = match.group(group)
            if detector.extend is not None:
                value = detector.extend(lines, index + 1, value) or value
            checked = match.group(0) if detector.validate_match else value
            note = classify(detector, value, checked)
            hits.append((match.start(group), match.end(group),
                         DetectorSecret(detector.rule_id, filename, index + 1, value, note)))
    if depth < MAX_DEPTH and anchors & _DECODE:
        hits.extend(_decoded(line, index, filename, depth, decoding or _Decoding()))
    return _resolve(hits)


def _decoded(line: str, index: int, filename: str, depth: int,
             decoding: _Decoding) -> list[tuple[int, int, DetectorSecret]]:
    """Hits inside the base64 runs of ``line``, reported at its line with the run as their value.

    The run is what detect-secrets sees (a high-entropy string), so both name
    one secret; the inner detector's rating and reason are kept.
    """
    hits: list[tuple[int, int, DetectorSecret]] = []
    for start, end, text in decoded_runs(line):
        run = line[start:end]
        if run not in decoding.seen:
            if decoding.left <= 0:
                break
            decoding.left -= 1
            decoding.seen[run] = _inner_note(text, filename, depth, decoding)
        note = decoding.seen[run]
        if note is not None:
            hits.append((start, end, DetectorSecret(note.rule_id, filename, index + 1, run, note)))
    return hits


def _inner_note(text: str, filename: str, depth: int, decoding: _Decoding) -> Note | None:
    """The most serious thing our detectors find in a decoded run (one finding per run)."""
    inner = find_secrets(text.replace("\r\n", "\n").split("\n"), filename, depth + 1, decoding)
    notes = [hit.gate_note for hit in inner if hit.gate_note is not None]
    for hit in inner:
        hit.secret_value = None
    if not notes:
        return None
    note = max(notes, key=lambda n: (not n.classification.quiet, int(n.severity)))
    return replace(note, reason="base64-encoded" + (f": {note.reason}" if note.reason else ""))


def _strength(secret: DetectorSecret) -> tuple[int, int, int]:
    note = secret.gate_note
    assert note is not None and note.detector is not None
    return (0 if note.classification.quiet else 1, note.detector.priority,
            len(secret.secret_value or ""))


def _resolve(hits: list[tuple[int, int, DetectorSecret]]) -> list[DetectorSecret]:
    """One detector per stretch of text: a live format beats a look-alike, then priority."""
    kept: list[tuple[int, int, DetectorSecret]] = []  # non-overlapping, sorted by start
    for start, end, secret in sorted(hits, key=lambda h: _strength(h[2]), reverse=True):
        at = bisect.bisect_left(kept, start, key=lambda h: h[0])
        if at > 0 and kept[at - 1][1] > start:
            continue  # overlaps the stretch before
        if at < len(kept) and kept[at][0] < end:
            continue  # overlaps the stretch after
        kept.insert(at, (start, end, secret))
    return [secret for _, _, secret in kept]


def find_secrets(lines: Sequence[str], filename: str, depth: int = 0,
                 decoding: _Decoding | None = None) -> list[DetectorSecret]:
    """Every detector hit in ``lines`` (live formats and look-alikes), in line order.

    ``depth``: how many base64 layers ``lines`` were decoded from (at most
    :data:`~.decoding.MAX_DEPTH` are); ``decoding``: the file's decoding state
    (at most :data:`~.decoding.MAX_DECODED_RUNS` distinct runs per file).
    """
    decoding = decoding or _Decoding()
    found: list[DetectorSecret] = []
    for index, anchors in sorted(_candidate_lines(lines).items()):
        found.extend(_on_line(lines, index, anchors, filename, depth, decoding))
    if depth == 0:
        extra = [hit for hit in find_in_credential_files(lines, filename)
                 if not any(_overlap(hit, other) for other in found)]
        if extra:
            found = sorted([*found, *extra], key=lambda h: h.line_number)
    return found


def _overlap(hit: DetectorSecret, other: DetectorSecret) -> bool:
    """Whether a provider detector already names this credential file's value (a ``ghp_`` in
    ``.env``, a URL password in ``.netrc``'s neighbour): the provider's rule wins."""
    if other.line_number != hit.line_number:
        return False
    mine, theirs = _flat(hit.secret_value or ""), _flat(other.secret_value or "")
    return bool(mine) and (mine in theirs or theirs in mine)


def _flat(value: str) -> str:
    """Without line breaks, escaped or not (a key in a ``.env`` string is one line)."""
    return re.sub(r"\\r|\\n|\s", "", value)

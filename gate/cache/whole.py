"""A check's whole result as one cache entry: every file's content identity and outcome.

A warm run of a per-file check on an unchanged tree must not open one cache
entry per file. So besides its per-file entries, a check keeps one *whole*
entry per scan root and configuration: for each file it scanned to
completion, the content identity it was scanned at
(:mod:`gate.checks.engine.digests`) and the outcome. A run reads that one
entry, serves every file whose identity is unchanged, and looks up or scans
the rest.

Findings repeat: a test suite has tens of thousands of ``assert`` findings
that differ only in place and fingerprint. So the entry keeps each distinct
rest of a finding (rule, message, severity, ...: the per-file payload's
fields but path, lines and fingerprint, as :func:`gate.cache.codec.encode_file_result`
writes them) once, as a JSON object in a table (parsed with the entry itself: no
second parse per template), and each finding as
``[template, start, end, fingerprint, path or null]`` (``null``: the file's
own path). Decoding builds a template's fields once
(:func:`gate.cache.codec.finding_fields`) and each finding from them; a file
without findings costs nothing to serve.

A result that depends on other files too (the dataflow pass's, on the
modules a file imports: :mod:`gate.checks.engine.cached_scan`'s
``Dependencies``) keeps what it depends on as *states*: opaque strings, each
distinct one once in a second table, and per file the indices of its own. A
run judges the table once and serves a file only if none of its states went
stale; the finding that carried them in the per-file payload is not kept.

The next entry starts from the tables of the one read (:class:`WholeWriter`):
a file served again keeps its row as it is, with no per-finding work; rows
and table slots nobody uses any more are dropped when the entry is written.
A run that leaves the entry as it is (an edit or two: the scan's slack) only
counts the writer's rows: keeping a row, and interning a new row's templates
and states, are done when (and only if) :meth:`WholeWriter.value` is asked.

Layout: ``{"version", "templates", "states", "ids": {path: identity},
"outcomes": {path: [findings, not scanned, state indices]}}``. Most files have
no finding, nothing unscanned and (without dependencies) no state: they are in
``ids`` only, a JSON object the parser makes into the run's lookup table
itself, and a warm run compares their identity and serves them without
touching anything else.

The entry is private and must reject rather than guess: a malformed entry
raises :class:`~gate.cache.codec.CodecError` when read, a malformed row when
its file is served; the caller then treats it as absent (the file falls back
to its per-file entry, then to a scan). Like every entry, it is
HMAC-authenticated by the store (:mod:`gate.cache.store`) and written
atomically; its findings are redacted before they get here, as per-file
payloads are.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from gate.cache.codec import CodecError, decode_file_result, finding_fields
from gate.checks.interface import NotScanned
from gate.findings import Finding, Location

__all__ = ["WHOLE_VERSION", "WholeResult", "WholeWriter", "decode_whole"]

WHOLE_VERSION = 4
_PLACE = frozenset({"path", "start", "end", "fingerprint"})
_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
_LOCATION_FIELDS = tuple(f.name for f in dataclasses.fields(Location))

_Row = list[Any]
"""A file's outcome as the entry keeps it: its findings as ``[template, start, end, fingerprint,
path]`` rows, its not-scanned entries as the per-file payload has them, and the indices of
its states (absent for a file with none of the three)."""
_EMPTY: _Row = [[], [], []]
_Outcome = tuple[tuple[Finding, ...], tuple[NotScanned, ...]]
_NOTHING: _Outcome = ((), ())


def _plain(cls: type) -> bool:
    """Whether ``cls`` is a dataclass whose ``__init__`` only sets each field in its instance
    ``__dict__`` (no ``__post_init__``, no slots), so that an instance can be made from the
    fields' values directly: ``__dict__`` set to them, in field order, is the instance its
    ``__init__`` would make (``tests/checks/engine/test_whole_result.py`` compares the two),
    at a fraction of the cost; a warm run of a large tree serves tens of thousands of
    findings."""
    return (dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__")
            and "__slots__" not in vars(cls) and "__init__" in vars(cls))


_DIRECT = _plain(Finding) and _plain(Location) \
    and _LOCATION_FIELDS == ("path", "start_line", "end_line")
_new = object.__new__
_set = object.__setattr__


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class WholeResult:
    """A whole-result entry as read: each file's identity, its outcome decoded on demand."""

    def __init__(self, templates: list[dict[str, Any]], states: list[str],
                 ids: dict[str, str], outcomes: dict[str, Any]) -> None:
        self.templates = templates
        self.states = states
        self.ids = ids
        """Every recorded file's content identity, by path."""
        self.outcomes = outcomes
        """The rows (:data:`_Row`, as read: checked when used) of the files that have one."""
        self._fields: dict[int, dict[str, Any]] = {}

    def identity(self, rel: str) -> str | None:
        """The content identity ``rel`` was scanned at, or ``None`` if it is not recorded."""
        return self.ids.get(rel)

    def row(self, rel: str) -> _Row:
        """``rel``'s outcome row (empty lists when it has none); :class:`CodecError` if it is
        not one."""
        if rel not in self.outcomes:
            return _EMPTY
        row = self.outcomes[rel]
        if not (type(row) is list and len(row) == 3 and type(row[0]) is list
                and type(row[1]) is list and type(row[2]) is list):
            raise CodecError("bad whole-result row")
        return row

    def depends(self, rel: str) -> list[int]:
        """The indices (into :attr:`states`) of what ``rel``'s result depends on;
        :class:`CodecError` if they are not indices of the table."""
        found: list[int] = self.row(rel)[2]
        if found and not ({*map(type, found)} == {int} and min(found) >= 0
                          and max(found) < len(self.states)):
            raise CodecError("bad state reference")
        return found

    def _template(self, index: Any) -> dict[str, Any]:
        made = self._fields.get(index) if type(index) is int else None
        if made is not None:
            return made
        if type(index) is not int or not 0 <= index < len(self.templates):
            raise CodecError("bad template reference")
        rest = self.templates[index]
        if _PLACE & rest.keys():
            raise CodecError("bad template")
        try:
            made = finding_fields(rest)
        except CodecError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CodecError(f"undecodable template: {type(exc).__name__}") from exc
        if tuple(made) != _FIELDS:  # pragma: no cover - the codec and Finding disagree
            raise CodecError("template fields are not the finding's")
        self._fields[index] = made
        return made

    def _findings(self, rel: str, found: list[Any]) -> list[Finding]:
        """A row's findings: each its template's fields, its place and fingerprint; made
        directly (:func:`_plain`) when the classes allow it, else through their
        constructors."""
        findings: list[Finding] = []
        made, template = self._fields, self._template
        new, put = _new, _set
        for item in found:
            if type(item) is not list or len(item) != 5:
                raise CodecError("bad finding row")
            index, start, end, fingerprint, path = item
            if type(fingerprint) is not str or not (path is None or type(path) is str) \
                    or not (start is None or type(start) is int) \
                    or not (end is None or type(end) is int):
                raise CodecError("bad finding row")
            place_values: dict[str, Any] = {"path": rel if path is None else path,
                                            "start_line": start, "end_line": end}
            fields = made.get(index) if type(index) is int else None
            values = (fields if fields is not None else template(index)).copy()
            if _DIRECT:
                place = new(Location)
                put(place, "__dict__", place_values)
                values["location"] = place
                values["fingerprint"] = fingerprint
                finding = new(Finding)
                put(finding, "__dict__", values)
            else:
                values["location"] = Location(**place_values)
                values["fingerprint"] = fingerprint
                finding = Finding(**values)
            findings.append(finding)
        return findings

    def outcome(self, rel: str) -> _Outcome:
        """The findings and not-scanned entries recorded for ``rel``; :class:`CodecError` if
        its row is malformed."""
        found, skipped, _ = self.row(rel)
        if not found and not skipped:
            return _NOTHING
        findings = self._findings(rel, found)
        if not skipped:
            return tuple(findings), ()
        _, not_scanned = decode_file_result({"findings": [], "not_scanned": skipped})
        return tuple(findings), not_scanned


def decode_whole(value: Any) -> WholeResult:
    """The entry's files and tables; :class:`CodecError` unless it has exactly the shape
    :class:`WholeWriter` writes (rows' contents are checked when a file is served)."""
    if not isinstance(value, dict) or value.get("version") != WHOLE_VERSION:
        raise CodecError("not a whole-result entry of this version")
    templates, states = value.get("templates"), value.get("states")
    ids, outcomes = value.get("ids"), value.get("outcomes")
    if type(templates) is not list or {*map(type, templates)} - {dict} \
            or type(states) is not list or {*map(type, states)} - {str}:
        raise CodecError("whole-result entry without its tables")
    if type(ids) is not dict or {*map(type, ids.values())} - {str} \
            or type(outcomes) is not dict or not outcomes.keys() <= ids.keys():
        raise CodecError("whole-result entry without its files")
    return WholeResult(templates, states, ids, outcomes)


class WholeWriter:
    """Builds the next whole-result entry: rows kept from the one read (``base``), and new
    outcomes.

    The tables start as ``base``'s, so a kept row is copied as it is; :meth:`value`
    drops the table slots no row refers to any more. Nothing is copied or interned before
    :meth:`value` is asked (most runs only count the rows: :func:`len`).
    """

    def __init__(self, base: WholeResult | None = None) -> None:
        self._base = base
        self._rows: dict[str, _Added | None] = {}
        """Each file's row: ``None`` when kept from ``base`` as it is."""

    def _source(self, source: WholeResult) -> None:
        if source is not self._base:
            raise ValueError("a row can only be kept from the entry the writer started from")

    def keep(self, rel: str, source: WholeResult) -> None:
        """Keep ``rel``'s row from the entry read (served this run, so well-formed)."""
        self._source(source)
        self._rows[rel] = None

    def keep_all(self, rels: Sequence[str], source: WholeResult) -> None:
        """:meth:`keep` each of ``rels``."""
        self._source(source)
        self._rows.update(dict.fromkeys(rels))

    def carry(self, rel: str, source: WholeResult) -> bool:
        """Keep ``rel``'s row from the entry read although this run did not serve it (a
        narrowed run: the file was not asked for); ``False`` when the row is malformed."""
        self._source(source)
        try:
            found, _, depends = source.row(rel)
        except CodecError:
            return False
        templates, states = len(source.templates), len(source.states)
        if not all(type(item) is list and len(item) == 5 and type(item[0]) is int
                   and 0 <= item[0] < templates for item in found) \
                or not all(type(i) is int and 0 <= i < states for i in depends):
            return False
        self.keep(rel, source)
        return True

    def add(self, rel: str, identity: str, payload: dict[str, Any],
            states: Sequence[str] = ()) -> None:
        """Record a per-file payload (:func:`~gate.cache.codec.encode_file_result`, not
        changed afterwards) and the states its result depends on."""
        self._rows[rel] = (identity, payload, tuple(states))

    def __len__(self) -> int:
        return len(self._rows)

    def value(self) -> dict[str, Any]:
        """The entry's value (rows by path), its tables cut to what the rows refer to."""
        base = self._base
        tables = _Tables(base)
        ids: dict[str, str] = {}
        rows: dict[str, _Row] = {}
        for rel, added in self._rows.items():
            if added is None:
                if base is None:  # pragma: no cover - keep() checks its source
                    raise ValueError("a kept row without the entry it came from")
                ids[rel] = base.ids[rel]
                if rel in base.outcomes:
                    rows[rel] = base.outcomes[rel]
                continue
            identity, payload, states = added
            ids[rel] = identity
            found = []
            for d in payload["findings"]:
                rest = {k: v for k, v in d.items() if k not in _PLACE}
                found.append([tables.template(rest), d["start"], d["end"], d["fingerprint"],
                              None if d["path"] == rel else d["path"]])
            if found or payload["not_scanned"] or states:
                rows[rel] = [found, payload["not_scanned"],
                             [tables.state(text) for text in states]]
        used = sorted({item[0] for row in rows.values() for item in row[0]})
        templates = tables.templates
        if len(used) != len(templates):
            renumber = {old: new for new, old in enumerate(used)}
            templates = [templates[old] for old in used]
            rows = {rel: [[[renumber[item[0]], *item[1:]] for item in found], skipped, depends]
                    for rel, (found, skipped, depends) in rows.items()}
        used = sorted({i for row in rows.values() for i in row[2]})
        states_table = tables.states
        if len(used) != len(states_table):
            renumber = {old: new for new, old in enumerate(used)}
            states_table = [states_table[old] for old in used]
            rows = {rel: [*row[:2], [renumber[i] for i in row[2]]] for rel, row in rows.items()}
        return {"version": WHOLE_VERSION, "templates": templates, "states": states_table,
                "ids": ids, "outcomes": rows}


_Added = tuple[str, dict[str, Any], tuple[str, ...]]
"""A new row: the file's identity, its per-file payload, the states its result depends on."""


class _Tables:
    """The next entry's template and state tables: the entry read's, then what rows add
    (each distinct template or state once; indexed the first time something is added)."""

    def __init__(self, base: WholeResult | None) -> None:
        self.templates: list[dict[str, Any]] = list(base.templates) if base is not None else []
        self.states: list[str] = list(base.states) if base is not None else []
        self._template_index: dict[str, int] = {}
        self._unindexed: dict[tuple[str, str], list[int]] | None = None
        """The entry read's templates not yet in the index (by their rule and message: a
        template is written out as canonical JSON only when a new one could equal it)."""
        self._state_index: dict[str, int] | None = None

    def template(self, rest: dict[str, Any]) -> int:
        if self._unindexed is None:
            self._unindexed = {}
            for i, t in enumerate(self.templates):
                self._unindexed.setdefault(_group(t), []).append(i)
        for i in self._unindexed.pop(_group(rest), ()):
            self._template_index.setdefault(_canonical(self.templates[i]), i)
        return _intern(self.templates, self._template_index, _canonical(rest), rest)

    def state(self, text: str) -> int:
        if self._state_index is None:
            self._state_index = {}
            for i, t in enumerate(self.states):
                self._state_index.setdefault(t, i)
        return _intern(self.states, self._state_index, text, text)


def _group(template: dict[str, Any]) -> tuple[str, str]:
    """What two equal templates share for sure: their rule and message (as text)."""
    return str(template.get("rule_id")), str(template.get("message"))


def _intern(table: list[Any], index: dict[str, int], key: str, item: Any) -> int:
    """``item``'s position in ``table`` (``key``: its canonical text), appended (and indexed)
    when it is new."""
    found = index.get(key)
    if found is None:
        found = index[key] = len(table)
        table.append(item)
    return found

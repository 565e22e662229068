"""A per-file check's scan with the result cache in front and the process pool behind.

For each file: take its content identity (git's object id for a tracked file the
work tree has not changed, else the SHA-256 of its bytes; see
:mod:`gate.checks.engine.digests`), look up (file, check, tool version, rule
configuration, gate code) in the cache; scan only the misses, in balanced
chunks over the pool (:mod:`gate.checks.engine.pool`); store each scanned
file's outcome as its own entry. A re-run after editing one file therefore
rescans that one file.

A warm run must not open one entry per file either. So each scan also keeps
one whole-result entry per scan root and configuration
(:mod:`gate.cache.whole`): every file's identity and outcome. It is read
first; a file whose identity is the recorded one is served from it, any
other file from its own entry or a scan. The entry is rewritten when more
than :data:`WHOLE_SLACK` of its rows would change (or when there was none):
after an edit or two it is left as it is, and those few files are served
from their own entries (one small read each) until the drift passes the
slack, rather than rewriting the whole tree's entry on every run of an
edit loop. The per-file entries remain the fallback (a damaged
or oversized whole entry), what another clone or directory of the same
code shares, and all that a scan of a few files (:data:`WHOLE_MIN_FILES`) reads.

A file the pool could not scan within the worker limits (memory, time per
file: :mod:`gate.limits`) is reported as not scanned with the reason; every
other file's outcome is kept.

A check whose per-file result also depends on *other* files (the dataflow
pass reads the modules a file imports) gives its spec a :class:`Dependencies`:
each entry is sealed with the state of its file's dependencies when it is
written, and a hit whose dependencies changed since is a miss. The whole
entry keeps those dependencies as one table of states shared by all files
(:meth:`Dependencies.split`): a warm run judges each distinct state once
(:meth:`Dependencies.stale`) and serves every file none of whose states went
stale, so its cost follows the tree's distinct dependencies, not its files
times theirs. A file served from the whole entry comes without the finding
that carried its dependencies in its per-file payload (an internal one,
which the check drops anyway).

What is not cached: a chunk that produced warnings (a bandit test crashed,
say; the warning is re-earned by scanning again rather than replayed), and a
file whose bytes changed while it was being scanned (the result belongs to
neither version).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import gate
from gate.cache import ResultCache, open_cache
from gate.cache.codec import CodecError, decode_file_result, encode_file_result
from gate.cache.interface import CacheKey
from gate.cache.keys import code_identity, digest_of, fingerprint_key_id, key_for
from gate.cache.whole import WHOLE_VERSION, WholeResult, WholeWriter, decode_whole
from gate.checks.engine.digests import Snapshot, Stat, snapshot
from gate.checks.engine.pool import ChunkFailed, balanced_chunks, chunk_count, map_chunks
from gate.checks.interface import NotScanned, ScanTarget
from gate.findings import Finding
from gate.redact import redact, redact_finding

__all__ = ["Dependencies", "FileScan", "FileScanSpec", "scan_with_cache"]

ENTRY_VERSION = 1
WHOLE_MIN_FILES = 64
"""A scan of fewer files (a pre-push, a pull request's changed files) uses only per-file
entries: reading them costs less than one whole-result entry of a large tree, and the
whole entry is left as the last full run wrote it."""
WHOLE_SLACK = 32
"""How many rows of a whole-result entry may differ from what a run found (files scanned
again or served from their own entries, rows of files gone) before the run rewrites it.
A row is only ever served under its file's identity and, with dependencies, while they
hold, so an entry left as it is serves nothing wrong: the files that drifted cost a
per-file read each, not a rewrite of the whole entry per run."""


class _ToolScan(Protocol):
    """What a check's ``scan_files`` returns (``SastScan``, ``SecretsScan``)."""

    @property
    def findings(self) -> tuple[Finding, ...]: ...

    @property
    def not_scanned(self) -> tuple[NotScanned, ...]: ...


class Dependencies(Protocol):
    """What a file's result depends on besides its own content, checked on every hit.

    The methods see one file's findings as the scan produced them (they may
    carry what the file's result depended on, as an internal finding).
    """

    def seal(self, rel: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...] | None:
        """The findings to store for ``rel``, stamped with the state of its dependencies as
        of before the scan (``None``: do not store this file's result)."""

    def fresh(self, rel: str, findings: tuple[Finding, ...]) -> bool:
        """Whether a stored result's dependencies are still in the state it was sealed in."""

    def split(self, rel: str, findings: tuple[Finding, ...]
              ) -> tuple[tuple[Finding, ...], tuple[str, ...]] | None:
        """A sealed result as the whole-result entry keeps it: the findings without what
        carried the dependencies, and the dependencies as *states* (strings; the result is
        fresh while each holds); ``None``: keep this file out of the whole entry."""

    def stale(self, states: Sequence[Any]) -> set[int]:
        """The indices of the ``states`` (a whole-result entry's table of :meth:`split`
        strings, possibly damaged) that no longer hold, or that are not states at all."""


@dataclass(frozen=True)
class FileScanSpec:
    """How to scan one check's files, and what its per-file results depend on."""

    check: str
    tool_version: str
    scan: Callable[[Path, Sequence[str]], _ToolScan]
    """A module-level ``scan_files(root, files)`` (pickled by reference into the pool)."""
    modules: tuple[str, ...]
    """The gate modules whose code shapes the findings (their source goes into the key)."""
    rules: Any = None
    """The tool's effective rule configuration (plugins, filters...), JSON-serialisable."""
    dependencies: Dependencies | None = None
    """For a result that depends on other files too (``None``: on the file's content only)."""


@dataclass(frozen=True)
class FileScan:
    """The combined outcome, in a deterministic order whatever the chunking and cache hits."""

    findings: tuple[Finding, ...]
    not_scanned: tuple[NotScanned, ...]
    warnings: tuple[str, ...]
    cached: int = 0
    scanned: int = 0
    entries_read: int = 0
    """Cache entries this scan opened (the whole-result entry counts as one)."""


@dataclass(frozen=True)
class _Redacted:
    """A chunk's outcome with credentials redacted (:mod:`gate.redact`), as it is kept."""

    findings: tuple[Finding, ...]
    not_scanned: tuple[NotScanned, ...]
    warnings: tuple[str, ...]

    @classmethod
    def of(cls, result: _ToolScan) -> _Redacted:
        """Redact a tool scan's findings, reasons and warnings."""
        return cls(tuple(redact_finding(f) for f in result.findings),
                   tuple(NotScanned(n.path, redact(n.reason), n.line) for n in result.not_scanned),
                   tuple(redact(w) for w in getattr(result, "warnings", ())))


@dataclass
class _Collected:
    findings: list[Finding] = field(default_factory=list)
    not_scanned: list[NotScanned] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _config(spec: FileScanSpec, target: ScanTarget) -> str:
    return digest_of({
        "entry": ENTRY_VERSION, "gate": gate.__version__, "code": code_identity(spec.modules),
        "rules": spec.rules, "options": target.options, "fingerprint_key": fingerprint_key_id(),
    })


def _material(spec: FileScanSpec, config: str, rel: str, content: str) -> dict[str, str]:
    return {"check": spec.check, "tool": spec.tool_version, "config": config, "path": rel,
            "content": content}


_Digests = dict[str, tuple[str, Stat | None]]
_Outcome = tuple[tuple[Finding, ...], tuple[NotScanned, ...]]


def _stat(root: Path, rel: str) -> Stat | None:
    """What tells a file changed while it was being scanned: size, mtime and inode."""
    try:
        st = (root / rel).lstat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


_Row = tuple[str, dict[str, Any], tuple[str, ...]]
"""What the whole-result entry records for a file: its identity, per-file payload and states."""


def _row(spec: FileScanSpec, rel: str, identity: str, findings: tuple[Finding, ...],
         skipped: tuple[NotScanned, ...], payload: dict[str, Any] | None = None) -> _Row | None:
    """A file's whole-entry row from its (sealed) outcome, ``payload`` being its encoding."""
    if spec.dependencies is None:
        return identity, payload or encode_file_result(findings, skipped), ()
    split = spec.dependencies.split(rel, findings)
    if split is None:
        return None
    kept, states = split
    return identity, encode_file_result(kept, skipped), states


def _store(cache: ResultCache, spec: FileScanSpec, config: str, root: Path,
           chunk: tuple[str, ...], digests: _Digests, result: _Redacted) -> dict[str, _Row]:
    """One entry per file of a scanned chunk, unless the chunk cannot be attributed per file;
    returns what the whole-result entry is to record, by file."""
    stored: dict[str, _Row] = {}
    if result.warnings:
        return stored
    findings: dict[str, list[Finding]] = defaultdict(list)
    skipped: dict[str, list[NotScanned]] = defaultdict(list)
    for f in result.findings:
        findings[f.location.path].append(f)
    for n in result.not_scanned:
        skipped[n.path].append(n)
    if not set(findings) | set(skipped) <= set(chunk):
        return stored  # a result not about one of the chunk's files: nothing to file it under
    for rel in chunk:
        known = digests.get(rel)
        if known is None or known[1] is None or _stat(root, rel) != known[1]:
            continue  # unreadable, or changed while it was scanned: the result is neither's
        sealed = tuple(findings[rel]) if spec.dependencies is None \
            else spec.dependencies.seal(rel, tuple(findings[rel]))
        if sealed is None:
            continue  # its dependencies' state is unknown: a later run scans it again
        payload = encode_file_result(sealed, tuple(skipped[rel]))
        cache.put(key_for(spec.check, _material(spec, config, rel, known[0])), payload)
        row = _row(spec, rel, known[0], sealed, tuple(skipped[rel]), payload)
        if row is not None:
            stored[rel] = row
    return stored


def _serve(spec: FileScanSpec, rel: str, outcome: _Outcome, out: _Collected) -> bool:
    """Add a stored outcome to ``out`` unless its dependencies changed since it was sealed."""
    found, skipped = outcome
    if spec.dependencies is not None and not spec.dependencies.fresh(rel, found):
        return False
    out.findings.extend(found)
    out.not_scanned.extend(skipped)
    return True


@dataclass
class _Served:
    """What the lookup served, and the next whole-result entry, begun with it."""

    writer: WholeWriter
    from_whole: int = 0
    """How many files came from the whole entry (all of them, and all of its files: the
    entry needs no rewrite)."""


def _stale_rows(spec: FileScanSpec, whole: WholeResult) -> set[int] | None:
    """The whole entry's stale state indices (``None``: the spec has no dependencies)."""
    if spec.dependencies is None:
        return None
    return spec.dependencies.stale(whole.states) if whole.states else set()


def _from_whole(spec: FileScanSpec, whole: WholeResult, rel: str, stale: set[int] | None,
                out: _Collected) -> bool:
    """Serve ``rel`` from the whole entry (its identity is the recorded one) unless one of
    its states went stale; :class:`CodecError` when its row is malformed."""
    depends = whole.depends(rel)
    if depends and (stale is None or not stale.isdisjoint(depends)):
        return False  # stale (or states recorded for a spec that has none: not ours)
    found, skipped = whole.outcome(rel)
    if found:
        out.findings.extend(found)
    if skipped:
        out.not_scanned.extend(skipped)
    return True


def _lookup(cache: ResultCache, spec: FileScanSpec, config: str, files: Sequence[str],
            tree: Snapshot, whole: WholeResult | None, out: _Collected
            ) -> tuple[list[tuple[str, int]], _Digests, _Served]:
    """Serve what the cache has; return the misses (with sizes) and their identities.

    A file whose identity is the one the whole-result entry recorded, and none of whose
    states went stale, is served from that entry; any other file from its own entry, if
    there is one.
    """
    misses: list[tuple[str, int]] = []
    digests: _Digests = {}
    served = _Served(WholeWriter(whole))
    writer = served.writer
    ids, stats = tree.ids, tree.stats
    recorded = whole.ids if whole is not None else {}
    outcomes = whole.outcomes if whole is not None else {}
    stale = _stale_rows(spec, whole) if whole is not None else None
    kept: list[str] = []  # served from the whole entry, its rows kept as they are
    for rel in files:
        digest = ids.get(rel)
        if digest is not None:
            if whole is not None and recorded.get(rel) == digest:
                if rel not in outcomes:  # no outcome, no dependency: served
                    kept.append(rel)
                    continue
                try:
                    served_here = _from_whole(spec, whole, rel, stale, out)
                except CodecError:
                    cache.stats.rejected += 1
                else:
                    if served_here:
                        kept.append(rel)
                        continue
            payload = cache.get(key_for(spec.check, _material(spec, config, rel, digest)))
            if payload is not None:
                try:
                    stored = decode_file_result(payload)
                except CodecError:
                    cache.stats.rejected += 1
                else:
                    if _serve(spec, rel, stored, out):
                        entry = _row(spec, rel, digest, *stored, payload)
                        if entry is not None:
                            writer.add(rel, *entry)
                        continue
        stat = stats.get(rel)
        if digest is not None:
            digests[rel] = (digest, stat)
        misses.append((rel, stat[0] if stat else 0))
    if whole is not None:
        writer.keep_all(kept, whole)
    served.from_whole = len(kept)
    return misses, digests, served


def _whole_key(spec: FileScanSpec, config: str, root: Path) -> CacheKey:
    """Where a check's whole result for one scan root lives (see :mod:`gate.cache.whole`).

    The root is in the key so that two clones sharing a cache each keep their own entry
    (it decides nothing about a result: every file's identity and path are in the entry).
    """
    return key_for(f"{spec.check}-whole", {"whole": WHOLE_VERSION, "tool": spec.tool_version,
                                            "config": config, "root": str(root.resolve())})


def _carry(root: Path, files: Sequence[str], whole: WholeResult | None,
           writer: WholeWriter) -> int:
    """Keep the rows of files this run was not given but that still exist (a run narrowed to
    a change, or to a directory, must not cost the next full run its entry); return how many.
    A deleted file's row is dropped. A row is only ever served under its file's identity,
    so keeping one is never wrong, only space."""
    if whole is None:
        return 0
    base, carried = os.fspath(root), 0
    for rel in whole.ids.keys() - set(files):
        if os.path.lexists(f"{base}/{rel}") and writer.carry(rel, whole):
            carried += 1
    return carried


def _drifted(whole: WholeResult | None, kept: int, written: int) -> bool:
    """Whether the whole entry is to be rewritten: there was none, or more than
    :data:`WHOLE_SLACK` rows would change (``kept`` of its rows are kept as they are, the
    next entry would hold ``written``)."""
    if whole is None:
        return True
    return (written - kept) + (len(whole.ids) - kept) > WHOLE_SLACK


def _read_whole(cache: ResultCache, key: CacheKey) -> WholeResult | None:
    value = cache.get(key)
    if value is None:
        return None
    try:
        return decode_whole(value)
    except CodecError:
        cache.stats.rejected += 1
        return None


def _finding_order(f: Finding) -> tuple[str, int, str, str]:
    return (f.location.path, f.location.start_line or 0, f.rule_id, f.fingerprint)


def scan_with_cache(spec: FileScanSpec, target: ScanTarget, files: Sequence[str],
                    tree: Snapshot | None = None) -> FileScan:
    """Scan ``files`` under ``target.root``: cached results for unchanged files, the rest fresh.

    ``tree`` is the files' :func:`~gate.checks.engine.digests.snapshot` when
    the caller already took it (several scans of one run share one); else it
    is taken here. Raises whatever ``spec.scan`` raises (a :class:`CheckError`
    when the tool cannot run); a cache that cannot be read or written only
    costs time.
    """
    cache = open_cache(target.cache_dir)
    config = _config(spec, target)
    out = _Collected()
    tree = tree if tree is not None else snapshot(target.root, files, target.cache_dir,
                                                  given=target.tree)
    whole_key = _whole_key(spec, config, target.root) \
        if target.cache_dir is not None and len(files) >= WHOLE_MIN_FILES else None
    whole = _read_whole(cache, whole_key) if whole_key is not None else None
    misses, digests, served = _lookup(cache, spec, config, files, tree, whole, out)
    total = sum(size for _, size in misses)
    chunks = balanced_chunks(misses, chunk_count(len(misses), target.jobs, total))
    # Everything served from the cache: no pool (no worker process) is started at all.
    scanned = map_chunks(spec.scan, target.root, chunks, target.jobs, target.cpu_tokens,
                         target.limits) if misses else iter(())
    writer = served.writer
    for chunk, raw in scanned:
        if isinstance(raw, ChunkFailed):  # out of memory or time: reported, never cached
            out.not_scanned.extend(NotScanned(path, f"not scanned: {raw.reason}")
                                   for path in chunk)
            continue
        result = _Redacted.of(raw)  # before caching: no entry ever holds a credential
        out.findings.extend(result.findings)
        out.not_scanned.extend(result.not_scanned)
        out.warnings.extend(result.warnings)
        for rel, entry in _store(cache, spec, config, target.root, chunk, digests,
                                 result).items():
            writer.add(rel, *entry)
    entries_read = cache.stats.hits + cache.stats.misses if target.cache_dir is not None else 0
    carried = _carry(target.root, files, whole, writer)
    if whole_key is not None and _drifted(whole, served.from_whole + carried, len(writer)):
        cache.put(whole_key, writer.value())
    if cache.stats.writes:
        cache.prune()
    if cache.stats.write_errors:
        out.warnings.append(f"result cache not written ({cache.stats.last_write_error}); "
                            "the next run will scan everything again")
    return FileScan(
        findings=tuple(sorted(out.findings, key=_finding_order)),
        not_scanned=tuple(sorted(out.not_scanned, key=lambda n: (n.path, n.line or 0, n.reason))),
        warnings=tuple(out.warnings), cached=len(files) - len(misses), scanned=len(misses),
        entries_read=entries_read,
    )

"""Secrets in a change's history: the lines each commit in ``base..HEAD`` added.

The tree scan sees the final state only, so a credential a pull request adds
in one commit and deletes in the next would pass, although it stays in the
branch's commits (and, unless squashed, in the repository) for good. When a
base is known, the secrets check therefore also reads every commit the change
adds, oldest first, with ``git log -p`` (no external diff or textconv
drivers, binary files as text, renames followed), and scans each commit's
added lines with the same plugins and filters as the tree
(:class:`~gate.checks.secrets.hits.Hits`; binary content and files
detect-secrets skips by name get the ``specific`` plugins, as when streamed).

A finding is reported at the commit (``extra["commit"]``, short sha, also in
the message) and the path and line where it was added. A secret still present
at that path in the work tree is left to the tree scan (one finding, not
two); the same secret added twice is reported once, at its first commit.
Deleting it again changes nothing: only rewriting the branch's history does.

Bounded: at most :data:`MAX_COMMITS` commits and :data:`MAX_BYTES` of patch
text, read as a stream within :data:`TIMEOUT` seconds. A history beyond those
limits, or one git cannot read, is a not-scanned entry (fail closed under
the default ``not_scanned`` policy), never a silent pass.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from gate.checks.interface import HistoryRange, NotScanned
from gate.checks.secrets.hits import Hits, scanner_for
from gate.checks.secrets.plugins import configured_detect_secrets
from gate.checks.secrets.stream import CHUNK, GENERIC, OVERLAP, printable
from gate.findings import Finding
from gate.git.interface import GitError
from gate.git.logs import commit_count, start_patch_log
from gate.globs import matches_any

__all__ = ["COMMIT_KEY", "MAX_BYTES", "MAX_COMMITS", "TIMEOUT", "HistoryScan", "from_history",
           "scan_history"]

COMMIT_KEY = "commit"
"""The ``extra`` key of a finding from history: the short sha of the commit that added it."""
MAX_COMMITS = 2000
MAX_BYTES = 256 * 1024 * 1024
TIMEOUT = 300.0
_BATCH = 2000
_INVALID_FILE = "detect_secrets.filters.common.is_invalid_file"
_SHA = re.compile(r"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_HUNK = re.compile(rb"^@@+ [^@]*\+(\d+)(?:,\d+)? @@")


def from_history(f: Finding) -> bool:
    """Whether ``f`` was found in a commit's added lines rather than in the work tree."""
    return f.check == "secrets" and any(key == COMMIT_KEY for key, _ in f.extra)


@dataclass(frozen=True)
class HistoryScan:
    """What the history scan found (no secret values) and what it could not read."""

    findings: tuple[Finding, ...]
    not_scanned: tuple[NotScanned, ...]


def _path(header: bytes) -> str | None:
    """The new path of a ``+++ b/PATH`` line (C-quoted when odd); ``None`` for ``/dev/null``."""
    text = header[4:].rstrip(b"\n").rstrip(b"\t")
    if text.startswith(b'"') and text.endswith(b'"'):
        text = codecs.escape_decode(text[1:-1])[0]
    if not text.startswith(b"b/"):
        return None
    return text[2:].decode("utf-8", "surrogateescape")


def _skipped_by_name(path: str) -> bool:
    """Whether detect-secrets skips ``path`` by its name (``.png``, ``yarn.lock``...).

    As the check's own test, less "the file does not exist": in history it may not.
    """
    from detect_secrets.core.scan import get_filters_with_parameter

    return any(bool(f(filename=path)) for f in get_filters_with_parameter("filename")
               if f.injectable_variables == {"filename"} and f.path != _INVALID_FILE)


@dataclass
class _File:
    """The commit and file being read, and its added lines waiting to be scanned."""

    commit: str
    path: str
    hits: Hits
    mode_specific: bool
    lines: list[tuple[int, str]]


class _Reader:
    """Parses ``git log -p`` output line by line and scans added lines in batches."""

    def __init__(self, root: Path, plugins: dict[str, Any], scope: HistoryRange) -> None:
        self.root, self.plugins, self.scope = root, plugins, scope
        self.found: dict[str, Finding] = {}
        self.current: _File | None = None
        self.commit = ""
        self.number = 0
        self.worktree: dict[str, bytes | None] = {}

    def _in_scope(self, path: str) -> bool:
        return all(not (exclude and matches_any(path, exclude))
                   and (not include or matches_any(path, include))
                   for include, exclude in self.scope.scopes)

    def _present(self, path: str, material: str) -> bool:
        """Whether the work tree still has ``material`` at ``path`` (the tree scan's finding)."""
        if path not in self.worktree:
            where = self.root / path
            try:
                self.worktree[path] = None if where.is_symlink() else where.read_bytes()
            except OSError:
                self.worktree[path] = None
        data = self.worktree[path]
        if data is None:
            return False
        try:
            return all(part.encode("latin-1") in data for part in material.split("\n") if part)
        except UnicodeEncodeError:
            return False

    def _flush(self) -> None:
        file = self.current
        if file is None or not file.lines:
            return
        scanner = scanner_for(GENERIC if file.mode_specific else frozenset())
        path = file.path
        file.hits.scan(scanner, str(self.root / path), file.lines,
                       keep=lambda material: not self._present(path, material))
        file.lines = []

    def _close(self) -> None:
        self._flush()
        file = self.current
        self.current = None
        if file is None:
            return
        short = file.commit[:12]
        for f in file.hits.findings(
                message=f"{{kind}} added in commit {short}: deleting it later leaves it in the "
                        "history", extra=((COMMIT_KEY, short),)):
            self.found.setdefault(f.fingerprint, f)

    def _open(self, path: str) -> None:
        self._close()
        if self._in_scope(path):
            self.current = _File(self.commit, path, Hits(path, self.plugins),
                                 _skipped_by_name(path), [])

    def _added(self, text: bytes, continued: bool) -> None:
        file = self.current
        if file is None:
            return
        if b"\0" in text and not file.mode_specific:
            self._flush()
            file.mode_specific = True
        line = text.rstrip(b"\n").decode("latin-1")
        if file.mode_specific:
            line = printable(line)
        file.lines.append((self.number, line))
        if len(file.lines) >= _BATCH or continued:
            self._flush()

    def finish(self) -> None:
        """Scan what is left (also after a cap stopped the reading)."""
        self._close()

    def feed(self, stream: IO[bytes]) -> Iterator[int]:
        """Read the whole stream; yield the bytes read so far after each line (for the caps).

        A line longer than a chunk arrives in pieces; a piece is never parsed as
        a line of its own (a removed line's tail must not pose as a header).
        """
        total, in_hunk = 0, False
        piece: bytes | None = None  # the previous piece of an unfinished line
        added = False  # whether that line is an added one
        while raw := stream.readline(CHUNK):
            total += len(raw)
            yield total
            complete = raw.endswith(b"\n")
            if piece is not None:
                if added:
                    self._added(piece[-OVERLAP:] + raw, continued=not complete)
                    self.number += 1 if complete else 0
                piece = None if complete else raw
                continue
            if raw.startswith(b"\0"):
                self._close()
                self.commit, in_hunk = raw[1:].strip().decode("ascii", "replace"), False
            elif raw.startswith(b"diff --git "):
                self._close()
                in_hunk = False
            elif not in_hunk and raw.startswith(b"+++ "):
                path = _path(raw)
                if path is not None:
                    self._open(path)
            elif (hunk := _HUNK.match(raw)) is not None:
                in_hunk, self.number = True, int(hunk.group(1))
            elif in_hunk and raw.startswith(b"+"):
                self._added(raw[1:], continued=not complete)
                self.number += 1 if complete else 0
            if not complete:
                piece, added = raw, in_hunk and raw.startswith(b"+")
        self._close()


def scan_history(root: Path, scope: HistoryRange) -> HistoryScan:
    """Scan the lines every commit in ``scope.base..HEAD`` added (see the module docstring)."""

    with configured_detect_secrets() as plugins:
        try:
            return _scan(root.absolute(), scope, plugins)
        except Exception as exc:  # its message could quote a line: keep only the type
            return HistoryScan((), (NotScanned(f"{scope.base[:12]}..HEAD", "history not "
                                               f"scanned: the scan failed ({type(exc).__name__})"),))


def _scan(root: Path, scope: HistoryRange, plugins: dict[str, Any]) -> HistoryScan:
    gap = f"{scope.base[:12]}..HEAD"
    if not _SHA.match(scope.base):
        return HistoryScan((), (NotScanned(gap, "history not scanned: the base is not a commit id"),))
    count = commit_count(root, scope.base)
    if count is None:
        return HistoryScan((), (NotScanned(gap, "history not scanned: git could not list the "
                                                "commits since the base"),))
    if count > MAX_COMMITS:
        return HistoryScan((), (NotScanned(gap, f"history not scanned: {count} commits, more "
                                                f"than the {MAX_COMMITS} the gate reads"),))
    reader = _Reader(root, plugins, scope)
    try:
        proc = start_patch_log(root, scope.base)
    except GitError:
        return HistoryScan((), (NotScanned(gap, "history not scanned: git could not run"),))
    timer = threading.Timer(TIMEOUT, proc.kill)
    timer.start()
    problem = None
    try:
        assert proc.stdout is not None  # nosec B101 - PIPE was asked for
        for total in reader.feed(proc.stdout):
            if total > MAX_BYTES:
                problem = f"history not scanned: more than {MAX_BYTES} bytes of changes"
                proc.kill()
                break
        code = proc.wait()
        reader.finish()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if problem is None and code != 0:
        why = f"timed out after {TIMEOUT:g}s" if code < 0 else f"exit code {code}"
        problem = f"history not scanned: git log stopped ({why})"
    gaps = (NotScanned(gap, problem),) if problem else ()
    return HistoryScan(tuple(reader.found.values()), gaps)

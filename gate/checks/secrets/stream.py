"""The secrets check for files detect-secrets would not read: binary, non-UTF-8, large, by name.

detect-secrets reads a whole file as text in the locale's encoding, silently
skips one it cannot decode, and skips some by name alone (``.png``, ``.lock``,
``.css``, ``.svg``, ``package-lock.json``...). Each of those is a way to hide
a credential from a gate (one NUL byte, one latin-1 byte, a rename), so such
files are streamed here instead, with the same plugins and filters:

* read in chunks of :data:`CHUNK` bytes, cut at the last newline so a line is
  seen whole; a line longer than a chunk is scanned in pieces that overlap by
  :data:`OVERLAP` bytes, so no token up to that length is cut in two;
* decoded byte for byte (latin-1; UTF-16 when the file says so), so every
  ASCII token is seen as it is whatever surrounds it;
* scanned in one of two modes (:class:`Mode`): ``text`` runs every plugin;
  ``specific`` (binary content, or a file detect-secrets skips by name) runs
  every plugin but the heuristics (high entropy, keyword, IP address): on
  compressed or compiled bytes, hashes in lock files and path data in SVGs
  they report noise, not secrets, and they are the slowest plugins. Binary
  content is reduced to its printable runs, as ``strings`` shows it: tokens
  stand out, line numbers stay true, and there is far less text to search.

Memory is bounded by the chunk size, whatever the file's size; the inventory
caps the size (:data:`gate.inventory.HARD_CAP`).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from gate.checks.interface import NotScanned
from gate.findings import Finding

__all__ = ["CHUNK", "GENERIC", "OVERLAP", "STREAM_ABOVE", "Mode", "printable", "scan_streamed",
           "segments", "stream_mode", "streamed"]

CHUNK = 1 << 20
"""Bytes read at a time."""
OVERLAP = 8192
"""Bytes a long line's pieces share: no token (a PEM header, a JWT) up to this length is cut."""
STREAM_ABOVE = 2_000_000
"""Files larger than this are streamed rather than read whole (the default ``max_file_size``)."""
SNIFF = 8192
_BINARY_SHARE = 0.10
"""More than this share of control bytes in the first :data:`SNIFF` bytes: binary content."""
_TEXT_BYTES = frozenset(b"\t\n\r\f\b\x1b") | frozenset(range(0x20, 0x7F)) | frozenset(
    range(0x80, 0x100))
_RUNS = re.compile(r"[\t -~]{8,}|\n")
"""Printable runs a token could be in, and newlines (kept, so line numbers stay true)."""
GENERIC = frozenset({"Base64 High Entropy String", "Hex High Entropy String", "Secret Keyword",
                     "Public IP (ipv4)"})
"""Heuristic detectors, left out in ``specific`` mode."""


class Mode(str, Enum):
    """Which plugins a streamed file gets."""

    TEXT = "text"
    """Every plugin: text that is large, not in the locale's encoding, or has stray NUL bytes."""
    SPECIFIC = "specific"
    """Provider formats and private keys only: binary content, or skipped by name."""


def _sniff(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF)


def _binary(head: bytes) -> bool:
    """Whether ``head`` looks like binary content (not text with a stray NUL byte)."""
    if not head or _utf16(head):
        return False
    control = sum(1 for b in head if b not in _TEXT_BYTES)
    return control > _BINARY_SHARE * len(head)


def _utf16(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` for a byte order mark, or ASCII text with every other byte NUL."""
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    even, odd = head[0::2], head[1::2]
    if len(head) < 16:
        return None
    if odd.count(0) == len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) == len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def stream_mode(path: Path, skipped_by_name: bool) -> Mode | None:
    """How to stream ``path``, or ``None`` when detect-secrets reads it itself.

    Streamed: a file detect-secrets skips by name, binary content, text with a
    NUL byte in its first bytes, and a file larger than :data:`STREAM_ABOVE`.
    (Text in another encoding is streamed when decoding fails.) Raises
    ``OSError`` when the file cannot be read.
    """
    head = _sniff(path)
    if skipped_by_name or _binary(head):
        return Mode.SPECIFIC
    if b"\0" in head or path.stat().st_size > STREAM_ABOVE:
        return Mode.TEXT
    return None


def _decoder(head: bytes) -> Callable[[bytes, bool], str]:
    """Bytes to text: UTF-16 when the file says so, else latin-1 (every byte kept as is)."""
    encoding = _utf16(head)
    if encoding is not None:
        incremental = codecs.getincrementaldecoder(encoding)(errors="replace")
        return lambda data, final: str(incremental.decode(data, final))
    return lambda data, final: data.decode("latin-1")


def printable(text: str) -> str:
    """Binary content as ``strings`` shows it: runs of printable ASCII, newlines kept in place.

    Runs shorter than a token are dropped; what remains is a small fraction
    of the bytes, and every line keeps its number.
    """
    return " ".join(_RUNS.findall(text))


def segments(path: Path, mode: Mode) -> Iterator[tuple[int, list[str]]]:
    """The file as batches of whole lines: ``(number of the first line, lines)``.

    A line longer than :data:`CHUNK` comes as several one-line batches with
    the same number, each overlapping the previous one by :data:`OVERLAP`
    characters; the caller drops what it finds twice. Binary content (in
    ``specific`` mode) is reduced to its printable runs.
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFF)
        handle.seek(0)
        keep = printable if mode is Mode.SPECIFIC and _binary(head) else None
        decode = _decoder(head)
        number, carry = 1, ""
        while data := handle.read(CHUNK):
            buffer = carry + decode(data, False)
            cut = buffer.rfind("\n")
            if cut < 0:
                if len(buffer) >= CHUNK:
                    yield number, [keep(buffer) if keep else buffer]
                    carry = buffer[-OVERLAP:]
                else:
                    carry = buffer
                continue
            lines = (keep(buffer[:cut]) if keep else buffer[:cut]).split("\n")
            yield number, lines
            number += len(lines)
            carry = buffer[cut + 1:]
        tail = carry + decode(b"", True)
        if tail:
            yield number, [keep(tail) if keep else tail]


def streamed(path: Path, rel: str, skipped_by_name: bool) -> Mode | NotScanned | None:
    """:func:`stream_mode`, with a file that cannot be read as a :class:`NotScanned`."""
    try:
        return stream_mode(path, skipped_by_name)
    except OSError as exc:
        return NotScanned(rel, f"could not read the file: {exc.strerror or type(exc).__name__}")


def scan_streamed(path: Path, rel: str, mode: Mode,
                  plugins: dict[str, Any]) -> list[Finding] | NotScanned:
    """Stream one file through the plugins of ``mode``; findings as the tree scan makes them."""
    from gate.checks.secrets.hits import Hits, scanner_for

    scanner = scanner_for(GENERIC if mode is Mode.SPECIFIC else frozenset())
    hits = Hits(rel, plugins)
    try:
        for first, lines in segments(path, mode):
            hits.scan(scanner, str(path), [(first + i, line) for i, line in enumerate(lines)])
    except OSError as exc:
        return NotScanned(rel, f"could not read the file: {exc.strerror or type(exc).__name__}")
    return hits.findings()

"""A check's whole result as one cache entry: every file's content identity and outcome.

A warm run of a per-file check on an unchanged tree must not open one cache
entry per file. So besides its per-file entries, a check keeps one *whole*
entry per scan root and configuration: for each file it scanned to
completion, the content identity it was scanned at
(:mod:`gate.checks.engine.digests`) and the outcome, as the per-file payload
(:func:`gate.cache.codec.encode_file_result`). A run reads that one entry,
serves every file whose identity is unchanged, and looks up or scans the rest.

The entry is private and must reject rather than guess: anything that is not
exactly the expected shape raises :class:`~gate.cache.codec.CodecError`, and
the caller treats the whole entry as absent (every file falls back to its
per-file entry, then to a scan). Like every entry, it is HMAC-authenticated
by the store (:mod:`gate.cache.store`) and written atomically; its payloads
are redacted before they get here, as per-file payloads are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.cache.codec import CodecError

__all__ = ["WHOLE_VERSION", "Recorded", "decode_whole", "encode_whole"]

WHOLE_VERSION = 1

Recorded = tuple[str, Any]
"""A file's content identity and its outcome payload (as :func:`encode_file_result` made it)."""


def encode_whole(files: Mapping[str, Recorded]) -> dict[str, Any]:
    """The entry's value: ``{"version", "files": [[path, identity, payload], ...]}``, by path."""
    return {"version": WHOLE_VERSION,
            "files": [[rel, identity, payload] for rel, (identity, payload)
                      in sorted(files.items())]}


def decode_whole(value: Any) -> dict[str, Recorded]:
    """Inverse of :func:`encode_whole`; :class:`CodecError` on anything unexpected.

    Payloads are checked only for being objects: each one is decoded (and
    rejected on its own) when its file is served.
    """
    if not isinstance(value, dict) or value.get("version") != WHOLE_VERSION:
        raise CodecError("not a whole-result entry of this version")
    rows = value.get("files")
    if not isinstance(rows, list):
        raise CodecError("whole-result entry without a file list")
    out: dict[str, Recorded] = {}
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
                and isinstance(row[1], str) and isinstance(row[2], dict)):
            raise CodecError("bad whole-result row")
        if row[0] in out:
            raise CodecError("a path twice in a whole-result entry")
        out[row[0]] = (row[1], row[2])
    return out

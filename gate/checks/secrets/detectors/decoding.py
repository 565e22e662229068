"""Base64 layers around a key: Kubernetes ``data:``, kubeconfig ``client-key-data``, Helm values.

A private key stored base64-encoded (``tls.key: LS0tLS1CRUdJTi...``) is a
key, not a "high entropy string". Like trufflehog's base64 decoder, the
engine decodes such a run and scans what comes out with the same detectors,
and reports what it finds at the run's own line. Only runs that carry the
encoding of a key's first bytes are decoded (``-----BEGIN ``,
``PuTTY-User-Key-File-``, a JWK's ``{"kty"``, at any of base64's three
alignments, and once more base64-encoded): the pre-filter finds them, so a
lock file full of base64 digests costs nothing. Bounded: two layers, 64 KiB
of each run decoded (from the key's first bytes on, so padding around a key
cannot push it out), decoded text only (UTF-8, no NUL byte).
"""

from __future__ import annotations

import base64

from gate.checks.secrets.detectors.checksums import b64decode_loose
from gate.checks.secrets.detectors.lazyre import lazy

__all__ = ["ANCHORS", "LOWER_ANCHORS", "MAX_DECODED_RUNS", "MAX_DEPTH", "decoded_runs"]

MAX_DEPTH = 2
"""Layers of base64 decoded (a value encoded twice, as a Helm chart may do, is found)."""
MAX_DECODED_RUNS = 2048
"""Distinct runs decoded per file (a run repeated is decoded once): a file built to make the
gate decode is bounded; beyond it, runs stay what detect-secrets makes of them."""
_MAX_RUN = 64 * 1024
_MAX_PER_LINE = 32
"""Encoded keys decoded per line (a Secret's ``data:`` holds one per line)."""
_MARKERS = (b"-----BEGIN ", b"PuTTY-User-Key-File-", b'{"kty"')


def _encodings(marker: bytes) -> tuple[str, ...]:
    """What ``marker`` looks like base64-encoded, at each of the three alignments.

    Only the characters that depend on the marker alone are kept (not those
    shared with the bytes before or after it).
    """
    out = []
    for offset in range(3):
        encoded = base64.b64encode(b"\x00" * offset + marker).decode()
        start = 4 if offset else 0
        whole = (len(marker) + offset) // 3 * 4
        out.append(encoded[start:whole])
    return tuple(text for text in out if len(text) >= 8)


def _anchors() -> tuple[str, ...]:
    first = [text for marker in _MARKERS for text in _encodings(marker)]
    second = [base64.b64encode(text[:12].encode()).decode()[:len(text[:12]) // 3 * 4]
              for marker in _MARKERS for text in _encodings(marker)[:1]]
    return tuple(dict.fromkeys(first + second))


ANCHORS: tuple[str, ...] = _anchors()
"""Case-sensitive base64 texts whose presence makes a run worth decoding."""
LOWER_ANCHORS: tuple[str, ...] = tuple(dict.fromkeys(a.lower() for a in ANCHORS))
"""The same, lower-cased, for the engine's pre-filter."""
_RUN = lazy(r"[A-Za-z0-9+/_-]{24,}={0,2}")


def decoded_runs(line: str) -> list[tuple[int, int, str]]:
    """(start, end, decoded text) for each base64 run on ``line`` that encodes a key's start."""
    found: list[tuple[int, int, str]] = []
    for match in _RUN.finditer(line):
        run = match.group(0)
        at = min((run.find(anchor) for anchor in ANCHORS if anchor in run), default=-1)
        if at < 0:
            continue
        if len(run) > _MAX_RUN:  # a window from the key's start: padding cannot push it out
            start = max(0, at - at % 4 - 4)
            run = run[start:start + _MAX_RUN].rstrip("=")
            run = run[:len(run) - len(run) % 4]
        raw = b64decode_loose(run)
        if raw is None:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            found.append((match.start(), match.end(), text))
            if len(found) == _MAX_PER_LINE:
                break
    return found

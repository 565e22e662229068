"""Checksums and structures of credential formats, as pure functions of the value.

Each function answers "is this a well-formed value of the format", never
"is it live": that takes the provider (``--verify-secrets``).
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

__all__ = ["BASE62", "b64decode_loose", "base62_crc32", "bech32_valid", "der_sequence",
           "jwt_parts", "macaroon_location", "shannon_entropy"]

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_INDEX = {c: i for i, c in enumerate(BASE62)}


def base62_crc32(body: str) -> str:
    """The 6-character base62 CRC32 that GitHub and npm append to a token's random part."""
    value = zlib.crc32(body.encode("ascii")) & 0xFFFFFFFF
    out = ""
    while value:
        value, digit = divmod(value, 62)
        out = BASE62[digit] + out
    return out.rjust(6, "0")


def crc32_suffix_valid(token: str, prefix_length: int) -> bool:
    """GitHub/npm style: ``<prefix><30 random base62><6 base62 CRC32 of the random part>``."""
    rest = token[prefix_length:]
    if len(rest) != 36 or not all(c in _BASE62_INDEX for c in rest):
        return False
    return base62_crc32(rest[:30]) == rest[30:]


def b64decode_loose(text: str) -> bytes | None:
    """Standard or URL-safe base64, padding optional; ``None`` when it does not decode."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        return None


def _der_length(data: bytes, index: int) -> tuple[int, int] | None:
    """A DER length at ``index``: (length, index after it)."""
    if index >= len(data):
        return None
    first = data[index]
    if first < 0x80:
        return first, index + 1
    count = first & 0x7F
    if count == 0 or count > 4 or index + 1 + count > len(data):
        return None
    return int.from_bytes(data[index + 1:index + 1 + count], "big"), index + 1 + count


def der_sequence(data: bytes) -> list[tuple[int, bytes]] | None:
    """The elements (tag, content) of a DER SEQUENCE that spans ``data`` exactly, else ``None``."""
    if len(data) < 8 or data[0] != 0x30:
        return None
    header = _der_length(data, 1)
    if header is None or header[1] + header[0] != len(data):
        return None
    elements: list[tuple[int, bytes]] = []
    index = header[1]
    while index < len(data):
        tag = data[index]
        length = _der_length(data, index + 1)
        if length is None or length[1] + length[0] > len(data):
            return None
        elements.append((tag, data[length[1]:length[1] + length[0]]))
        index = length[1] + length[0]
    return elements


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_BECH32_GEN):
            if (top >> i) & 1:
                check ^= gen
    return check


def bech32_valid(text: str) -> bool:
    """BIP-173 bech32 checksum (age keys are upper-case bech32 with HRP ``age-secret-key-``)."""
    lowered = text.lower()
    sep = lowered.rfind("1")
    if sep < 1 or sep + 7 > len(lowered):
        return False
    hrp, data = lowered[:sep], lowered[sep + 1:]
    if not all(c in _BECH32 for c in data):
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    return _polymod(expanded + [_BECH32.index(c) for c in data]) == 1


def bech32_checksum(hrp: str, data: list[int]) -> list[int]:
    """The six checksum words for ``data`` (used to build test values)."""
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    mod = _polymod(expanded + data + [0] * 6) ^ 1
    return [(mod >> 5 * (5 - i)) & 31 for i in range(6)]


def macaroon_location(data: bytes) -> str | None:
    """The location field of a binary (v2) macaroon, as PyPI tokens carry it."""
    if len(data) < 4 or data[0] != 0x02 or data[1] != 0x01:
        return None
    length = data[2]
    if length & 0x80 or 3 + length > len(data):
        return None
    try:
        return data[3:3 + length].decode("ascii")
    except UnicodeDecodeError:
        return None


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A JWT's decoded header and payload (JSON objects), else ``None``."""
    pieces = token.split(".")
    if len(pieces) != 3:
        return None
    decoded: list[dict[str, Any]] = []
    for piece in pieces[:2]:
        raw = b64decode_loose(piece)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(value, dict):
            return None
        decoded.append(value)
    return decoded[0], decoded[1]


def shannon_entropy(text: str) -> float:
    """Bits per character."""
    import math

    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())

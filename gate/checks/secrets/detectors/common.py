"""Small builders shared by the provider modules: boundaries, keyword context, validators."""

from __future__ import annotations

import re
from collections.abc import Callable

from gate.checks.secrets.detectors.checksums import crc32_suffix_valid, shannon_entropy
from gate.checks.secrets.detectors.interface import Validation
from gate.checks.secrets.detectors.lazyre import lazy

__all__ = ["END", "START", "assigned", "crc32_validator", "entropy_validator", "rx"]

START = r"(?<![A-Za-z0-9_+/])"
"""No word or base64 character before the token (not a slice of a longer blob)."""
END = r"(?![A-Za-z0-9_+/=])"
"""No word or base64 character after it."""


def rx(body: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a token pattern between word boundaries."""
    return lazy(START + body + END, flags)


def assigned(keyword: str, value: str) -> re.Pattern[str]:
    """``<keyword>...= "<value>"``: a value only meaningful next to its keyword.

    ``keyword`` is matched case-insensitively and may be followed by up to 24
    name characters (``AWS_SECRET_ACCESS_KEY``), then an assignment or a key
    separator and optional quotes.
    """
    return lazy(r"(?i:" + keyword + r")[\w.-]{0,24}[\"']?\s*(?:[:=]|=>|:=)\s*"
                      r"[\"'`]?(?P<secret>" + value + r")(?![A-Za-z0-9_+/=-])")


def entropy_validator(minimum: float = 3.0, part: Callable[[str], str] = lambda v: v,
                      ) -> Callable[[str], Validation]:
    """Structure holds when the random part has at least ``minimum`` bits per character."""

    def validate(value: str) -> Validation:
        entropy = shannon_entropy(part(value))
        if entropy < minimum:
            return Validation(False, f"too regular for a generated token ({entropy:.1f} bits/char)")
        return Validation(True)

    return validate


def crc32_validator(prefix_length: int) -> Callable[[str], Validation]:
    """GitHub/npm style base62 CRC32 over the 30-character random part."""

    def validate(value: str) -> Validation:
        if crc32_suffix_valid(value, prefix_length):
            return Validation(True, "CRC32 checksum holds")
        return Validation(False, "CRC32 checksum does not hold")

    return validate

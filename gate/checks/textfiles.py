"""Reading a definition file the checks parse: bounded in size, UTF-8 (a BOM allowed)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["UnreadableText", "read_bounded_text"]


class UnreadableText(ValueError):
    """The file is too large or not UTF-8 text; the message says which, for "not scanned"."""


def read_bounded_text(path: Path, max_bytes: int) -> str:
    """The text of ``path``, refused when it is over ``max_bytes`` or not UTF-8.

    Raises :class:`UnreadableText` for those two, ``OSError`` when it cannot be read.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableText(f"file is {size} bytes, over the {max_bytes}-byte limit")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableText(f"not UTF-8 text ({exc.reason})") from None

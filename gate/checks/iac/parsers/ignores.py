"""Inline ``gate:ignore[RULE-ID, ...] reason`` comments, found by a line scan of the raw text.

The scan is format-agnostic (``#`` for YAML, HCL and Dockerfiles, ``//`` for
HCL too) so every parser gets the same behaviour; the engine decides which
comment applies to which finding (the resource's line, the finding's line, or
the line above either).
"""

from __future__ import annotations

import re

from gate.checks.iac.interface import InlineIgnore

__all__ = ["comment_ignores", "in_span"]

_IGNORE = re.compile(r"(?:#|//)\s*gate:ignore\[([A-Za-z0-9_,\- ]+)\][ \t]*(.*?)\s*$")


def comment_ignores(text: str) -> dict[int, InlineIgnore]:
    """Map line number -> the ignore comment on that line."""
    found: dict[int, InlineIgnore] = {}
    if "gate:ignore" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            ids = tuple(i.strip().upper() for i in match.group(1).split(",") if i.strip())
            found[number] = InlineIgnore(ids, match.group(2) or None, number)
    return found


def in_span(ignores: dict[int, InlineIgnore], start: int, end: int) -> tuple[InlineIgnore, ...]:
    """The comments from the line above ``start`` through ``end`` (candidates for a resource)."""
    if not ignores:
        return ()
    return tuple(ig for line, ig in sorted(ignores.items()) if start - 1 <= line <= end)

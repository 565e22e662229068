"""Which lines of a file an expression can match, found with one pass over the whole text.

detect-secrets tries every expression of every plugin on every line: one
``search`` call per (line, expression), ~35 per line, and nearly all of them
find nothing. Searching the file's text once per expression finds the same
lines at the regex engine's speed instead of the interpreter's: the lines (as
the plugins see them: trailing whitespace stripped) are joined with ``\\n`` and
the expression is compiled with ``re.MULTILINE``, so ``^`` and ``$`` match at
each line's start and end as they did on the line alone.

This is exact only for *monotone* expressions: a match on a line must still
be a match with more text around it. Extra text can make a match appear (a
``\\s`` or ``[^x]`` that now matches the newline): that only adds a candidate
line, which the plugin then checks on its own. It can make a match vanish
only through a negative lookaround (``(?<!\\s)`` at a line's start sees the
newline) or a whole-string anchor (``\\A``, ``\\Z``); :func:`monotone` refuses
those, and they keep being searched line by line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["LineIndex", "TextHint", "monotone", "over_text"]

try:  # Python >= 3.11
    from re import _compiler as _sre_compile  # type: ignore[attr-defined]
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _sre_compile
    import sre_constants as _sre_constants
    import sre_parse as _sre_parse

_UNSAFE_AT = frozenset({_sre_constants.AT_BEGINNING_STRING, _sre_constants.AT_END_STRING})


_CONTAINERS = frozenset({"SUBPATTERN", "BRANCH", "MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT",
                         "ATOMIC_GROUP", "ASSERT", "ASSERT_NOT"})
_ZERO_WIDTH = frozenset({"AT"})


def _one_char_matches_newline(state: Any, item: tuple[Any, Any]) -> bool:
    """Whether a one-character item (a literal, a class, ``.``...) can match a newline."""
    body = _sre_parse.SubPattern(state, [item])
    return _sre_compile.compile(body, state.flags).match("\n") is not None


def _newline_free(body: Any) -> bool:
    """Whether nothing ``body`` matches can contain a newline (so it never sees a line's edge)."""
    for op, value in body:
        name = str(op)
        if name in _ZERO_WIDTH:
            continue
        if name in _CONTAINERS:
            parts = value if isinstance(value, (list, tuple)) else (value,)
            for part in parts:
                subs = part if isinstance(part, list) else [part]
                for sub in subs:
                    if isinstance(sub, _sre_parse.SubPattern) and not _newline_free(sub):
                        return False
            continue
        if name in {"LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY"}:
            if _one_char_matches_newline(body.state, (op, value)):
                return False
            continue
        return False  # a back-reference, a conditional, anything unknown: assume the worst
    return True


def _blind_to_newline(body: Any) -> bool:
    """Whether a negative lookaround's body can never match text holding a newline.

    Such a lookaround gives the same answer on the line alone and inside the
    whole text: whatever it could match must lie within the line
    (``(?!\\w)``, ``(?<![\\w.])``, ``(?!192\\.168\\.)``).
    """
    try:
        return _newline_free(body)
    except Exception:  # an internal API that changed: treat as unsafe
        return False


def _walk(items: Iterable[Any]) -> bool:
    """Whether a parsed expression is free of string anchors and of negative lookarounds
    that could see a newline."""
    for op, value in items:
        if op == _sre_constants.ASSERT_NOT:
            if not _blind_to_newline(value[1]):
                return False
            continue
        if op == _sre_constants.AT and value in _UNSAFE_AT:
            return False
        for part in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(part, _sre_parse.SubPattern) and not _walk(part):
                return False
            if isinstance(part, (list, tuple)):
                for sub in part:
                    if isinstance(sub, _sre_parse.SubPattern) and not _walk(sub):
                        return False
    return True


def monotone(pattern: re.Pattern[str]) -> bool:
    """Whether a match on a line stays a match inside the whole text (see the module doc)."""
    try:
        return _walk(_sre_parse.parse(pattern.pattern, pattern.flags))
    except (re.error, RecursionError, TypeError, ValueError, OverflowError):
        return False


def over_text(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` recompiled to be searched over joined lines, or ``None`` if that is unsafe."""
    if not monotone(pattern):
        return None
    try:
        return re.compile(pattern.pattern, pattern.flags | re.MULTILINE)
    except re.error:
        return None


class LineIndex:
    """A file's lines joined into one text, and where each line starts in it."""

    def __init__(self, lines: Sequence[str], text: str | None = None) -> None:
        self.text = "\n".join(lines) if text is None else text
        self.starts: list[int] = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self._lowered: LineIndex | None = None

    def ascii_lowered(self) -> LineIndex | None:
        """The same lines in lower case when the text is ASCII (same offsets), else ``None``."""
        if not self.text.isascii():
            return None
        if self._lowered is None:
            self._lowered = LineIndex(())
            self._lowered.text, self._lowered.starts = self.text.lower(), self.starts
        return self._lowered

    def candidates(self, pattern: re.Pattern[str]) -> set[int]:
        """The (0-based) lines on which ``pattern`` may match: a superset of the exact ones.

        After a match, the search resumes at the next line's start: the leftmost
        match from a line's start lies on that line if the line has one, so no
        line with a match is skipped, and each line costs one search at most.
        """
        found: set[int] = set()
        pos, end, count = 0, len(self.text), len(self.starts)
        while pos <= end:
            match = pattern.search(self.text, pos)
            if match is None:
                break
            line = bisect.bisect_right(self.starts, match.start()) - 1
            found.add(line)
            if line + 1 >= count:
                break
            pos = self.starts[line + 1]
        return found


@dataclass(frozen=True)
class TextHint:
    """A plugin's hint, searched over a file's text: the lines it can report on.

    ``lowered`` is an equivalent case-sensitive expression over lower-case
    text, for an ``IGNORECASE`` hint of lower-case ASCII words: on ASCII text
    (where case-insensitive matching is just lower-casing) it finds the same
    lines several times faster. Other text uses ``pattern``.
    """

    pattern: re.Pattern[str]
    lowered: re.Pattern[str] | None = None

    def lines(self, index: LineIndex) -> set[int]:
        """The (0-based) lines the hint matches, a superset of those the plugin reports on."""
        lower = index.ascii_lowered() if self.lowered is not None else None
        if lower is not None and self.lowered is not None:
            return lower.candidates(self.lowered)
        return index.candidates(self.pattern)

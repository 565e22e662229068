"""Whether a text mentions any of a list of words: the dataflow pass's cheap pre-filters.

The pass asks this of every file (does it mention a source or a sink at
all?), of every function in the files that do, and of the modules they
import. Written as one regular expression, an alternation of some fifty
words, the question cost more than a tenth of the pass: Python's engine tries
each alternative at each position of the text. :class:`Mentions` answers the
same question with the bytes type's substring search, one word at a time,
and runs a real pattern only for the few alternatives that need one (a word
boundary, ``.get(`` followed by a path literal), and only when the literal
every match of that pattern contains is present.

The answer is the same as ``bool(self.pattern.search(text))`` for every text:
an alternation matches somewhere if and only if one of its alternatives does,
and a text without an alternative's *needle* (a substring of every match of it)
cannot match that alternative. ``pattern`` is kept for the tests that hold
:class:`Mentions` to it, and as the readable statement of what is searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Mentions"]


@dataclass(frozen=True)
class Mentions:
    """Words (plain literals) and guarded patterns, any of which makes a text relevant."""

    words: tuple[bytes, ...]
    """Plain substrings."""
    guarded: tuple[tuple[bytes, bytes], ...] = ()
    """(needle, pattern) pairs: the pattern (a regular expression's source) can only match a
    text containing the needle, because every match of it contains the needle."""
    pattern: re.Pattern[bytes] = field(init=False, repr=False, compare=False)
    """The equivalent single regular expression."""
    _compiled: tuple[tuple[bytes, re.Pattern[bytes]], ...] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for needle, source in self.guarded:
            if not needle:
                raise ValueError(f"pattern {source!r} has an empty needle")
        alternatives = [re.escape(w) for w in self.words] + [s for _, s in self.guarded]
        object.__setattr__(self, "pattern", re.compile(b"|".join(alternatives)))
        object.__setattr__(self, "_compiled",
                           tuple((n, re.compile(s)) for n, s in self.guarded))

    def search(self, text: bytes) -> bool:
        """Whether ``text`` mentions any word or matches any guarded pattern."""
        for word in self.words:
            if word in text:
                return True
        return any(needle in text and compiled.search(text) is not None
                   for needle, compiled in self._compiled)

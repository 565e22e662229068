"""Regular expressions compiled the first time they are used, not when their module is imported.

The detectors hold ~180 expressions. A scan of one file (a warm re-run after a
one-line edit, a pre-commit hook) uses a handful of them: a provider's
expression runs only on a line holding one of its anchors, and a credential
file's rules only on such a file. Compiling all of them at import was a large
part of the secrets worker's fixed cost; :func:`lazy` defers each to its first
use. The compiled expression is the one :func:`re.compile` gives for the same
source and flags, so what matches does not change, only when the compiling
happens.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["LazyPattern", "compile_all", "lazy"]

_DELEGATED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
              "scanner", "flags", "groups", "groupindex")
"""What a compiled pattern offers; copied onto the lazy one at first use (so that later calls
cost what a compiled pattern's cost)."""

_created: list[LazyPattern] = []


class LazyPattern:
    """Behaves as ``re.compile(source, flags)``; compiles on the first attribute read.

    ``pattern`` is known without compiling. Equal (and hashing alike) when
    source and flags are. ``isinstance(p, re.Pattern)`` is false.
    """

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = source
        self._flags = flags
        _created.append(self)

    def compiled(self) -> re.Pattern[str]:
        """The compiled expression (compiled now if it was not)."""
        compiled = re.compile(self.pattern, self._flags)
        for name in _DELEGATED:
            setattr(self, name, getattr(compiled, name))
        return compiled

    def __getattr__(self, name: str) -> Any:  # only before the first use (see ``compiled``)
        if name not in _DELEGATED:
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, LazyPattern)
                and (self.pattern, self._flags) == (other.pattern, other._flags))

    def __hash__(self) -> int:
        return hash((self.pattern, self._flags))

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self._flags})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPattern, (self.pattern, self._flags))


def lazy(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled at its first use (typed as the compiled pattern,
    which it behaves as)."""
    return cast("re.Pattern[str]", LazyPattern(source, flags))


def compile_all() -> int:
    """Compile every lazy expression created so far (a test that each one compiles); how many."""
    for pattern in _created:
        pattern.compiled()
    return len(_created)

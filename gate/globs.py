"""Path globs as users write them in policies (gitignore-like, ``**`` spans directories)."""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache

__all__ = ["matches_any"]


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    """Translate a glob: ``**`` matches across ``/``, ``*`` and ``?`` stay inside one segment.

    A pattern without ``/`` matches at any depth (``*.min.js``, ``node_modules``), like
    ``.gitignore``; a trailing ``/`` or ``/**`` means "everything under".
    """
    pat = pattern.strip().removeprefix("./")
    anchored = "/" in pat.rstrip("/")
    pat = pat.rstrip("/") if pat.endswith("/") else pat
    out = []
    i = 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pat[i] == "?":
            out.append("[^/]")
            i += 1
        elif pat[i] == "[":
            end = pat.find("]", i + 1)
            if end == -1:
                out.append(re.escape(pat[i]))
                i += 1
            else:
                out.append(fnmatch.translate(pat[i : end + 1])[4:-3])
                i = end + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    body = "".join(out).lstrip("/")
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


def matches_any(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """True when the repo-relative POSIX ``path`` matches one of ``patterns``."""
    return any(_compile(p).match(path) for p in patterns)

"""Explaining a file that does not parse: often it is newer Python than the gate runs on.

``ast.parse`` only knows the running interpreter's grammar. A file written
for Python 3.12 (PEP 701 f-strings, ``type`` aliases, generic ``def f[T]``)
does not parse on 3.11; one with ``match`` does not parse on 3.9. Rather than
a bare syntax error, the reason names the Python the file needs, found by
feature heuristics on the error and the source.
"""

from __future__ import annotations

import re
import sys

__all__ = ["needed_python", "parse_failure"]

_FEATURES: tuple[tuple[tuple[int, int], str, re.Pattern[str]], ...] = (
    ((3, 12), "a PEP 695 type alias", re.compile(r"^\s*type\s+\w+\s*(\[[^\]]*\])?\s*=", re.M)),
    ((3, 12), "PEP 695 generic parameters",
     re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\[", re.M)),
    ((3, 11), "except* (PEP 654)", re.compile(r"^\s*except\s*\*", re.M)),
    ((3, 10), "a match statement (PEP 634)", re.compile(r"^\s*match\s+[^=\n]+:\s*$", re.M)),
    ((3, 10), "parenthesised context managers", re.compile(r"^\s*(?:async\s+)?with\s*\(\s*$", re.M)),
)


def needed_python(text: str, message: str, line: str = "") -> tuple[tuple[int, int], str] | None:
    """The Python version (and feature) a file that failed to parse seems to need."""
    running = sys.version_info[:2]
    if running < (3, 14) and "must be parenthesized" in message and "exception" in message:
        return (3, 14), "except without parentheses (PEP 758)"
    if running < (3, 12) and ("f-string" in message or _nested_fstring(line)):
        return (3, 12), "a PEP 701 f-string (quotes or backslashes reused inside it)"
    for version, feature, pattern in _FEATURES:
        if running < version and pattern.search(text):
            return version, feature
    return None


def _nested_fstring(line: str) -> bool:
    """An f-string that reuses its own quote inside a replacement field (legal since 3.12)."""
    return bool(re.search(r"""\bf(['"]).*\{[^}]*\1[^}]*\}.*\1""", line))


def _nul_line(data: bytes) -> int | None:
    nul = data.find(b"\x00")
    return data.count(b"\n", 0, nul) + 1 if nul >= 0 else None


def parse_failure(data: bytes, exc: BaseException) -> tuple[str, int | None]:
    """A one-line reason (never quoting the source) and the line, for a file that failed to parse."""
    if isinstance(exc, SyntaxError):
        text = data.decode("utf-8", errors="replace")
        lines = text.splitlines()
        lineno = exc.lineno or None
        line = lines[lineno - 1] if lineno and 0 < lineno <= len(lines) else ""
        needed = needed_python(text, str(exc.msg), line)
        if needed is not None:
            (major, minor), feature = needed
            running = ".".join(str(p) for p in sys.version_info[:2])
            return (f"needs Python {major}.{minor} or newer ({feature}); the gate runs on "
                    f"Python {running}: run the gate on Python {major}.{minor}+ to scan it"), lineno
        return f"could not parse the file: {exc.msg}", lineno
    return "could not parse the file: it contains null bytes", _nul_line(data)

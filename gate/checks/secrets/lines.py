"""Line-level helpers for the secrets check: inline markers, and what to fingerprint.

Everything here runs inside the scanning worker and may see raw secret
values; nothing here keeps them: functions return either a
:class:`~gate.findings.Suppression` (the user's own comment text) or the
material the caller hashes straight away.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from gate.findings import Suppression

__all__ = ["REDACTED", "inline_suppression", "is_indirect_reference", "materials", "split_lines"]

REDACTED = "[REDACTED]"
_GATE_IGNORE = re.compile(r"gate:ignore\[(?P<rules>[^\]]*)\](?P<reason>.*)$")
_GATE_IGNORE_ANYWHERE = re.compile(r"gate:ignore\[[^\]]*\]")
_PRAGMA = re.compile(r"pragma: ?(?:allow|white)list[ -]secret(?P<reason>.*)$")
_PRAGMA_NEXTLINE = re.compile(r"pragma: ?allowlist[ -]nextline[ -]secret(?P<reason>.*)$")
_CLOSERS = re.compile(r"\s*(?:\*/|-->)\s*$")
_SEPARATORS = " \t:;,-#\u2013\u2014"
_KEY_END = re.compile(r"END [A-Z0-9 ]*PRIVATE KEY")
_KEY_BLOCK_MAX_LINES = 500
_PEM_TYPE = "Private Key"  # detect-secrets' type name
_SHORT_CAPTURE = 16
"""A regex capture shorter than this is a prefix (``ghp``), not the secret: widen it."""


def is_indirect_reference(line: str) -> bool:
    """detect-secrets' ``is_indirect_reference`` filter, blind to our own marker.

    That heuristic drops any line with ``name:word[...]`` in it, which
    ``gate:ignore[AWS Access Key]`` is: left alone, our marker would silently
    hide the secret instead of reporting it as suppressed data. Installed in
    place of the original filter (by import path) for the gate's scans.
    """
    from detect_secrets.filters.heuristic import is_indirect_reference as original

    return bool(original(_GATE_IGNORE_ANYWHERE.sub("", line)))


def split_lines(text: str) -> tuple[str, ...]:
    """Split like Python's universal newlines (as detect-secrets' ``open()`` reads the file)."""
    return tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _reason(text: str) -> str | None:
    """The free text after a marker, without separators or a comment closer."""
    reason = _CLOSERS.sub("", text).strip().lstrip(_SEPARATORS).strip()
    return reason or None


def _gate_ignore(path: str, line: str, number: int, secret_type: str) -> Suppression | None:
    """``gate:ignore[<Type>, ...] reason`` on the finding's own line, when it names this type."""
    match = _GATE_IGNORE.search(line)
    if not match:
        return None
    rules = tuple(r.strip() for r in match.group("rules").split(",") if r.strip())
    if secret_type.casefold() not in {r.casefold() for r in rules}:
        return None
    return Suppression(kind="inline", reason=_reason(match.group("reason")),
                       source=f"{path}:{number} # gate:ignore", rules=rules)


def _pragma(path: str, lines: Sequence[str], number: int) -> Suppression | None:
    """detect-secrets' own allowlist pragma, judged by detect-secrets' own function.

    Covers ``pragma: allowlist secret`` on the line and ``pragma: allowlist
    nextline secret`` on the line before, in every comment syntax it knows.
    """
    from detect_secrets.filters.allowlist import is_line_allowlisted
    from detect_secrets.util.code_snippet import get_code_snippet

    line = lines[number - 1]
    context = get_code_snippet(list(lines), number)
    if not is_line_allowlisted(filename=path, line=line, context=context):
        return None
    same = _PRAGMA.search(line)
    if same:
        return Suppression(kind="inline", reason=_reason(same.group("reason")),
                           source=f"{path}:{number} # pragma: allowlist secret")
    previous = lines[number - 2] if number >= 2 else ""
    nextline = _PRAGMA_NEXTLINE.search(previous)
    reason = _reason(nextline.group("reason")) if nextline else None
    return Suppression(kind="inline", reason=reason,
                       source=f"{path}:{number - 1} # pragma: allowlist nextline secret")


def inline_suppression(path: str, lines: Sequence[str], number: int, secret_type: str,
                       secrets: Collection[str]) -> Suppression | None:
    """The inline marker covering the finding at line ``number``: ``gate:ignore`` first.

    The reason is the comment's free text, which may follow the secret on
    the line: any of ``secrets`` (the values found on it) is redacted out.
    """
    if not 1 <= number <= len(lines):
        return None
    found = _gate_ignore(path, lines[number - 1], number, secret_type)
    found = found or _pragma(path, lines, number)
    if found is None or found.reason is None:
        return found
    reason = found.reason
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        reason = reason.replace(secret, REDACTED)
    return replace(found, reason=reason)


def _private_key_block(lines: Sequence[str], number: int) -> str | None:
    """The lines from a PEM key's ``BEGIN`` header to its ``END`` one, so the key itself is hashed.

    detect-secrets reports only the header's words (``BEGIN RSA ...``) as the
    secret, which would give every key in a file the same identity.
    """
    last = min(len(lines), number - 1 + _KEY_BLOCK_MAX_LINES)
    for index in range(number - 1, last):
        if _KEY_END.search(lines[index]):
            return "\n".join(" ".join(line.split()) for line in lines[number - 1:index + 1])
    return None


def materials(secret_type: str, value: str, lines: Sequence[str], number: int,
              plugin: Any) -> list[str]:
    """The strings that identify this secret: usually the value detect-secrets found.

    Two detect-secrets quirks are undone here: a private key is reduced to its
    header (we take the whole block), and regex detectors with a capture group
    report the group, which for GitHub/GitLab tokens is just the prefix
    (``ghp``): such short captures are widened to every full match on the line.
    """
    line = lines[number - 1] if 1 <= number <= len(lines) else ""
    if secret_type == _PEM_TYPE:
        return [_private_key_block(lines, number) or f"{value}\x00{' '.join(line.split())}"]
    from detect_secrets.plugins.base import RegexBasedDetector

    if len(value) >= _SHORT_CAPTURE or not isinstance(plugin, RegexBasedDetector):
        return [value]
    widened = [match.group(0)
               for regex in plugin.denylist for match in regex.finditer(line)
               if value in match.groups()]
    return list(dict.fromkeys(widened)) or [value]

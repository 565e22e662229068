"""Small helpers the interchange formats (SARIF, JUnit, GitLab, Code Quality) share.

They exist so that every format derives identity, paths and times the same
way: a finding that GitHub tracks as one alert is one vulnerability in GitLab
and one Code Quality issue, with the same fingerprint underneath.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from gate.findings import Finding
from gate.result import RunResult

if TYPE_CHECKING:
    import uuid

__all__ = [
    "artifact_uri",
    "clean_text",
    "http_url",
    "occurrence_keys",
    "repo_path",
    "run_window",
    "stable_uuid",
]

_NAMESPACE = "6f1c7d2e-3b5a-5e8f-9a41-2d0c8b7e6a13"
_HTTP_URL = re.compile(r"^https?://[^\s<>\"'`]+$")
_MAX_URL = 2000
# Characters XML 1.0 cannot carry at all, even escaped (control characters,
# lone surrogates, U+FFFE/U+FFFF). JSON could carry them, but a UI showing a
# report should not receive terminal escapes from a crafted file name either.
# Written as the characters it drops, not as the complement of those XML allows
# ("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", the same set):
# the complement's ranges cost the regex compiler about 5 ms, at every start.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object, limit: int | None = None) -> str:
    """Text safe for XML 1.0 and plain-text UIs: illegal characters dropped, cut to ``limit``."""
    text = _ILLEGAL.sub("", str(value))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def occurrence_keys(findings: Sequence[Finding]) -> list[str]:
    """A unique, line-free identity for each finding: its fingerprint, made unique.

    Fingerprints deliberately leave the line out, so two identical flagged
    lines in one file share one. Every platform that deduplicates by
    fingerprint (GitHub alerts, GitLab Code Quality) would then show only the
    first. The first occurrence keeps the bare fingerprint; later ones, in line
    order, get ``:2``, ``:3``... (CodeQL's ``primaryLocationLineHash`` does the
    same). Moving code keeps the keys as long as the copies keep their order.
    """
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(findings):
        groups.setdefault((f.check, f.rule_id, f.fingerprint), []).append(i)
    keys = [""] * len(findings)
    for indexes in groups.values():
        ordered = sorted(indexes, key=lambda i: (findings[i].start_line or 0, i))
        for n, i in enumerate(ordered, start=1):
            fp = findings[i].fingerprint
            keys[i] = fp if n == 1 else f"{fp}:{n}"
    return keys


def stable_uuid(*parts: str) -> str:
    """A UUID that is the same for the same parts on every run (GitLab wants UUID ids)."""
    import uuid  # the formats that need it only: judging loads this module for every run

    return str(uuid.uuid5(_namespace(), "\x00".join(parts)))


@functools.cache
def _namespace() -> uuid.UUID:
    import uuid

    return uuid.UUID(_NAMESPACE)


def repo_path(path: str) -> str:
    """The repo-relative POSIX path with no leading ``./`` or ``/`` (GitLab rejects both)."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def artifact_uri(path: str) -> str:
    """A relative URI reference for a repo path: spaces, ``#``, ``%`` and non-ASCII escaped."""
    from urllib.parse import quote  # as uuid above: only the formats that need it

    return quote(repo_path(path), safe="/")


def http_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL, else ``None`` (schemas and UIs demand one)."""
    if url and len(url) < _MAX_URL and _HTTP_URL.match(url):
        return url
    return None


def run_window(run: RunResult) -> tuple[datetime, datetime] | None:
    """When the run started and ended, in UTC; ``None`` when the start is unknown."""
    text = run.started_at.strip()
    if not text:
        return None
    try:
        start = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    start = start.replace(tzinfo=timezone.utc) if start.tzinfo is None else start
    start = start.astimezone(timezone.utc)
    return start, start + timedelta(seconds=max(0.0, run.duration))

"""Deciding whether a downloaded file is an OSV export the gate may use.

Checked before it replaces anything: a real zip; at most :data:`MAX_MEMBERS`
members; no member name that could escape a directory if extracted (absolute,
``..``, backslashes, drive letters: the gate never extracts, but such an
archive is not osv.dev's and is refused whole); members' declared sizes and
compression ratios within bounds (zip bombs); every record parsed as OSV by
the same reader ``gate run`` uses, and at most a small share unreadable.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from gate.checks.dependencies.model import VulnerabilityServiceError
from gate.checks.dependencies.offline import load_database
from gate.checks.dependencies.osv_source import MAX_DOCUMENT_BYTES
from gate.checks.dependencies.vulndb.actions import load_actions_database
from gate.checks.dependencies.vulndb.interface import UpdateError

__all__ = ["MAX_MEMBERS", "MAX_TOTAL_BYTES", "verify_actions_archive", "verify_archive"]

MAX_MEMBERS = 500_000
"""The PyPI export holds some tens of thousands of records."""
MAX_TOTAL_BYTES = 4 * 1024**3
"""Uncompressed size of all members together."""
_MAX_RATIO = 200
"""OSV JSON compresses about 5-10x; far more is a bomb."""
_MAX_UNREADABLE_SHARE = 0.01
_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> bool:
    """Whether a member name could point outside the directory it would be extracted to."""
    path = PurePosixPath(name)
    return (not name or "\\" in name or "\x00" in name or name.startswith("/")
            or bool(_DRIVE.match(name)) or ".." in path.parts)


def _check_members(path: Path, label: str) -> int:
    """Structural checks on the archive's directory; returns the number of members."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UpdateError(f"{label}: not a valid zip archive ({exc}); refused") from exc
    if len(members) > MAX_MEMBERS:
        raise UpdateError(f"{label}: {len(members):,} members, more than {MAX_MEMBERS:,}; refused")
    total = 0
    for info in members:
        if _unsafe_name(info.filename):
            raise UpdateError(f"{label}: member name {info.filename[:120]!r} escapes the archive "
                              "(path traversal); refused")
        if info.file_size > MAX_DOCUMENT_BYTES:
            raise UpdateError(f"{label}: member {info.filename[:120]!r} is "
                              f"{info.file_size:,} bytes uncompressed; refused")
        if info.compress_size and info.file_size / info.compress_size > _MAX_RATIO:
            raise UpdateError(f"{label}: member {info.filename[:120]!r} expands "
                              f"{info.file_size // info.compress_size}x (zip bomb?); refused")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise UpdateError(f"{label}: {total:,} bytes uncompressed in all; refused")
    return len(members)


def verify_archive(path: Path, label: str) -> int:
    """Check the downloaded archive at ``path``; return the number of records it indexes."""
    _check_members(path, label)
    try:
        database = load_database(path)
    except VulnerabilityServiceError as exc:
        raise UpdateError(f"{label}: {exc}; refused") from exc
    stats = database.stats
    if stats.records == 0:
        raise UpdateError(f"{label}: no usable PyPI advisory in {stats.documents} files; refused")
    if stats.unreadable > max(1, stats.documents * _MAX_UNREADABLE_SHARE):
        first = f" (first: {stats.problems[0]})" if stats.problems else ""
        raise UpdateError(f"{label}: {stats.unreadable} of {stats.documents} files are not OSV "
                          f"records{first}; refused")
    return stats.records


def verify_actions_archive(path: Path, label: str) -> int:
    """The same checks for the GitHub Actions export; returns the records with an action."""
    _check_members(path, label)
    try:
        database = load_actions_database(path)
    except ValueError as exc:
        raise UpdateError(f"{label}: {exc}; refused") from exc
    if database.records == 0:
        raise UpdateError(f"{label}: no usable GitHub Actions advisory in {database.documents} "
                          "files; refused")
    if database.unreadable > max(1, database.documents * _MAX_UNREADABLE_SHARE):
        first = f" (first: {database.problems[0]})" if database.problems else ""
        raise UpdateError(f"{label}: {database.unreadable} of {database.documents} files are "
                          f"not OSV records{first}; refused")
    return database.records

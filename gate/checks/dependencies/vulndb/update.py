"""``gate db update``: fetch the OSV export, verify it, and swap it in atomically.

The download goes to a temporary file in the destination directory; only a
verified archive is renamed over ``all.zip`` (``os.replace``: readers see the
old file or the new one, never half of one), then the metadata file is
replaced the same way. Any failure removes the temporary file and leaves the
previous database and its metadata exactly as they were.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from gate.checks.dependencies.vulndb.download import fetch
from gate.checks.dependencies.vulndb.interface import (
    ACTIONS_DIR,
    ARCHIVE_NAME,
    INFO_NAME,
    OSV_PYPI_EXPORT,
    DatabaseInfo,
    UpdateError,
    actions_source_for,
)
from gate.checks.dependencies.vulndb.verify import verify_actions_archive, verify_archive

__all__ = ["DEFAULT_MAX_BYTES", "UpdateRequest", "update_actions_database", "update_database"]

DEFAULT_MAX_BYTES = 512 * 1024**2
"""The PyPI export is tens of MB; a download past this is refused."""


@dataclass(frozen=True)
class UpdateRequest:
    """What ``gate db update`` was asked to do."""

    dest: Path
    source: str = OSV_PYPI_EXPORT
    actions_source: str | None = None
    """The GitHub Actions export; ``None``: beside ``source``; ``""``: do not fetch it."""
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 120.0


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _install(dest: Path, source: str, verify: Callable[[Path, str], int], max_bytes: int,
             timeout: float) -> DatabaseInfo:
    """Fetch ``source`` into ``dest``, verify it, rename it over ``all.zip``, write metadata."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UpdateError(f"cannot create {dest}: {exc}") from exc
    fd, tmp_name = tempfile.mkstemp(dir=dest, prefix=f".{ARCHIVE_NAME}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        downloaded = fetch(source, tmp, max_bytes=max_bytes, timeout=timeout)
        records = verify(tmp, source)
        info = DatabaseInfo(source=source, fetched_at=datetime.now(timezone.utc),
                            sha256=downloaded.sha256, size=downloaded.size, records=records)
        tmp.chmod(0o644)
        tmp.replace(dest / ARCHIVE_NAME)
    except OSError as exc:
        raise UpdateError(f"cannot write the database under {dest}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    _write_atomically(dest / INFO_NAME, json.dumps(info.as_json(), indent=2) + "\n")
    return info


def update_database(request: UpdateRequest) -> DatabaseInfo:
    """Fetch, verify and install the PyPI database; return what was recorded about it."""
    return _install(request.dest, request.source, verify_archive, request.max_bytes,
                    request.timeout)


def update_actions_database(request: UpdateRequest) -> DatabaseInfo | None:
    """Fetch, verify and install the GitHub Actions advisories under ``<dest>/github-actions``
    with the same caps and checks; ``None`` when no source is known (a PyPI ``--source``
    that is not an osv.dev-style ``.../PyPI/all.zip`` and no ``--actions-source``)."""
    source = request.actions_source if request.actions_source is not None \
        else actions_source_for(request.source)
    if not source:
        return None
    return _install(request.dest / ACTIONS_DIR, source, verify_actions_archive,
                    request.max_bytes, request.timeout)

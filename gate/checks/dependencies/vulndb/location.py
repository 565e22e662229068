"""Where ``gate db update`` writes the database and ``gate run`` looks for it, and its age.

The directory is ``$GATE_DB_DIR`` when set, else ``osv`` under the user cache
directory (:func:`platformdirs.user_cache_dir`: ``~/.cache/gate/osv`` on Linux,
``~/Library/Caches/gate/osv`` on macOS). A database there is used by
``gate run`` whenever ``--vuln-db`` / ``GATE_VULN_DB`` do not name another one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from gate.checks.dependencies.vulndb.interface import (
    ACTIONS_DIR,
    ARCHIVE_NAME,
    INFO_NAME,
    DatabaseInfo,
)

__all__ = ["DEFAULT_MAX_AGE_DAYS", "actions_database", "database_dir", "default_database",
           "freshness_warning", "read_info"]

DEFAULT_MAX_AGE_DAYS = 7
"""A database fetched longer ago than this draws a warning (policy: ``vuln_db_max_age``)."""

_MAX_INFO_BYTES = 64 * 1024


def database_dir(env: Mapping[str, str] | None = None) -> Path:
    """The directory of the local database (it may not exist yet)."""
    env = os.environ if env is None else env
    if env.get("GATE_DB_DIR"):
        return Path(env["GATE_DB_DIR"]).expanduser().absolute()
    import platformdirs  # only when the default location is needed

    return Path(platformdirs.user_cache_dir("gate", appauthor=False)) / "osv"


def default_database(env: Mapping[str, str] | None = None) -> Path | None:
    """The local database's archive if ``gate db update`` has written one, else ``None``."""
    archive = database_dir(env) / ARCHIVE_NAME
    return archive if archive.is_file() else None


def actions_database(vuln_db: Path | None = None,
                     env: Mapping[str, str] | None = None) -> Path | None:
    """The GitHub Actions export ``gate db update`` wrote: beside ``vuln_db`` (the PyPI
    archive ``--vuln-db`` names, or a directory holding it) when given, else in the default
    database directory; ``None`` when there is none."""
    base = database_dir(env) if vuln_db is None else \
        vuln_db if vuln_db.is_dir() else vuln_db.parent
    archive = base / ACTIONS_DIR / ARCHIVE_NAME
    return archive if archive.is_file() else None


def read_info(archive: Path) -> DatabaseInfo | None:
    """The metadata beside ``archive``, or ``None`` when absent or unreadable."""
    path = archive.parent / INFO_NAME
    try:
        if path.stat().st_size > _MAX_INFO_BYTES:
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        fetched = datetime.fromisoformat(str(raw["fetched_at"]))
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=timezone.utc)
        return DatabaseInfo(source=str(raw["source"]), fetched_at=fetched,
                            sha256=str(raw["sha256"]), size=int(raw["size"]),
                            records=int(raw["records"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def freshness_warning(archive: Path, max_age_days: float,
                      now: datetime | None = None) -> str | None:
    """A one-line warning when the database at ``archive`` is older than ``max_age_days``."""
    info = read_info(archive)
    now = now or datetime.now(timezone.utc)
    if info is None:
        fetched = datetime.fromtimestamp(archive.stat().st_mtime, timezone.utc)
        origin = "last modified"
    else:
        fetched, origin = info.fetched_at, "fetched"
    age = (now - fetched).total_seconds() / 86400
    if age <= max_age_days:
        return None
    return (f"offline vulnerability database {archive} was {origin} {age:.0f} days ago "
            f"(more than {max_age_days:g}): advisories published since are missing; "
            "run `gate db update`")

"""What the local vulnerability database records about itself, and its one error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gate.checks.interface import CheckError

__all__ = ["ACTIONS_DIR", "ARCHIVE_NAME", "INFO_NAME", "OSV_ACTIONS_EXPORT", "OSV_PYPI_EXPORT",
           "DatabaseInfo", "UpdateError", "actions_source_for"]

OSV_PYPI_EXPORT = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
"""osv.dev's export of every PyPI advisory: one JSON record per file, refreshed continuously."""

OSV_ACTIONS_EXPORT = "https://osv-vulnerabilities.storage.googleapis.com/GitHub%20Actions/all.zip"
"""osv.dev's export of the ``GitHub Actions`` ecosystem (GHSA advisories about actions)."""

ACTIONS_DIR = "github-actions"
"""Subdirectory of the database directory holding the GitHub Actions export and metadata."""

ARCHIVE_NAME = "all.zip"
INFO_NAME = "gate-db.json"


class UpdateError(CheckError):
    """``gate db update`` could not fetch or accept a database; the previous one is untouched."""


@dataclass(frozen=True)
class DatabaseInfo:
    """The metadata file written beside the archive by ``gate db update``."""

    source: str
    fetched_at: datetime
    """When the download finished (UTC)."""
    sha256: str
    size: int
    records: int
    """OSV records indexed from the archive (withdrawn and non-PyPI ones not counted)."""

    def as_json(self) -> dict[str, object]:
        """The JSON form stored in :data:`INFO_NAME`."""
        return {"version": 1, "source": self.source,
                "fetched_at": self.fetched_at.isoformat(timespec="seconds"),
                "sha256": self.sha256, "size": self.size, "records": self.records}


def actions_source_for(pypi_source: str) -> str | None:
    """Where the GitHub Actions export is, given where the PyPI one comes from: beside it
    (``.../PyPI/all.zip`` -> ``.../GitHub%20Actions/all.zip``), else unknown (``None``)."""
    suffix = "/PyPI/all.zip"
    if pypi_source.endswith(suffix):
        return pypi_source[: -len(suffix)] + "/GitHub%20Actions/all.zip"
    return None

"""What the local vulnerability database records about itself, and its one error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gate.checks.interface import CheckError

__all__ = ["ARCHIVE_NAME", "INFO_NAME", "OSV_PYPI_EXPORT", "DatabaseInfo", "UpdateError"]

OSV_PYPI_EXPORT = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
"""osv.dev's export of every PyPI advisory: one JSON record per file, refreshed continuously."""

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

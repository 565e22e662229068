"""The local OSV database: where it lives, how ``gate db update`` refreshes it, how old it is."""

from gate.checks.dependencies.vulndb.interface import DatabaseInfo, UpdateError
from gate.checks.dependencies.vulndb.location import (
    DEFAULT_MAX_AGE_DAYS,
    database_dir,
    default_database,
    freshness_warning,
    read_info,
)

__all__ = ["DEFAULT_MAX_AGE_DAYS", "DatabaseInfo", "UpdateError", "database_dir",
           "default_database", "freshness_warning", "read_info"]

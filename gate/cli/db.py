"""``gate db update`` / ``gate db status``: the local OSV database for offline audits.

``update`` downloads osv.dev's PyPI export (or ``--source``), verifies it and
swaps it in atomically; ``gate run`` then audits dependencies from it without
asking an online service per package. ``status`` says where it is and how old.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from gate.checks.dependencies.vulndb import database_dir, default_database, read_info
from gate.checks.dependencies.vulndb.interface import (
    ACTIONS_DIR,
    ARCHIVE_NAME,
    OSV_ACTIONS_EXPORT,
    OSV_PYPI_EXPORT,
)
from gate.checks.dependencies.vulndb.update import (
    DEFAULT_MAX_BYTES,
    UpdateRequest,
    update_actions_database,
    update_database,
)
from gate.cli.args import positive_float
from gate.errors import UsageError
from gate.policy.model import parse_size

__all__ = ["register"]


def _size(value: str) -> int:
    try:
        return parse_size(int(value) if value.isdigit() else value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None



def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate db`` and its subcommands."""
    parser = subparsers.add_parser("db", help="manage the local OSV vulnerability database",
                                   description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="db_command", metavar="COMMAND")
    update = commands.add_parser("update", help="download and verify the PyPI OSV export",
                                 description="Download osv.dev's PyPI export, verify it (size "
                                 "caps, member names, every record parsed as OSV) and replace "
                                 "the local database atomically. On any failure the previous "
                                 "database stays as it was.")
    update.add_argument("--dest", type=Path, metavar="DIR",
                        help="database directory (default: $GATE_DB_DIR, else the user cache "
                        f"directory; now {database_dir()})")
    update.add_argument("--source", metavar="URL", default=OSV_PYPI_EXPORT,
                        help="where to download from: an https URL of an OSV zip export, or a "
                        f"local path (default: {OSV_PYPI_EXPORT})")
    update.add_argument("--actions-source", metavar="URL",
                        help="the GitHub Actions advisories (OSV export) for the pipeline check: "
                        "an https URL or a local path; 'none' skips them (default: beside "
                        f"--source when it ends in /PyPI/all.zip, i.e. {OSV_ACTIONS_EXPORT})")
    update.add_argument("--max-size", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                        help="refuse a download larger than this (default: 512MiB)")
    update.add_argument("--timeout", type=positive_float, default=120.0, metavar="SECONDS",
                        help="network timeout (default: 120)")
    update.set_defaults(func=run_update)
    status = commands.add_parser("status", help="where the local database is and how old")
    status.add_argument("--dest", type=Path, metavar="DIR", help="database directory")
    status.set_defaults(func=run_status)
    parser.set_defaults(func=_usage(parser))


def _usage(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """``gate db`` alone: the help, exit 2."""
    def show(_: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2
    return show


def run_update(args: argparse.Namespace) -> int:
    """Fetch, verify and install the database; print one line about it."""
    dest: Path = args.dest or database_dir()
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"--dest: not a directory: {dest}")
    actions = getattr(args, "actions_source", None)
    request = UpdateRequest(dest=dest, source=args.source,
                            actions_source="" if actions == "none" else actions,
                            max_bytes=args.max_size, timeout=args.timeout)
    info = update_database(request)
    print(f"gate: vulnerability database updated: {dest / ARCHIVE_NAME} "
          f"({info.records:,} advisories, {info.size:,} bytes, sha256 {info.sha256[:12]}…)")
    actions_info = update_actions_database(request)
    if actions_info is None:
        print("gate: GitHub Actions advisories not fetched (no --actions-source for this "
              "--source): the pipeline check's GATE-GHA-016 will say it was not evaluated")
    else:
        print(f"gate: GitHub Actions advisories updated: {dest / ACTIONS_DIR / ARCHIVE_NAME} "
              f"({actions_info.records:,} advisories, {actions_info.size:,} bytes, sha256 "
              f"{actions_info.sha256[:12]}…)")
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Print the database's location and age; exit 1 when there is none."""
    archive = (args.dest / ARCHIVE_NAME) if args.dest else default_database()
    if archive is None or not archive.is_file():
        where = args.dest or database_dir()
        print(f"gate: no local vulnerability database in {where}; `gate run` asks the online "
              "service (run `gate db update` to audit offline)")
        return 1
    info = read_info(archive)
    if info is None:
        print(f"{archive}: no metadata (not written by `gate db update`)")
        return 0
    days = (datetime.now(timezone.utc) - info.fetched_at).total_seconds() / 86400
    print(f"{archive}: {info.records:,} advisories from {info.source}, fetched "
          f"{info.fetched_at.isoformat(timespec='seconds')} ({days:.1f} days ago)")
    return 0

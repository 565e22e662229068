"""Argument types shared by subcommands (``gate run``, ``gate merge``, ``gate publish``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gate.report.registry import FORMATS

__all__ = ["add_verbose", "report_spec"]


def report_spec(value: str) -> tuple[str, Path]:
    """Parse ``FORMAT=FILE`` for ``--report``."""
    fmt, sep, path = value.partition("=")
    if not sep or not fmt or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT=FILE, got {value!r}")
    if fmt not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"unknown report format {fmt!r} (choose from: {', '.join(FORMATS)})")
    return fmt, Path(path)


def add_verbose(parser: argparse.ArgumentParser) -> None:
    """``--verbose``: the text report lists every finding instead of counts per rule."""
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="text output: list every finding and not-scanned file")

"""Argument types shared by subcommands (``gate run``, ``gate merge``, ``gate publish``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gate.report.formats import FORMATS

__all__ = ["add_verbose", "check_list", "positive_float", "positive_int", "report_spec"]


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


def check_list(value: str) -> tuple[str, ...]:
    """``--checks a,b``: at least one check name."""
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError("--checks needs at least one check name")
    return names


def positive_int(value: str) -> int:
    """A whole number of at least 1 (``--jobs``)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def positive_float(value: str) -> float:
    """A number greater than 0 (timeouts, hours)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return number

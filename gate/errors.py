"""Errors that end a run before a verdict, and the exit codes they map to.

Exit codes (documented in the README and ``gate --help``):
0 pass · 1 the policy failed · 2 usage or configuration error ·
3 a check could not complete (and the policy does not allow that) ·
4 judged nothing: no check read a file, or a check the policy requires read none (``on_empty``) ·
128+n stopped by signal n before a verdict (130 SIGINT, 143 SIGTERM; :mod:`gate.signals`).
"""

from __future__ import annotations

__all__ = ["EXIT_CHECK_ERROR", "EXIT_EMPTY", "EXIT_FAIL", "EXIT_PASS", "EXIT_USAGE",
           "ReportError", "SerializeError", "UsageError"]

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_CHECK_ERROR = 3
EXIT_EMPTY = 4


class UsageError(Exception):
    """The command line or the environment asks for something impossible (exit 2)."""


class ReportError(Exception):
    """A report could not be rendered or written (unknown format, unwritable path; exit 2).

    Defined here, and re-exported by :mod:`gate.report.interface`, so that the CLI can
    catch it without loading the result model."""


class SerializeError(Exception):
    """A JSON report could not be read back (wrong schema, missing keys; exit 2).

    Re-exported by :mod:`gate.serialize`."""

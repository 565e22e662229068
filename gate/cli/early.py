"""What a subcommand that runs the checks starts before it has loaded anything else.

``gate run`` and ``gate pre-push`` fork their standby workers (:mod:`gate.standby`)
as soon as the command line names the subcommand, so that the workers load
their scanners while this process imports the run path and plans the run.
Only ``--checks`` is read here (a standby for a check it leaves out would be
waste); everything else is parsed, and validated, by the subcommand itself.
What a worker runs (:mod:`gate.worker`: the check interface, the registry, the
limits) is imported first, once: the run needs it too, and every standby then
inherits it instead of importing it again.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["STANDBY_COMMANDS", "start_standby"]

STANDBY_COMMANDS = frozenset({"run", "pre-push"})
"""The subcommands that run the checks."""


def _chosen(argv: Sequence[str]) -> set[str] | None:
    """The names ``--checks`` gives (``None`` without it: the policy decides)."""
    from gate.cli.args import check_list  # the subcommand's own reading of the list

    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--checks", type=check_list)
    parser.add_argument("-h", "--help", action="store_true")
    try:
        known, _ = parser.parse_known_args(list(argv))
    except SystemExit:  # malformed: the subcommand's own parser says so
        return set()
    if known.help:
        return set()
    return None if known.checks is None else set(known.checks)


def start_standby(argv: Sequence[str]) -> None:
    """Fork a standby worker for each of :data:`gate.checks.builtin.STANDBY_CHECKS` that
    ``--checks`` keeps."""
    from gate.checks.builtin import BUILTIN_CHECKS, STANDBY_CHECKS  # data, no check loaded

    chosen = _chosen(argv)
    names = [name for name in STANDBY_CHECKS if chosen is None or name in chosen]
    if not names:
        return
    import gate.worker  # noqa: F401  # the run needs it anyway; forked, the standbys have it
    from gate.standby import start

    start((name, BUILTIN_CHECKS[name]) for name in names)

"""What a subcommand that runs the checks starts before it has loaded anything else.

``gate run`` and ``gate pre-push`` fork their standby workers (:mod:`gate.standby`)
as soon as the command line names the subcommand, so that the workers load
their scanners while this process imports the run path and plans the run.
Only ``--checks`` is read here (a standby for a check it leaves out would be
waste); everything else is parsed, and validated, by the subcommand itself.
What a worker runs (:mod:`gate.worker`: the check interface, the registry, the
limits) is imported first, once: the run needs it too, and every standby then
inherits it instead of importing it again. So is, unless ``--no-cache`` says there
is no result cache, what both the run and every cached scan use (the cache store,
the remembered facts, the tree's snapshot, the scans' process pool, the cache key's
location), and the standby checks' classes (the run's idle test loads them): ~20 ms
of imports each standby would otherwise repeat.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

__all__ = ["STANDBY_COMMANDS", "start_standby"]

STANDBY_COMMANDS = frozenset({"run", "pre-push"})
"""The subcommands that run the checks."""


_SHARED = ("gate.worker",)
"""What the run and every standby import: before the fork, once."""
_SHARED_CACHED = ("gate.cache.store", "gate.checks.engine.digests", "gate.checks.engine.pool",
                  "platformdirs")
"""What the run and every standby's cached scans import, when there is a result cache."""


def _chosen(argv: Sequence[str]) -> tuple[set[str] | None, bool]:
    """The names ``--checks`` gives (``None`` without it: the policy decides), and whether
    the run has a result cache (no ``--no-cache``)."""
    from gate.cli.args import check_list  # the subcommand's own reading of the list

    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--checks", type=check_list)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("-h", "--help", action="store_true")
    try:
        known, _ = parser.parse_known_args(list(argv))
    except SystemExit:  # malformed: the subcommand's own parser says so
        return set(), False
    if known.help:
        return set(), False
    return None if known.checks is None else set(known.checks), not known.no_cache


def start_standby(argv: Sequence[str]) -> None:
    """Fork a standby worker for each of :data:`gate.checks.builtin.STANDBY_CHECKS` that
    ``--checks`` keeps."""
    from gate.checks.builtin import BUILTIN_CHECKS, STANDBY_CHECKS  # data, no check loaded

    chosen, cached = _chosen(argv)
    names = [name for name in STANDBY_CHECKS if chosen is None or name in chosen]
    if not names:
        return
    checks = (BUILTIN_CHECKS[name].partition(":")[0] for name in names)  # the run's idle test
    for module in (*_SHARED, *(_SHARED_CACHED if cached else ()), *checks):  # loads them too
        importlib.import_module(module)  # the run needs it anyway; forked, the standbys have it
    from gate.standby import start

    start((name, BUILTIN_CHECKS[name]) for name in names)

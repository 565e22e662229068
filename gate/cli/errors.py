"""The one place that turns exceptions into exit codes and messages a user can act on.

No traceback reaches a user for an expected error. An unexpected one is
reported in one line (set ``GATE_DEBUG=1`` for the traceback) and exits 3:
the gate could not judge, so it fails closed. A run stopped by a signal
(:mod:`gate.signals`) exits ``128 + signal``: 130 SIGINT, 143 SIGTERM, 129 SIGHUP.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Callable

from gate.checks.interface import CheckError
from gate.errors import EXIT_CHECK_ERROR, EXIT_USAGE, ReportError, SerializeError, UsageError
from gate.inventory import InventoryError
from gate.policy.errors import PolicyError
from gate.signals import Interrupted, exit_code_for

__all__ = ["handle_errors"]


def _say(message: str) -> None:
    print(f"gate: error: {message}", file=sys.stderr)


def handle_errors(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Call a subcommand and map what it raises onto the documented exit codes."""
    try:
        return func(args)
    except PolicyError as exc:
        print(exc.diagnostics(), file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, InventoryError, ReportError, SerializeError) as exc:
        _say(str(exc))
        return EXIT_USAGE
    except CheckError as exc:
        _say(str(exc))
        return EXIT_CHECK_ERROR
    except Interrupted as exc:
        print(f"gate: interrupted by {exc.name}: every worker was stopped; no verdict, "
              "no report", file=sys.stderr)
        return exit_code_for(exc.signum)
    except KeyboardInterrupt:
        print("gate: interrupted by SIGINT: no verdict, no report", file=sys.stderr)
        return exit_code_for(signal.SIGINT)
    except Exception as exc:
        if os.environ.get("GATE_DEBUG"):
            traceback.print_exc()
        _say(f"internal error: {type(exc).__name__}: {exc} (set GATE_DEBUG=1 for a traceback)")
        return EXIT_CHECK_ERROR

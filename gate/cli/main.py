"""``gate``: the command-line entry point. Parses arguments and dispatches; nothing else."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from gate.cli.early import STANDBY_COMMANDS, start_standby
from gate.signals import Interrupted, interrupt, noting_dropped, raise_pending

__all__ = ["SUBCOMMANDS", "build_parser", "main"]

EPILOG = """\
exit codes:
  0  pass: no finding fails the policy and every check completed
  1  the policy failed: at least one finding at or above its check's fail_on
  2  usage or configuration error: bad flag, missing path, invalid policy
  3  a check could not complete (crash, timeout, unreachable service) and the
     policy does not allow that (on_error: fail, the default)
  4  judged nothing: no check read a file (empty directory, missing checkout),
     or a check the policy requires judged nothing (on_empty)
  128+n  stopped by signal n before a verdict (130 SIGINT, 143 SIGTERM,
     129 SIGHUP): every worker stopped, no report written
"""

# One module per subcommand, registered explicitly (no discovery magic): name -> (module,
# one-line help). Only the module of the subcommand being run is imported, so `gate --help`
# and `gate --version` never load a scanner, pydantic or a forge client. The help line is
# repeated in each module's ``register`` (a test keeps the two equal).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("gate.cli.run", "scan a repository and judge it"),
    "pre-push": ("gate.cli.prepush", "gate what a push adds (the pre-commit pre-push hook)"),
    "init": ("gate.cli.init", "write .gate.yml: the defaults, stricter options commented"),
    "policy": ("gate.cli.policy", "show, validate a policy or print its schema"),
    "baseline": ("gate.cli.baseline", "write .gate-baseline.json from the current findings"),
    "publish": ("gate.cli.publish", "post a saved JSON report to its pull/merge request"),
    "rules": ("gate.cli.rules", "list the built-in IaC and pipeline rules"),
    "merge": ("gate.cli.merge",
              "combine the JSON reports of `gate run --shard I/N` jobs into one verdict"),
    "fix": ("gate.cli.fix", "upgrade vulnerable exact pins (dry run: prints a diff; --apply "
            "writes)"),
    "db": ("gate.cli.db", "manage the local OSV vulnerability database"),
}


class _VersionAction(argparse.Action):
    """``--version``: the gate's and each scanner's version (installed metadata), then exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        from gate.cli.version import version_text

        sys.stdout.write(version_text())
        parser.exit(0)


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gate",
        description="A security gate for CI/CD: SAST (bandit), dependencies (pip-audit), "
        "secrets (detect-secrets), IaC and pipeline definitions, judged against a policy "
        "(.gate.yml).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="show the gate's and each scanner's version and exit")
    return parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser (also used by the docs and the tests).

    ``only`` registers that subcommand's arguments and lists the others by name and help
    alone, so parsing a command imports nothing but that command's module.
    """
    parser = _top_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_line) in SUBCOMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module).register(subparsers)
        else:
            subparsers.add_parser(name, help=help_line)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (top-level options take no values)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in SUBCOMMANDS else None


def console() -> NoReturn:
    """The ``gate`` command (and ``python -m gate``): :func:`main`, then leave at once.

    Once every exit handler has run (the result cache's last writes among them),
    the process ends with ``os._exit``: tearing down the interpreter (freeing
    every module and object, one last collection) would cost a warm run a tenth
    of its time and change nothing anyone sees. The handler that does it is
    registered first, so it runs last; output is flushed before it leaves.
    """
    atexit.register(_leave)
    try:
        code = main()
    except SystemExit as exc:  # argparse's exit: its code, as the interpreter would take it
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    _exit_code[0] = code
    sys.exit(code)


_exit_code = [3]
"""What :func:`_leave` exits with: main's code (3, an internal error, until main returns)."""


def _leave() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a closed pipe
            stream.flush()
    os._exit(_exit_code[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (also used by ``python -m gate``).

    A Ctrl-C before the subcommand takes over (while modules load, arguments are
    parsed) ends the run with the same one line and exit code as one during it.
    It is raised as :class:`gate.signals.Interrupted`, never as a
    ``KeyboardInterrupt``, which CPython would turn into a death by SIGINT at exit.
    """
    try:
        previous = signal.signal(signal.SIGINT, interrupt)
    except ValueError:  # not the main thread (an embedding): leave signals alone
        previous = None
    try:
        with noting_dropped():
            code = _main(argv)
            raise_pending()  # a Ctrl-C whose exception Python dropped is still a Ctrl-C
        return code
    except (KeyboardInterrupt, Interrupted):
        print("gate: interrupted by SIGINT: no verdict, no report", file=sys.stderr)
        return 130
    except Exception as exc:  # loading a subcommand failed: never exit 1, which means "policy failed"
        if os.environ.get("GATE_DEBUG"):
            traceback.print_exc()
        print(f"gate: error: internal error: {type(exc).__name__}: {exc} "
              "(set GATE_DEBUG=1 for a traceback)", file=sys.stderr)
        return 3
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command(argv)
    held = False
    try:
        if command in STANDBY_COMMANDS:
            from gate.processes import defer_collection

            held = defer_collection()  # until the checks run (gate.processes)
            # Before the imports below (gate.cli.early), and inside the block that dismisses
            # them: a standby left waiting would be joined by multiprocessing at exit, and it
            # waits for us (a Ctrl-C while they start hung the gate).
            start_standby(argv)
        parser = build_parser(only=command or "")
        args = parser.parse_args(argv)
        if command is None or not getattr(args, "func", None):
            parser.print_help()
            return 2
        from gate.cli.errors import handle_errors

        return handle_errors(args.func, args)
    finally:
        standby = sys.modules.get("gate.standby")
        if standby is not None:
            standby.dismiss_all()  # any the run did not take (or a run that never started)
        if held:
            from gate.processes import restore_collection

            restore_collection()


if __name__ == "__main__":  # pragma: no cover
    console()

"""``gate``: the command-line entry point. Parses arguments and dispatches; nothing else."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from gate.cli.version import version_text

__all__ = ["build_parser", "main"]

EPILOG = """\
exit codes:
  0  pass: no finding fails the policy and every check completed
  1  the policy failed: at least one finding at or above its check's fail_on
  2  usage or configuration error: bad flag, missing path, invalid policy
  3  a check could not complete (crash, timeout, unreachable service) and the
     policy does not allow that (on_error: fail, the default)
"""

# One module per subcommand, registered explicitly (no discovery magic). Imported when the
# parser is built, so `gate --version` answers without loading the checks.
SUBCOMMANDS = ("run", "init", "policy", "baseline", "publish", "rules", "merge", "db")


class _VersionAction(argparse.Action):
    """``--version``: the gate's and each scanner's version, then exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        sys.stdout.write(version_text())
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    """The full parser (also used by the docs and the tests)."""
    parser = argparse.ArgumentParser(
        prog="gate",
        description="A security gate for CI/CD: SAST (bandit), dependencies (pip-audit), "
        "secrets (detect-secrets) and IaC, judged against a policy (.gate.yml).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="show the gate's and each scanner's version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"gate.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (also used by ``python -m gate``)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--version"]:  # the fast path: no subcommand (and no check) imported
        sys.stdout.write(version_text())
        return 0
    from gate.cli.errors import handle_errors

    parser = build_parser()
    args = parser.parse_args(arguments)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return handle_errors(args.func, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

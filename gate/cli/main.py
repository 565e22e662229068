"""``gate``: the command-line entry point. Parses arguments and dispatches; nothing else."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import gate
from gate.cli import baseline, init, merge, policy, publish, rules, run
from gate.cli.errors import handle_errors

__all__ = ["build_parser", "main"]

EPILOG = """\
exit codes:
  0  pass: no finding fails the policy and every check completed
  1  the policy failed: at least one finding at or above its check's fail_on
  2  usage or configuration error: bad flag, missing path, invalid policy
  3  a check could not complete (crash, timeout, unreachable service) and the
     policy does not allow that (on_error: fail, the default)
  128+n  stopped by signal n before a verdict (130 SIGINT, 143 SIGTERM,
     129 SIGHUP): every worker stopped, no report written
"""

# One module per subcommand, registered explicitly (no discovery magic).
SUBCOMMANDS = [run, init, policy, baseline, publish, rules, merge]


def build_parser() -> argparse.ArgumentParser:
    """The full parser (also used by the docs and the tests)."""
    parser = argparse.ArgumentParser(
        prog="gate",
        description="A security gate for CI/CD: SAST (bandit), dependencies (pip-audit), "
        "secrets (detect-secrets) and IaC, judged against a policy (.gate.yml).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"gate {gate.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (also used by ``python -m gate``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return handle_errors(args.func, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

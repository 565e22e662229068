"""``gate merge REPORT...``: judge the JSON reports of a sharded run as one run.

Each ``gate run --shard I/N --report json=FILE`` job scans one slice and
posts nothing; this command reads all N reports, writes one set of reports,
prints one verdict, posts one comment/status, and exits like ``gate run``.
A shard report that is missing, unreadable or from another tree makes the
verdict ``error`` (exit 3): a slice nobody judged is never a pass.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import gate.publish
from gate.cli.args import add_verbose, report_spec
from gate.cli.run import STDOUT_FORMATS
from gate.context import detect_context
from gate.merge import load_report, merge
from gate.report.registry import render_report, write_report
from gate.report.text import for_terminal
from gate.verdict import exit_code

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate merge``."""
    parser = subparsers.add_parser(
        "merge", help="combine the JSON reports of `gate run --shard I/N` jobs into one verdict",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT",
                        help="JSON reports written by `gate run --shard I/N --report json=FILE`")
    parser.add_argument("--format", choices=STDOUT_FORMATS, default="text",
                        help="what goes to stdout (default: text)")
    parser.add_argument("--report", type=report_spec, action="append", default=[],
                        metavar="FORMAT=FILE", help="also write a report of the merged result; "
                        "repeatable")
    parser.add_argument("--no-post", action="store_true", help="never talk to GitHub/GitLab")
    parser.add_argument("--github-token", metavar="TOKEN", default=None,
                        help="token for posting on GitHub (default: env GITHUB_TOKEN)")
    add_verbose(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Merge, write the reports, publish once, print; the merged verdict is the exit code."""
    result = merge([load_report(path) for path in args.reports])
    for fmt, path in args.report:
        write_report(result, fmt, path)
    env = dict(os.environ)
    for line in gate.publish.publish(result, detect_context(env), env, post=not args.no_post,
                                     github_token=args.github_token,
                                     report_paths=tuple(args.report)):
        print(line, file=sys.stderr)
    if args.format == "text":
        text = for_terminal(sys.stdout, args.verbose).render(result)
    else:
        text = render_report(result, args.format)
    sys.stdout.write(text)
    sys.stdout.flush()
    return exit_code(result.verdict)

"""``gate run [PATH]``: scan a repository and judge it against its policy."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from gate.cli.args import add_verbose, check_list, positive_float, positive_int, report_spec
from gate.cli.overrides import fail_on_spec, policy_overrides
from gate.cli.progress import Progress
from gate.errors import UsageError
from gate.pipeline import RunOptions
from gate.pipeline import run as run_pipeline
from gate.policy.model import Mode, Policy
from gate.report.formats import FORMATS
from gate.shard import Shard, parse_shard, shard_from_env
from gate.signals import stop_on_signals
from gate.workspace import resolve_workspace

__all__ = ["register", "run"]

STDOUT_FORMATS = tuple(FORMATS)
"""Any format can go to stdout (``--format sarif | jq``), held to its report scope."""



def _shard(value: str) -> Shard:
    try:
        return parse_shard(value)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _cache_dir(args: argparse.Namespace, root: Path) -> Path | None:
    if getattr(args, "no_cache", False):
        return None
    from gate.cache.location import trusted_cache_dir  # the cache's package: only when used
    from gate.cache.mac import cache_key

    chosen = trusted_cache_dir(root, getattr(args, "cache_dir", None), os.environ, _warn)
    if chosen is not None:
        cache_key(os.environ)  # create the MAC key once, before the workers race to
    return chosen



def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``gate run`` (shared with subcommands that run the gate)."""
    parser.add_argument("path", nargs="?", default=None, type=Path,
                        help="directory or file to scan (default: the whole repository around "
                        "the current directory); paths are reported relative to the "
                        "repository root")
    parser.add_argument("--policy", type=Path, metavar="FILE",
                        help="policy file (default: the nearest .gate.yml from PATH up to the "
                        "repository root, else the built-in default)")
    parser.add_argument("--checks", type=check_list, metavar="LIST",
                        help="comma-separated subset to run: sast,dependencies,secrets,iac")
    parser.add_argument("--format", choices=STDOUT_FORMATS, default="text",
                        help="what goes to stdout (default: text); any report format, held to "
                        "the policy's reports.scope for it")
    add_verbose(parser)
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="text output: only the verdict line and its reasons; no progress")
    parser.add_argument("--fail-on", type=fail_on_spec, action="append", default=[],
                        metavar="[CHECK=]LEVEL",
                        help="lowest severity that fails the gate, for every check or one "
                        "(overrides the policy's fail_on / checks.CHECK.fail_on); repeatable")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="paths no check scans (added to the policy's exclude); repeatable")
    parser.add_argument("--report", type=report_spec, action="append", default=[],
                        metavar="FORMAT=FILE",
                        help=f"also write a report; repeatable. Formats: {', '.join(FORMATS)}")
    parser.add_argument("--vuln-db", type=Path, metavar="PATH",
                        help="offline OSV database: a directory of OSV JSON/YAML or a zip "
                        "(env GATE_VULN_DB)")
    parser.add_argument("--no-post", action="store_true",
                        help="never talk to GitHub/GitLab")
    parser.add_argument("--github-token", metavar="TOKEN", default=None,
                        help="token for posting on GitHub (default: env GITHUB_TOKEN; prefer the env)")
    parser.add_argument("--upload-sarif", action="store_true",
                        help="in a GitHub context, also upload the SARIF report to code scanning "
                        "(needs security-events: write)")
    parser.add_argument("--jobs", type=positive_int, metavar="N",
                        help="worker processes (default: number of CPUs)")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="result cache: unchanged files are not rescanned (default: env "
                        "GATE_CACHE_DIR, else the user cache dir; never a directory git tracks)")
    parser.add_argument("--no-cache", action="store_true",
                        help="scan every file; neither read nor write the result cache")
    parser.add_argument("--cache-ttl", type=positive_float, metavar="HOURS", default=24.0,
                        help="reuse cached online vulnerability answers (PyPI) for this long "
                        "(default: 24)")
    parser.add_argument("--timeout", type=positive_float, metavar="SECONDS",
                        help="per-check timeout (overrides the policy)")
    parser.add_argument("--memory-limit", type=positive_int, metavar="MB",
                        help="address-space limit of each worker process (overrides the "
                        "policy's limits.memory_mb; default 2048)")
    parser.add_argument("--file-timeout", type=positive_float, metavar="SECONDS",
                        help="time budget of one file; over it the file is not scanned "
                        "(overrides the policy's limits.file_seconds; default 60)")
    parser.add_argument("--mode", type=Mode, choices=list(Mode), metavar="{all,new}",
                        help="all: every finding can fail; new: only findings absent on the "
                        "base (overrides the policy's mode)")
    parser.add_argument("--verify-secrets", action="store_true",
                        help="ask each provider's 'who am I' endpoint whether a found token is "
                        "live (sends the token to its own provider; off by default)")
    parser.add_argument("--base", metavar="REF",
                        help="compare with this ref (default: the PR/MR target branch in CI); "
                        "the policy, waivers and baseline are then read from it")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate run``."""
    parser = subparsers.add_parser("run", help="scan a repository and judge it",
                                   description=__doc__)
    add_run_arguments(parser)
    parser.add_argument("--shard", type=_shard, metavar="I/N",
                        help="scan slice I of N (counting from 1) and post nothing; combine the "
                        "N JSON reports with `gate merge` (default: CI_NODE_INDEX/CI_NODE_TOTAL, "
                        "as set by GitLab's parallel: N)")
    parser.set_defaults(func=run)


def options_from_args(args: argparse.Namespace, progress: Progress | None,
                      on_policy: Callable[[Policy], None] | None = None) -> RunOptions:
    """Translate parsed arguments into pipeline options."""
    workspace = resolve_workspace(args.path)
    extra = {"jobs": args.jobs} if args.jobs else {}
    shard = getattr(args, "shard", None)
    if shard is None and "shard" in args:
        shard = shard_from_env(os.environ)
        if shard is not None:
            _warn(f"gate: CI_NODE_INDEX/CI_NODE_TOTAL: scanning shard {shard} and posting "
                  "nothing; `gate merge` the JSON reports (--shard 1/1 scans everything)")
    return RunOptions(
        path=workspace.root,
        scope=workspace.scope,
        policy_start=workspace.start,
        policy_path=args.policy,
        checks=args.checks,
        reports=tuple(args.report),
        vuln_db=args.vuln_db,
        post=not args.no_post,
        timeout=args.timeout,
        mode=args.mode,
        base=args.base,
        github_token=args.github_token,
        upload_sarif=args.upload_sarif,
        on_warning=_warn,
        cache_dir=_cache_dir(args, workspace.root),
        cache_ttl=args.cache_ttl * 3600.0,
        shard=shard,
        memory_mb=getattr(args, "memory_limit", None),
        file_seconds=getattr(args, "file_timeout", None),
        verify_secrets=getattr(args, "verify_secrets", False),
        on_check_started=progress.started if progress else None,
        on_check_done=progress.done if progress else None,
        policy_overrides=policy_overrides(getattr(args, "fail_on", []),
                                          getattr(args, "exclude", [])),
        on_policy=on_policy,
        meanwhile=_load_terminal_reporter if args.format == "text" else None,
        **extra,
    )


def _load_terminal_reporter() -> None:
    """rich, for the terminal report: loaded while the checks work (``RunOptions.meanwhile``)."""
    import gate.report.text  # noqa: F401


def _warn(line: str) -> None:
    print(line, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run the gate and print the chosen format to stdout; the verdict is the exit code."""
    quiet = getattr(args, "quiet", False)
    progress = None if quiet else Progress.for_stderr()
    governing: list[Policy] = []
    try:
        with stop_on_signals():  # SIGTERM/SIGINT/SIGHUP: workers killed, no report, 128+n
            options = options_from_args(args, progress, governing.append)
            result = run_pipeline(options)
    finally:
        if progress:
            progress.stop()
    if args.format == "text":
        from gate.report.text import for_terminal  # rich: only for the terminal report

        reporter = for_terminal(sys.stdout, args.verbose, options.path)
        text = reporter.headline(result) if quiet else reporter.render(result)
    else:
        scope = governing[-1].reports.scope_for(args.format) if governing else None
        from gate.report.registry import render_report

        text = render_report(result, args.format, scope)
    sys.stdout.write(text)
    sys.stdout.flush()
    from gate.verdict import exit_code

    return exit_code(result.verdict)

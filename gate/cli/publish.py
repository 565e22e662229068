"""``gate publish RESULT.json``: post a saved JSON report to its pull/merge request.

The fork-safe second phase on GitHub: a ``pull_request`` job scans the
untrusted code with a read-only token and uploads ``gate.json``; a trusted
``workflow_run`` job, which never checks out PR code, downloads it and runs
``gate publish``. Where to post comes from the event GitHub wrote (the run's
head sha, its pull request), never from the artifact; when GitHub omits the
PR (it does for forks) the artifact's PR number is used only after the API
confirms that PR's head is that same sha.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

from gate.context import Context, detect_context
from gate.errors import EXIT_CHECK_ERROR, EXIT_PASS, EXIT_USAGE, UsageError
from gate.publish import publish_run
from gate.result import RunResult
from gate.serialize import SerializeError, from_dict

__all__ = ["register", "run"]

EPILOG = """\
exit codes:
  0  everything was posted (whatever the verdict: the status and check carry it)
  2  usage: unreadable RESULT.json, no pull/merge request in this job, no token
  3  the forge refused or could not be reached (the warning line says why)
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate publish``."""
    parser = subparsers.add_parser(
        "publish", help="post a saved JSON report to its pull/merge request",
        description=__doc__, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("result", type=Path, metavar="RESULT.json",
                        help="a report written by `gate run --report json=FILE`")
    parser.add_argument("--github-token", metavar="TOKEN",
                        help="GitHub token (default: env GITHUB_TOKEN; prefer the env variable, "
                        "a command line can show in process lists)")
    parser.add_argument("--pr", type=int, metavar="N",
                        help="GitHub PR number when the event does not name one (checked "
                        "against the run's head sha before anything is posted)")
    parser.set_defaults(func=run)


def _load(path: Path) -> RunResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise SerializeError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SerializeError(f"{path} is not a gate JSON report")
    return from_dict(data)


def _target(context: Context, result: RunResult, pr: int | None) -> tuple[Context, bool]:
    """The PR/MR to post to, and whether its head must be checked first."""
    if context.platform == "local":
        raise UsageError("gate publish runs in GitHub Actions or GitLab CI "
                         "(neither GITHUB_ACTIONS nor GITLAB_CI is \"true\")")
    if not context.sha:
        raise UsageError("this job does not say which commit it is for")
    saved_sha = result.context.get("sha")
    if saved_sha and saved_sha != context.sha:
        raise UsageError(f"the result is for commit {saved_sha[:40]}, but this job is for "
                         f"{context.sha}: download the artifact of this workflow run")
    if pr is not None and pr != context.pr_number:
        if context.platform != "github" or context.pr_number is not None:
            raise UsageError(f"--pr {pr} does not match the event's PR #{context.pr_number}")
        return replace(context, pr_number=pr), True
    if context.pr_number is None and context.platform == "github":
        saved = result.context.get("pr_number", "")
        if saved.isdigit() and int(saved) > 0:
            return replace(context, pr_number=int(saved)), True
    if context.pr_number is None:
        raise UsageError("no pull/merge request to post to: run gate publish in a pull_request "
                         "or workflow_run job (GitHub) or a merge request pipeline (GitLab)")
    return context, False


def run(args: argparse.Namespace) -> int:
    """Post the saved result; warnings to stderr; exit code as in the epilog."""
    env = dict(os.environ)
    result = _load(args.result)
    context, verify = _target(detect_context(env), result, args.pr)
    token = (args.github_token or env.get("GITHUB_TOKEN") if context.platform == "github"
             else env.get("GITLAB_TOKEN"))
    outcome = publish_run(result, context, env, github_token=args.github_token,
                          verify_pr=verify, annotate=False)
    for line in outcome.warnings:
        print(line, file=sys.stderr)
    if not token:
        return EXIT_USAGE
    if outcome.report is None or not outcome.report.ok:
        return EXIT_CHECK_ERROR
    print(f"gate: posted to {outcome.report.target}: {', '.join(outcome.report.posted)}",
          file=sys.stderr)
    return EXIT_PASS

"""Publishing: the verdict where people review code, without ever changing it.

:func:`publish` is the one entry point (``gate run`` after its reports are
written, and ``gate publish``). It never raises and never touches report
files: whatever goes wrong comes back as one warning line per platform that
says why and what to do. Tokens are read here, from the environment or the
command line, and never stored in :class:`~gate.context.Context`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gate.context import Context
from gate.publish.interface import Publisher, PublishError, PublishReport, PublishSettings
from gate.publish.text import clean, redact
from gate.result import RunResult

__all__ = ["Outcome", "PublishError", "PublishSettings", "publish", "publish_run"]

_NAMES = {"github": "GitHub", "gitlab": "GitLab"}
_UNAFFECTED = "The verdict, exit code and report files are unaffected."


@dataclass(frozen=True)
class Outcome:
    """What publishing did: the warning lines and, when it was tried, the publisher's report."""

    warnings: tuple[str, ...] = ()
    report: PublishReport | None = None


def _failure_line(report: PublishReport, publisher: Publisher) -> str:
    first = report.failed[0]
    names = list(report.failed_steps)
    what = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    reason = f"HTTP {first.status}: {first.reason}" if first.status else first.reason
    skipped = f"; skipped {', '.join(report.skipped)}" if report.skipped else ""
    advice = publisher.advice(first)
    return (f"gate: could not publish to {_NAMES[report.platform]} {report.target} "
            f"({what} failed: {reason}{skipped}). {advice[:1].upper()}{advice[1:]}. "
            f"{_UNAFFECTED}")


def _attempt(make: Callable[[], Publisher], run: RunResult, where: str) -> tuple[
        PublishReport | None, str | None]:
    try:
        publisher = make()
        report = publisher.publish(run)
    except Exception as exc:  # publishing must never break a run; a bug here is one line too
        text = clean(f"{type(exc).__name__}: {exc}", 200)
        return None, f"gate: could not publish to {where} ({text}). {_UNAFFECTED}"
    return report, (_failure_line(report, publisher) if report.failed else None)


def _github(run: RunResult, context: Context, token: str | None, settings: PublishSettings,
            verify_pr: bool) -> tuple[PublishReport | None, str | None]:
    target = f"GitHub PR #{context.pr_number}"
    if not token:
        return None, (f"gate: not posting to {target}: no token; set `GITHUB_TOKEN: "
                      "${{ github.token }}` in the step's env (the gate action does) "
                      "or pass --no-post.")
    from gate.publish.github import GitHubPublisher

    return _attempt(lambda: GitHubPublisher(context, token, settings, verify_pr=verify_pr),
                    run, target)


def _gitlab(run: RunResult, context: Context, env: Mapping[str, str],
            settings: PublishSettings) -> tuple[PublishReport | None, str | None]:
    target = f"GitLab MR !{context.pr_number}"
    token = env.get("GITLAB_TOKEN")
    if not token:
        why = ("only CI_JOB_TOKEN is available, and it cannot write merge request notes or "
               "commit statuses" if env.get("CI_JOB_TOKEN") else "GITLAB_TOKEN is not set")
        return None, (f"gate: not posting to {target}: {why}; create a project access token "
                      "(Settings > Access tokens, role Developer, scope api) and add it as a "
                      "masked CI/CD variable named GITLAB_TOKEN.")
    from gate.publish.gitlab import GitLabPublisher

    return _attempt(lambda: GitLabPublisher(context, token, settings), run, target)


def _actions_channels(run: RunResult, context: Context, env: Mapping[str, str],
                      report_paths: Iterable[tuple[str, Path]], annotate: bool,
                      commands: TextIO) -> list[str]:
    from gate.publish import github_actions as gha

    warnings = []
    if env.get("GITHUB_STEP_SUMMARY"):
        warnings.append(gha.write_step_summary(env["GITHUB_STEP_SUMMARY"], run, context.run_url))
    if env.get("GITHUB_OUTPUT"):
        warnings.append(gha.write_outputs(env["GITHUB_OUTPUT"],
                                          gha.step_outputs(run, report_paths)))
    if annotate:
        for line in gha.error_commands(run):
            commands.write(line + "\n")
        commands.flush()
    return [w for w in warnings if w]


def publish_run(run: RunResult, context: Context, env: Mapping[str, str], *, post: bool = True,
                github_token: str | None = None,
                report_paths: Iterable[tuple[str, Path]] = (),
                settings: PublishSettings | None = None, commands: TextIO | None = None,
                verify_pr: bool = False, annotate: bool = True) -> Outcome:
    """:func:`publish`, returning the publisher's report too (``gate publish`` needs it).

    ``annotate=False`` suppresses the ``::error`` fallback: in a ``workflow_run``
    job they would land on that run's commit (the default branch), not the PR.
    """
    settings = settings or PublishSettings()
    github_token = github_token or env.get("GITHUB_TOKEN") or None
    secrets = (github_token, env.get("GITHUB_TOKEN"), env.get("GITLAB_TOKEN"),
               env.get("CI_JOB_TOKEN"))
    report, line = None, None
    if post and context.pr_number and context.sha:
        if context.platform == "github":
            report, line = _github(run, context, github_token, settings, verify_pr)
        elif context.platform == "gitlab":
            report, line = _gitlab(run, context, env, settings)
    warnings = [line] if line else []
    if context.platform == "github" and env.get("GITHUB_ACTIONS") == "true":
        fallback = annotate and not (report and report.check_run)
        warnings += _actions_channels(run, context, env, report_paths, fallback,
                                      commands or sys.stderr)
    return Outcome(tuple(redact(w, secrets) for w in warnings), report)


def publish(run: RunResult, context: Context, env: Mapping[str, str], *, post: bool = True,
            github_token: str | None = None, report_paths: Iterable[tuple[str, Path]] = (),
            settings: PublishSettings | None = None,
            commands: TextIO | None = None) -> list[str]:
    """Publish ``run`` for ``context``; return warning lines (print them to stderr).

    Call it after the reports are written, whether or not ``--no-post`` was
    given: with ``post=False`` nothing talks to GitHub/GitLab, but GitHub
    Actions still gets its step summary, outputs and ``::error`` lines
    (written to ``commands``, stderr by default, so stdout stays the report).
    Outside a PR/MR, or locally, it does nothing and returns ``[]``.
    """
    return list(publish_run(run, context, env, post=post, github_token=github_token,
                            report_paths=report_paths, settings=settings,
                            commands=commands).warnings)

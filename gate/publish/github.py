"""GitHub: one upserted PR comment, a commit status and a check run, with PyGithub.

Client settings are chosen, not inherited: ``lazy=True`` (no ``GET`` of the
repository or PR before a write), urllib3 retries for reads only (``GET`` /
``HEAD``; POST and PATCH go through :func:`gate.publish.retry.call`, which
looks for the marker before repeating a create), GitHub's own rate-limit
handling (:class:`github.GithubRetry`) with waits capped, and writes spaced
as GitHub advises against secondary rate limits.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.IssueComment import IssueComment
from github.Repository import Repository
from urllib3.util import Retry

import gate
from gate.context import Context
from gate.publish.advice import github_advice
from gate.publish.github_checks import CheckRunWriter
from gate.publish.interface import Publisher, PublishError, PublishSettings, Step
from gate.publish.retry import ApiFailure, Kind, call
from gate.publish.text import MARKER, clean, comment_body, status_description
from gate.result import RunResult, Verdict

__all__ = ["COMMENT_LIMIT", "GitHubPublisher", "classify"]

COMMENT_LIMIT = 65_536
"""GitHub's documented maximum for an issue comment body."""
_BUDGET = 60_000
"""What we aim for: well under the limit whatever unit GitHub counts in (UTF-16, bytes)."""
_STATE = {Verdict.PASS: "success", Verdict.FAIL: "failure", Verdict.ERROR: "error"}
_READ_METHODS = frozenset({"GET", "HEAD"})
_NETWORK = (requests.ConnectionError, requests.Timeout,
            requests.exceptions.ChunkedEncodingError, requests.exceptions.RetryError)


def _message(data: Any) -> str:
    if isinstance(data, dict):
        text = str(data.get("message") or "")
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            text += f" ({errors[0].get('message') or errors[0].get('code') or ''})"
        return clean(text, 200)
    return clean(data if isinstance(data, str) else "", 200)


def _retry_after(headers: dict[str, str] | None) -> float | None:
    value = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def classify(exc: Exception) -> ApiFailure | None:
    """What a PyGithub/requests exception means; ``None`` for anything else (a bug)."""
    if isinstance(exc, GithubException):
        message = _message(exc.data) or f"HTTP {exc.status}"
        lowered = message.lower()
        after = _retry_after(exc.headers)
        if exc.status in (403, 429) and (after is not None or "rate limit" in lowered):
            return ApiFailure(Kind.NOT_APPLIED, exc.status, message, after)
        if exc.status >= 500 or exc.status == 408:
            return ApiFailure(Kind.MAYBE_APPLIED, exc.status, message)
        return ApiFailure(Kind.PERMANENT, exc.status, message)
    if isinstance(exc, _NETWORK):
        return ApiFailure(Kind.MAYBE_APPLIED, None, f"no answer ({type(exc).__name__})")
    return None


def _read_retry(settings: PublishSettings) -> GithubRetry:
    """urllib3 retries for reads, GitHub's rate-limit logic, every wait capped."""
    policy = settings.retry
    extra: dict[str, Any] = {}
    if "retry_after_max" in inspect.signature(Retry.__init__).parameters:
        extra["retry_after_max"] = int(policy.max_wait)
    return GithubRetry(
        total=max(0, policy.attempts - 1), backoff_factor=policy.base_delay,
        backoff_max=policy.max_wait, allowed_methods=_READ_METHODS, raise_on_status=False,
        secondary_rate_wait=min(60.0, policy.max_wait), max_rate_limit_wait=policy.max_wait,
        **extra)


def client(api_url: str, token: str, settings: PublishSettings) -> Github:
    """A PyGithub client configured for publishing (see the module docstring)."""
    return Github(
        base_url=api_url, auth=Auth.Token(token), timeout=settings.timeout,
        per_page=settings.per_page, retry=_read_retry(settings),
        seconds_between_requests=settings.seconds_between_requests,
        seconds_between_writes=settings.seconds_between_writes,
        user_agent=f"gate/{gate.__version__}", lazy=True,
    )


class GitHubPublisher(Publisher):
    """Comment, status and check run on one pull request's head commit.

    ``verify_pr`` is for ``gate publish`` in a ``workflow_run`` job when the
    PR number came from the (untrusted) saved result: nothing is written
    unless that PR's head is the commit GitHub says the run was for.
    """

    platform = "github"

    def __init__(self, context: Context, token: str, settings: PublishSettings, *,
                 verify_pr: bool = False) -> None:
        if not (context.repository and context.sha and context.pr_number and context.api_url):
            raise ValueError("GitHubPublisher needs a repository, head sha, PR number and API URL")
        self.context, self.settings, self.verify_pr = context, settings, verify_pr
        self.repo: Repository = client(context.api_url, token, settings).get_repo(
            context.repository)
        self.number, self.sha = context.pr_number, context.sha
        self._read_policy = replace(settings.retry, attempts=1)

    @property
    def target(self) -> str:
        """``PR #12``."""
        return f"PR #{self.number}"

    def _read(self, op: Any, what: str) -> Any:
        return call(op, classify=classify, policy=self._read_policy, what=what)

    def prepare(self) -> None:
        """Refuse to post for a PR whose head is not the commit the result is for."""
        if not self.verify_pr:
            return
        head = self._read(lambda: self.repo.get_pull(self.number).head.sha, "pull request")
        if head != self.sha:
            raise PublishError("pull request head", f"PR #{self.number} is at {clean(head, 40)}, "
                               f"not {self.sha}: the result is not for this PR's head")

    def steps(self, run: RunResult) -> Sequence[Step]:
        """Comment, then status, then check run (with its annotations)."""
        checks = CheckRunWriter(self.repo, self.context, self.settings, classify)
        return [Step("comment", lambda: self._comment(run)),
                Step("status", lambda: self._status(run)),
                Step("check run", lambda: checks.write(run))]

    def _marked(self) -> list[IssueComment]:
        comments = self._read(lambda: list(self.repo.get_issue(self.number).get_comments()),
                              "list comments")
        return sorted((c for c in comments if (c.body or "").startswith(MARKER)),
                      key=lambda c: c.id, reverse=True)

    def _comment(self, run: RunResult) -> None:
        body = comment_body(run, self.context, _BUDGET)
        seen = self._marked()
        # Newest first; a marked comment we may not edit (someone else's copy) is skipped.
        for existing in seen[:3]:
            try:
                call(functools.partial(existing.edit, body), classify=classify,
                     policy=self.settings.retry, what="edit comment")
                return
            except PublishError as exc:
                if exc.status not in (403, 404) or exc.rate_limited:
                    raise
        known = {c.id for c in seen}

        def recover() -> IssueComment | None:
            return next((c for c in self._marked() if c.id not in known), None)

        issue = self.repo.get_issue(self.number)
        call(lambda: issue.create_comment(body), classify=classify,
             policy=self.settings.retry, what="create comment", recover=recover)

    def _status(self, run: RunResult) -> None:
        commit = self.repo.get_commit(self.sha)
        url = self.context.run_url
        safe_url = url if url and urlsplit(url).scheme in ("http", "https") else None
        kwargs: dict[str, Any] = {"target_url": safe_url} if safe_url else {}
        # Setting a status is idempotent (the latest per context wins): plain retries are safe.
        call(lambda: commit.create_status(
                 _STATE.get(run.verdict, "error"), description=status_description(run),
                 context="gate", **kwargs),
             classify=classify, policy=self.settings.retry, what="status")

    def advice(self, error: PublishError) -> str:
        """What to do, by failure: fork token, permissions, token validity, reachability."""
        return github_advice(error, self.context)


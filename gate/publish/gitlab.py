"""GitLab: one upserted merge-request note and a commit status, with python-gitlab.

Client settings are chosen, not inherited: ``retry_transient_errors=True``
with a small ``max_retries`` on every call, so reads and the idempotent note
edit (``PUT``) survive a 502; ``obey_rate_limit`` (the default) waits out a
429, which the server never applied. ``POST`` requests are sent with the
client's retries off: creating a note goes through
:func:`gate.publish.retry.call`, which looks for the marker again before a
second try, and setting a status is repeated only by that same wrapper.
``keep_base_url=True`` keeps pagination on ``CI_SERVER_URL`` even behind a
proxy that rewrites links.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import gitlab
import requests
from gitlab.exceptions import GitlabError
from gitlab.v4.objects import ProjectMergeRequestNote

import gate
from gate.context import Context
from gate.publish.advice import gitlab_advice
from gate.publish.interface import Publisher, PublishError, PublishSettings, Step
from gate.publish.retry import ApiFailure, Kind, call
from gate.publish.text import MARKER, clean, comment_body, status_description
from gate.result import RunResult, Verdict

__all__ = ["NOTE_LIMIT", "GitLabPublisher", "classify"]

NOTE_LIMIT = 1_000_000
"""GitLab's maximum note length."""
_BUDGET = 950_000
_STATE = {Verdict.PASS: "success", Verdict.FAIL: "failed", Verdict.ERROR: "failed"}
_NETWORK = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def classify(exc: Exception) -> ApiFailure | None:
    """What a python-gitlab/requests exception means; ``None`` for anything else (a bug)."""
    if isinstance(exc, GitlabError):
        code = exc.response_code
        message = clean(exc.error_message, 200) or f"HTTP {code}"
        if code is None:
            return ApiFailure(Kind.PERMANENT, 0, f"unexpected answer: {message}")
        if code == 429:
            return ApiFailure(Kind.NOT_APPLIED, code, message)
        if code >= 500 or code == 408:
            return ApiFailure(Kind.MAYBE_APPLIED, code, message)
        return ApiFailure(Kind.PERMANENT, code, message)
    if isinstance(exc, _NETWORK):
        return ApiFailure(Kind.MAYBE_APPLIED, None, f"no answer ({type(exc).__name__})")
    return None


class GitLabPublisher(Publisher):
    """Note and status on one merge request's head commit."""

    platform = "gitlab"

    def __init__(self, context: Context, token: str, settings: PublishSettings) -> None:
        if not (context.repository and context.sha and context.pr_number and context.server_url):
            raise ValueError("GitLabPublisher needs a project, head sha, MR iid and server URL")
        self.context, self.settings = context, settings
        self.gl = gitlab.Gitlab(
            context.server_url, private_token=token, timeout=settings.timeout,
            retry_transient_errors=True, per_page=settings.per_page, keep_base_url=True,
            user_agent=f"gate/{gate.__version__}")
        self.project = self.gl.projects.get(context.repository, lazy=True)
        self.mr = self.project.mergerequests.get(context.pr_number, lazy=True)
        self.iid, self.sha = context.pr_number, context.sha
        self._client_retries = {"max_retries": max(0, settings.retry.attempts - 1)}
        self._no_client_retry = {"retry_transient_errors": False, "max_retries": 2}
        self._once = replace(settings.retry, attempts=1)

    @property
    def target(self) -> str:
        """``MR !7``."""
        return f"MR !{self.iid}"

    def steps(self, run: RunResult) -> Sequence[Step]:
        """Note, then status."""
        return [Step("note", lambda: self._note(run)), Step("status", lambda: self._status(run))]

    def _marked(self) -> list[ProjectMergeRequestNote]:
        def fetch() -> list[ProjectMergeRequestNote]:
            notes = self.mr.notes.list(iterator=True, sort="desc", order_by="created_at",
                                       **self._client_retries)
            return [n for n in notes
                    if not getattr(n, "system", False) and str(n.body or "").startswith(MARKER)]

        found: list[ProjectMergeRequestNote] = call(fetch, classify=classify, policy=self._once,
                                                    what="list notes")
        return sorted(found, key=lambda n: int(n.id), reverse=True)

    def _note(self, run: RunResult) -> None:
        body = comment_body(run, self.context, _BUDGET)
        seen = self._marked()
        # Newest first; a marked note we may not edit (someone else's copy) is skipped.
        for existing in seen[:3]:
            try:
                call(functools.partial(self.mr.notes.update, existing.id, {"body": body},
                                       **self._client_retries),
                     classify=classify, policy=self._once, what="edit note")
                return
            except PublishError as exc:
                if exc.status not in (403, 404) or exc.rate_limited:
                    raise
        known = {int(n.id) for n in seen}

        def recover() -> ProjectMergeRequestNote | None:
            return next((n for n in self._marked() if int(n.id) not in known), None)

        call(lambda: self.mr.notes.create({"body": body}, **self._no_client_retry),
             classify=classify, policy=self.settings.retry, what="create note", recover=recover)

    def _status(self, run: RunResult) -> None:
        data: dict[str, Any] = {"state": _STATE.get(run.verdict, "failed"), "name": "gate",
                                "description": status_description(run)}
        url = self.context.run_url
        if url and url.startswith(("https://", "http://")):
            data["target_url"] = url
        commit = self.project.commits.get(self.sha, lazy=True)
        try:
            # Idempotent in effect (the latest "gate" status wins): repeated by call() on 5xx.
            call(lambda: commit.statuses.create(data, **self._no_client_retry),
                 classify=classify, policy=self.settings.retry, what="status")
        except PublishError as exc:
            # GitLab answers 400 when the status is already in that state: nothing to do.
            if not (exc.status == 400 and "cannot transition status" in exc.reason.lower()):
                raise

    def advice(self, error: PublishError) -> str:
        """What to do, by failure: token rights, token validity, reachability."""
        return gitlab_advice(error, self.context)


"""Retries with backoff for forge writes, without ever blindly repeating a create.

The clients' own retries (urllib3's for PyGithub, python-gitlab's
``retry_transient_errors``) cover reads. Writes come through :func:`call`,
which knows what a failure means:

* ``not_applied`` (a rate limit, 429 or GitHub's secondary-limit 403): the
  server did nothing; wait as told and send it again.
* ``maybe_applied`` (5xx, timeout, dropped connection): the server may have
  done it. An idempotent write (edit a comment, set a status) is sent again;
  a create first runs ``recover``, which looks for what it would create (the
  hidden marker, the check run's external id) and returns it if it is there.
* ``permanent`` (401, 403, 404, 422...): sending it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from gate.publish.interface import PublishError, RetryPolicy

__all__ = ["ApiFailure", "Kind", "RetryPolicy", "call"]

T = TypeVar("T")


class Kind(str, Enum):
    """What a failed request tells us about the server's state."""

    NOT_APPLIED = "not_applied"
    MAYBE_APPLIED = "maybe_applied"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class ApiFailure:
    """A client exception, classified. ``message`` is already safe to show a user."""

    kind: Kind
    status: int | None
    message: str
    retry_after: float | None = None


def call(op: Callable[[], T], *, classify: Callable[[Exception], ApiFailure | None],
         policy: RetryPolicy, what: str,
         recover: Callable[[], T | None] | None = None) -> T:
    """Run ``op`` with retries; raise :class:`PublishError` when it cannot be done.

    ``classify`` returns ``None`` for exceptions that are not API failures
    (bugs), which propagate unchanged. ``recover`` is for creates: after a
    failure that may have been applied it is asked first, and whatever it
    finds is returned instead of creating a second one.
    """
    attempt = 0
    while True:
        try:
            return op()
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                raise
            attempt += 1
            limited = failure.kind is Kind.NOT_APPLIED
            if failure.kind is Kind.PERMANENT or attempt >= policy.attempts:
                raise PublishError(what, failure.message, status=failure.status,
                                   rate_limited=limited) from None
            wait = policy.backoff(attempt - 1)
            if failure.retry_after is not None:
                if failure.retry_after > policy.max_wait:
                    raise PublishError(what, f"{failure.message} (retry in "
                                       f"{failure.retry_after:.0f}s, longer than the gate "
                                       f"waits)", status=failure.status,
                                       rate_limited=limited) from None
                wait = max(wait, failure.retry_after)
            policy.sleep(wait)
        if failure.kind is Kind.MAYBE_APPLIED and recover is not None:
            found = recover()
            if found is not None:
                return found

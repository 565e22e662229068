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

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from gate.publish.interface import PublishError

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


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Defaults suit CI; tests pass zero delays.

    ``max_wait`` caps any single wait, including a server's ``Retry-After``:
    a CI job should not sleep an hour for a primary rate limit to reset, it
    should say so and move on.
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff: base, 2*base, 4*base..., capped by ``max_wait``."""
        return min(self.max_wait, self.base_delay * float(1 << attempt))


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

"""The publisher interface: put a :class:`RunResult` where people review code.

A publisher runs a few independent steps (comment, status, check run). A step
that fails raises :class:`PublishError`; the others still run, because each
needs its own permission (``pull-requests``, ``statuses``, ``checks``) and one
missing grant should not hide what the others can show. Only an unreachable
server or a rejected token stops the rest: every further request would fail
the same way, slowly.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from gate.result import RunResult

__all__ = ["PublishError", "PublishReport", "PublishSettings", "Publisher", "RetryPolicy", "Step"]


class PublishError(Exception):
    """A forge refused a request or could not be reached.

    ``reason`` is already safe to print: the forge's own message, cleaned and
    cut, never a token. ``status`` is ``None`` when no HTTP answer came back.
    ``rate_limited`` marks a refusal that says nothing about permissions (a 403
    secondary rate limit is not "this comment is not yours").
    """

    def __init__(self, what: str, reason: str, *, status: int | None = None,
                 rate_limited: bool = False) -> None:
        super().__init__(f"{what}: {reason}")
        self.what, self.reason, self.status = what, reason, status
        self.rate_limited = rate_limited

    @property
    def stops_publishing(self) -> bool:
        """Unreachable server or rejected token: the remaining steps would fail the same way."""
        return self.status is None or self.status == 401


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


@dataclass(frozen=True)
class PublishSettings:
    """Client behaviour, set deliberately rather than left to library defaults.

    ``seconds_between_writes`` follows GitHub's advice for avoiding secondary
    rate limits (serial writes, about a second apart); a run makes a handful
    of writes, so it costs seconds. ``max_annotations`` caps a check run's
    annotations (50 per request): past it, the rest are summarised.
    """

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: int = 20
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0
    max_annotations: int = 500
    per_page: int = 100


@dataclass(frozen=True)
class Step:
    """One independent piece of publishing, e.g. ``("comment", post_comment)``."""

    name: str
    run: Callable[[], None]


@dataclass(frozen=True)
class PublishReport:
    """What one publisher managed, for the warning line and ``gate publish``'s exit code."""

    platform: str
    target: str
    posted: tuple[str, ...] = ()
    failed: tuple[PublishError, ...] = ()
    skipped: tuple[str, ...] = ()
    check_run: bool = False
    failed_steps: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Everything that was attempted landed."""
        return not self.failed and not self.skipped


class Publisher(ABC):
    """One forge. Subclasses supply the steps and the advice for a failure."""

    platform: ClassVar[str]

    @property
    @abstractmethod
    def target(self) -> str:
        """Where results go, for messages: ``PR #12``, ``MR !7``."""

    @abstractmethod
    def steps(self, run: RunResult) -> Sequence[Step]:
        """The independent steps, in the order they should be tried."""

    @abstractmethod
    def advice(self, error: PublishError) -> str:
        """What the user should do about ``error``: one sentence, no newline."""

    def prepare(self) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Checks before any write (e.g. that a PR really is the one the result is for)."""

    def publish(self, run: RunResult) -> PublishReport:
        """Run every step; collect failures instead of raising them."""
        posted: list[str] = []
        failed: list[tuple[str, PublishError]] = []
        steps = list(self.steps(run))
        try:
            self.prepare()
        except PublishError as exc:
            return self._report(posted, [(exc.what, exc)], [s.name for s in steps])
        for index, step in enumerate(steps):
            try:
                step.run()
            except PublishError as exc:
                failed.append((step.name, exc))
                if exc.stops_publishing:
                    return self._report(posted, failed, [s.name for s in steps[index + 1:]])
                continue
            posted.append(step.name)
        return self._report(posted, failed, [])

    def _report(self, posted: list[str], failed: list[tuple[str, PublishError]],
                skipped: list[str]) -> PublishReport:
        return PublishReport(self.platform, self.target, posted=tuple(posted),
                             failed=tuple(e for _, e in failed), skipped=tuple(skipped),
                             check_run="check run" in posted,
                             failed_steps=tuple(name for name, _ in failed))

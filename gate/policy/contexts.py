"""The policy's ``contexts:`` block: extra globs per context and a threshold per context.

::

    contexts:
      test:    {paths: ["qa/**"], fail_on: critical}
      example: {fail_on: never}
      code:    {paths: ["scripts/ci_*.py"]}

A context block's ``fail_on`` replaces the check's threshold for findings in that
context; ``never`` means "reported and counted, never failing". Without one, the
built-in default applies: ``code``, ``ci`` and ``iac`` use the check's ``fail_on``,
every other context never fails (:data:`DEFAULT_CONTEXT_FAIL_ON`). Whatever the
context, a provider token in a live format fails at the check's threshold
(see :mod:`gate.verdict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

__all__ = ["DEFAULT_CONTEXT_FAIL_ON", "NEVER", "ContextFailOn", "ContextName", "ContextPolicy"]

ContextName = Literal["code", "test", "docs", "example", "ci", "generated", "vendored", "iac"]
"""The contexts of :data:`gate.findings.CONTEXTS`, as policy keys."""

NEVER = "never"
ContextFailOn = Literal["info", "low", "medium", "high", "critical", "never"]

DEFAULT_CONTEXT_FAIL_ON: dict[str, str | None] = {
    "code": None, "ci": None, "iac": None,
    "test": NEVER, "docs": NEVER, "example": NEVER, "generated": NEVER, "vendored": NEVER,
}
"""``None``: the check's ``fail_on``; ``never``: reported, never failing."""


@dataclass(frozen=True)
class ContextPolicy:
    """One context under ``contexts:``."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    paths: tuple[str, ...] = field(default=(), metadata={
        "description": "Globs that put a finding in this context, before any path convention; "
        "the first context (in file order) whose globs match wins."})
    fail_on: ContextFailOn | None = field(default=None, metadata={
        "description": "Lowest severity that fails the gate for findings in this context, "
        "replacing the check's; 'never': reported, never failing. Default: the check's for "
        "code, ci and iac; never for test, docs, example, generated, vendored."})

"""Triggers: what starts a workflow, who can start it, and with which privileges.

``PRIVILEGED`` events run in the base repository's context (its token, its secrets, its
cache scope) and can be started by any GitHub user: opening an issue, commenting, opening
a pull request from a fork (``pull_request_target``), or a fork's run finishing
(``workflow_run``). ``pull_request`` from a fork runs with a read-only token and no
secrets, and its author can rewrite the workflow anyway. Everything else needs write
access (pushing, dispatching, releasing, scheduling is the author's own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gate.checks.pipeline.contexts import Controller
from gate.checks.pipeline.interface import PipelineFile
from gate.findings import Severity

__all__ = ["CALLER", "PRIVILEGED", "UNPRIVILEGED", "Trigger", "reach_severity", "reach_text",
           "triggers"]

PRIVILEGED = frozenset({"pull_request_target", "issue_comment", "issues", "discussion",
                        "discussion_comment", "workflow_run", "fork", "watch", "gollum"})
UNPRIVILEGED = frozenset({"pull_request", "pull_request_review", "pull_request_review_comment"})
MERGED = frozenset({"push", "merge_group"})
"""Events whose commits may carry text a fork wrote, landed by a maintainer's merge."""
CALLER = "(caller)"
"""Pseudo-trigger of a reusable workflow or action whose callers are outside the repository."""


@dataclass(frozen=True)
class Trigger:
    """One event of ``on:``, with its line and filters (``types``, ``branches``, ``tags``)."""

    name: str
    path: str
    line: int
    filters: Mapping[str, Any]

    @property
    def tag_push(self) -> bool:
        """A push filtered to tags only (a release pipeline)."""
        return self.name == "push" and "tags" in self.filters and "branches" not in self.filters


def triggers(file: PipelineFile) -> tuple[Trigger, ...]:
    """The events of a workflow's ``on:`` (string, list or mapping)."""
    raw = file.value.get("on")
    line = file.line_of(("on",))
    if isinstance(raw, str):
        return (Trigger(raw, file.path, line, {}),)
    if isinstance(raw, list):
        return tuple(Trigger(str(t), file.path, file.line_of(("on", i)), {})
                     for i, t in enumerate(raw) if isinstance(t, str))
    if isinstance(raw, Mapping):
        return tuple(Trigger(str(k), file.path, file.line_of(("on", k)),
                             v if isinstance(v, Mapping) else {})
                     for k, v in raw.items())
    return ()


def reach_severity(trigger: str, controller: Controller) -> Severity:
    """How bad attacker-influenced code execution is under ``trigger``."""
    anyone = controller is Controller.ANYONE
    if trigger in PRIVILEGED:
        return Severity.HIGH if anyone else Severity.LOW
    if trigger in MERGED or trigger == CALLER:
        return Severity.MEDIUM if anyone else Severity.LOW
    return Severity.LOW


def reach_text(trigger: str) -> str:
    """Who can start a run with ``trigger``, for the finding's flow."""
    if trigger in PRIVILEGED:
        return (f"on: {trigger}: any GitHub user can start it, and it runs in the base "
                "repository's context (its token, secrets and cache)")
    if trigger in UNPRIVILEGED:
        return (f"on: {trigger}: a fork's run gets a read-only token and no secrets; its "
                "author can rewrite the workflow anyway")
    if trigger in MERGED:
        return f"on: {trigger}: runs on merged commits, whose text a fork may have written"
    if trigger == CALLER:
        return "called from outside the repository: the caller's event decides"
    return f"on: {trigger}: only people with write access can start it"

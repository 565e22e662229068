"""The context table: which expression values an attacker controls, and under which events.

Derived from GitHub's webhook payloads. A value is one of

* ``ANYONE``: free text any GitHub user can write (an issue or PR title, a comment, a fork's
  branch name, a commit message, a fork's repository description);
* ``WRITER``: free text only people with write (or triage) access can set (a
  ``workflow_dispatch`` string input, a release body, a pushed branch name, a label);
* safe (not listed): SHAs, ids, numbers, timestamps, booleans, enums (``action``,
  ``state``, ``author_association``), logins and repository names (their character sets
  hold no shell or JavaScript syntax), URLs built from those.

Each entry also names the events whose payload carries the value: the same expression is
empty, hence harmless, under another event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

__all__ = ["Controller", "Source", "classify"]


class Controller(str, Enum):
    """Who can write a value."""

    ANYONE = "anyone"
    WRITER = "writer"


@dataclass(frozen=True)
class Source:
    """A value someone other than the workflow's author controls."""

    ref: str
    controller: Controller
    what: str
    events: frozenset[str] | None
    """Events whose payload carries the value; ``None``: every event."""


_PR = frozenset({"pull_request", "pull_request_target", "pull_request_review",
                 "pull_request_review_comment"})
_ISSUE = frozenset({"issues", "issue_comment"})
_COMMENT = frozenset({"issue_comment", "pull_request_review_comment", "commit_comment",
                      "discussion_comment"})
_DISCUSSION = frozenset({"discussion", "discussion_comment"})
_PUSH = frozenset({"push"})
_RUN = frozenset({"workflow_run"})
_A, _W = Controller.ANYONE, Controller.WRITER

_SAFE = re.compile(
    r"\.(sha|head_sha|before|after|base_sha|id|node_id|number|run_id|run_number|run_attempt|"
    r"check_suite_id|[a-z_]*_at|size|draft|prerelease|merged|locked|state|action|conclusion|"
    r"status|archived|disabled|is_template|has_[a-z_]+|visibility|"
    r"author_association|additions|deletions|changed_files|commits|comments|review_comments|"
    r"login|type|site_admin|private|fork|full_name|[a-z_]*url|event|path|workflow_id|"
    r"head_repository\.name|head\.repo\.name|repository\.name|owner\.name|"
    r"mergeable|rebaseable|forced|created|deleted|distinct|count|total_count)$")
"""Fields whose values cannot carry code (matched after the free-text table, which wins)."""

_TABLE: tuple[tuple[str, Controller, str, frozenset[str] | None], ...] = (
    (r"github\.event\.issue\.(title|body)", _A, "an issue's title or body", _ISSUE),
    (r"github\.event\.pull_request\.(title|body)", _A, "a PR's title or body", _PR),
    (r"github\.event\.comment\.body", _A, "a comment", _COMMENT),
    (r"github\.event\.review\.body", _A, "a review", frozenset({"pull_request_review"})),
    (r"github\.event\.discussion\.(title|body)", _A, "a discussion", _DISCUSSION),
    (r"github\.event\.pages\.\*\.(page_name|title|summary)", _A, "a wiki page",
     frozenset({"gollum"})),
    (r"github\.event\.pull_request\.head\.(ref|label)", _A, "the PR's branch name", _PR),
    (r"github\.head_ref", _A, "the PR's branch name",
     frozenset({"pull_request", "pull_request_target"})),
    (r"github\.event\.pull_request\.head\.repo\.(description|homepage|default_branch)", _A,
     "the fork's metadata", _PR),
    (r"github\.event\.workflow_run\.(head_branch|display_title|"
     r"head_commit\.(message|author\.(name|email)|committer\.(name|email))|"
     r"head_repository\.(description|homepage|default_branch)|"
     r"pull_requests\.\*\.head\.ref)", _A, "the triggering run's branch or commit", _RUN),
    (r"github\.event\.(head_commit|commits\.\*)\.(message|author\.(name|email)|"
     r"committer\.(name|email))", _A, "a commit message or author", _PUSH),
    (r"github\.event\.(check_suite|check_run\.check_suite)\.head_branch", _A,
     "the checked branch", frozenset({"check_suite", "check_run"})),
    (r"github\.event\.merge_group\.head_commit\.(message|author\.(name|email))", _A,
     "a merged commit message", frozenset({"merge_group"})),
    (r"github\.event\.(pull_request|issue)\.labels\.\*\.name|github\.event\.label\.name", _W,
     "a label name", None),
    (r"github\.event\.inputs(\.[\w\-]+)?", _W, "a workflow_dispatch input",
     frozenset({"workflow_dispatch"})),
    (r"github\.event\.client_payload(\..*)?", _W, "a repository_dispatch payload",
     frozenset({"repository_dispatch"})),
    (r"github\.event\.release\.(name|body|tag_name)", _W, "release text",
     frozenset({"release"})),
    (r"github\.event\.(milestone\.(title|description)|deployment\.(description|payload.*)|"
     r"deployment_status\.description)", _W, "maintainer-written text", None),
    (r"github\.(ref|ref_name|base_ref)|github\.event\.(ref|base_ref|master_branch)|"
     r"github\.event\.pull_request\.base\.ref", _W, "a branch or tag name", None),
    (r"github\.event|github", _A, "the whole event payload", None),
)
_COMPILED = tuple((re.compile(f"^(?:{pattern})$"), who, what, events)
                  for pattern, who, what, events in _TABLE)


def classify(ref: str) -> Source | None:
    """The :class:`Source` behind a normalised reference, or ``None`` when it is safe.

    ``inputs.*`` is left to the caller, which knows the input's type and trigger.
    Unknown ``github.event.*`` fields count as writer-controlled text: not in the table
    is not proof of safety, but not proof of attacker control either.
    """
    for pattern, who, what, events in _COMPILED:
        if pattern.match(ref):
            return Source(ref, who, what, events)
    if not ref.startswith("github.event.") or _SAFE.search(ref):
        return None
    return Source(ref, Controller.WRITER, "an event field not in the context table", None)

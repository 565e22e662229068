"""Where is the gate running? Local, GitHub Actions or GitLab CI, from the documented env.

Only what later stages need is extracted here; nothing downstream reads the
platform's variables itself (publishers read their *token* from the
environment, on purpose: a token never lives in :class:`Context`, so it can
never reach the JSON report that :meth:`Context.as_dict` feeds).

GitHub: statuses and check runs belong on the pull request's **head** commit,
so the sha comes from the event payload (``GITHUB_EVENT_PATH``), never from
``GITHUB_SHA``, which is the throw-away merge commit in ``pull_request`` runs.
GitLab: in merged-results pipelines ``CI_COMMIT_SHA`` is the merge commit too,
and ``CI_MERGE_REQUEST_SOURCE_BRANCH_SHA`` is the head.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Context", "detect_context"]

@dataclass(frozen=True)
class Context:
    """The run's surroundings. ``base_ref`` is the PR/MR target branch, when there is one.

    ``repository`` is ``owner/name`` on GitHub and, on GitLab, the id of the
    project the merge request belongs to (the target project, also for a
    pipeline running in a fork); ``pr_number`` is the PR number or the MR iid; ``sha`` is the
    commit a status belongs on (the PR/MR head). ``api_url`` is the REST base
    (``GITHUB_API_URL``, so GitHub Enterprise Server works unchanged; on
    GitLab ``CI_API_V4_URL``); ``server_url`` the web base. ``is_fork`` is
    true when the head lives in another repository, where GitHub hands the
    job a read-only token.
    """

    platform: str = "local"
    repository: str | None = None
    sha: str | None = None
    base_ref: str | None = None
    pr_number: int | None = None
    run_url: str | None = None
    event_name: str | None = None
    api_url: str | None = None
    server_url: str | None = None
    is_fork: bool = False
    project_url: str | None = None
    """GitLab: the web URL of the merge request's project (file links in the MR comment)."""

    def as_dict(self) -> dict[str, str]:
        """For the JSON report (no tokens live here, by design)."""
        out: dict[str, str] = {}
        for key, value in self.__dict__.items():
            if value is None or value is False:
                continue
            out[key] = "true" if value is True else str(value)
        return out


def _obj(value: object, key: str) -> dict[str, Any]:
    """``value[key]`` when both are JSON objects, else ``{}``: payloads are not trusted to be whole."""
    if isinstance(value, dict):
        child = value.get(key)
        if isinstance(child, dict):
            return child
    return {}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _full_name(repo: dict[str, Any]) -> str | None:
    return _str(repo.get("full_name"))


def _github(env: Mapping[str, str]) -> Context:
    event, name = _event(env), env.get("GITHUB_EVENT_NAME") or None
    sha, base, number, is_fork = env.get("GITHUB_SHA") or None, None, None, False
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    repo, run_id = env.get("GITHUB_REPOSITORY") or None, env.get("GITHUB_RUN_ID")
    run_url = f"{server}/{repo}/actions/runs/{run_id}" if repo and run_id else None
    pr = _obj(event, "pull_request")
    if pr:  # pull_request, pull_request_target, and the review events that carry the PR
        head, base_obj = _obj(pr, "head"), _obj(pr, "base")
        sha = _str(head.get("sha")) or sha
        base, number = _str(base_obj.get("ref")), _int(pr.get("number"))
        head_repo = _full_name(_obj(head, "repo"))
        # A deleted fork has no head repo: treat it as a fork (read-only token).
        is_fork = head_repo != _full_name(_obj(base_obj, "repo"))
    elif name == "workflow_run":
        # The trusted second phase of the fork-safe pattern: everything about
        # the PR comes from the payload GitHub wrote, never from the artifact.
        wr = _obj(event, "workflow_run")
        sha = _str(wr.get("head_sha")) or sha
        prs = [p for p in wr.get("pull_requests") or [] if isinstance(p, dict)]
        match = [p for p in prs if _obj(p, "head").get("sha") == sha] or prs[:1]
        if match:
            number, base = _int(match[0].get("number")), _str(_obj(match[0], "base").get("ref"))
        own = _full_name(_obj(wr, "repository")) or repo
        is_fork = _full_name(_obj(wr, "head_repository")) not in (None, own)
        run_url = _str(wr.get("html_url")) or run_url
    return Context(
        platform="github", repository=repo, sha=sha,
        base_ref=base or env.get("GITHUB_BASE_REF") or None, pr_number=number,
        run_url=run_url, event_name=name,
        api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
        server_url=server, is_fork=is_fork,
    )


def _gitlab(env: Mapping[str, str]) -> Context:
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    # Set only in merged-results / merge-train pipelines, where CI_COMMIT_SHA is the merge commit.
    sha = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or env.get("CI_COMMIT_SHA")
    server = (env.get("CI_SERVER_URL") or "").rstrip("/") or None
    source, target = (env.get("CI_MERGE_REQUEST_SOURCE_PROJECT_ID"),
                      env.get("CI_MERGE_REQUEST_PROJECT_ID"))
    # The MR lives in the target project; a pipeline may run in the fork (CI_PROJECT_ID).
    project = target or env.get("CI_PROJECT_ID") or None
    return Context(
        platform="gitlab", repository=project, sha=sha or None,
        base_ref=env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None,
        pr_number=int(iid) if iid.isdigit() and int(iid) > 0 else None,
        run_url=env.get("CI_JOB_URL") or env.get("CI_PIPELINE_URL") or None,
        event_name=env.get("CI_PIPELINE_SOURCE") or None,
        api_url=(env.get("CI_API_V4_URL") or (f"{server}/api/v4" if server else "")) or None,
        server_url=server, is_fork=bool(source and target and source != target),
        project_url=(env.get("CI_MERGE_REQUEST_PROJECT_URL") or env.get("CI_PROJECT_URL")
                     or None),
    )


def detect_context(env: Mapping[str, str]) -> Context:
    """Detect the platform from its own variables; anything else is a local run."""
    if env.get("GITHUB_ACTIONS") == "true":
        return _github(env)
    if env.get("GITLAB_CI") == "true":
        return _gitlab(env)
    return Context()

"""Where is the gate running? Local, GitHub Actions or GitLab CI, from the documented env.

Only what later stages need is extracted here; nothing downstream reads the
environment itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Context", "detect_context"]


@dataclass(frozen=True)
class Context:
    """The run's surroundings. ``base_ref`` is the PR/MR target branch, when there is one."""

    platform: str = "local"
    repository: str | None = None
    sha: str | None = None
    base_ref: str | None = None
    pr_number: int | None = None
    run_url: str | None = None

    def as_dict(self) -> dict[str, str]:
        """For the JSON report (no tokens live here, by design)."""
        return {k: str(v) for k, v in self.__dict__.items() if v is not None}


def _github(env: Mapping[str, str]) -> Context:
    event: dict[str, object] = {}
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path:
        try:
            loaded = json.loads(Path(event_path).read_text(encoding="utf-8"))
            event = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            event = {}
    pr = event.get("pull_request") if isinstance(event.get("pull_request"), dict) else None
    sha, base, number = env.get("GITHUB_SHA"), None, None
    if isinstance(pr, dict):
        head, base_obj = pr.get("head"), pr.get("base")
        sha = head.get("sha", sha) if isinstance(head, dict) else sha
        base = base_obj.get("ref") if isinstance(base_obj, dict) else None
        number = pr.get("number") if isinstance(pr.get("number"), int) else None
    server, repo, run_id = (env.get("GITHUB_SERVER_URL", "https://github.com"),
                            env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID"))
    run_url = f"{server}/{repo}/actions/runs/{run_id}" if repo and run_id else None
    return Context("github", repo, sha, base or env.get("GITHUB_BASE_REF") or None,
                   number, run_url)


def _gitlab(env: Mapping[str, str]) -> Context:
    iid = env.get("CI_MERGE_REQUEST_IID")
    sha = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or env.get("CI_COMMIT_SHA")
    return Context("gitlab", env.get("CI_PROJECT_ID"), sha or None,
                   env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None,
                   int(iid) if iid and iid.isdigit() else None, env.get("CI_JOB_URL"))


def detect_context(env: Mapping[str, str]) -> Context:
    """Detect the platform from its own variables; anything else is a local run."""
    if env.get("GITHUB_ACTIONS") == "true":
        return _github(env)
    if env.get("GITLAB_CI") == "true":
        return _gitlab(env)
    return Context()

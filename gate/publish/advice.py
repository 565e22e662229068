"""What a user should do about a publishing failure: one sentence per cause.

Kept apart from the clients: this is the part people read, and it is easier
to review (and to keep consistent between GitHub and GitLab) side by side.
"""

from __future__ import annotations

from gate.context import Context
from gate.publish.interface import PublishError

__all__ = ["github_advice", "gitlab_advice"]


def github_advice(error: PublishError, context: Context) -> str:
    """One sentence for the warning line."""
    if error.what == "pull request head":
        return "run `gate publish` only with the result of the workflow run that triggered it"
    if error.status is None:
        return f"check the network and GITHUB_API_URL ({context.api_url})"
    if error.status == 401:
        return "the token was rejected (expired or revoked?): check GITHUB_TOKEN or --github-token"
    if error.rate_limited:
        return "GitHub's rate limit was hit: re-run the job later"
    if error.status == 403 and context.is_fork:
        return ("pull requests from forks get a read-only GITHUB_TOKEN: post from a trusted "
                "workflow_run job with `gate publish` (docs/github.md, fork pull requests)")
    if error.status == 403:
        return ("give the job `permissions: pull-requests: write, statuses: write, "
                "checks: write` (check runs also need a GitHub App token such as GITHUB_TOKEN)")
    if error.status == 404:
        return (f"check that the token can see {context.repository} and that "
                f"PR #{context.pr_number} exists")
    if error.status >= 500:
        return "GitHub kept failing: re-run the job, or post later with `gate publish`"
    return "GitHub rejected the request: please report this to the gate maintainers"


def gitlab_advice(error: PublishError, context: Context) -> str:
    """One sentence for the warning line."""
    if error.status is None:
        return f"check the network and CI_SERVER_URL ({context.server_url})"
    if error.status == 401:
        return "GITLAB_TOKEN was rejected (expired or revoked?): create a new project access token"
    if error.status == 403:
        return ("GITLAB_TOKEN lacks rights: use a project access token with the api scope and "
                "the Developer role, stored as a masked CI/CD variable named GITLAB_TOKEN")
    if error.status == 404:
        return (f"check that GITLAB_TOKEN can see project {context.repository} "
                f"and that MR !{context.pr_number} exists")
    if error.rate_limited or error.status >= 500:
        return "GitLab is busy or failing: re-run the job, or post later with `gate publish`"
    return "GitLab rejected the request: please report this to the gate maintainers"

"""The CI systems the pipeline audit understands and the kinds of file it reads, alone in a
module.

The parent process imports it (through :mod:`gate.checks.pipeline.names` and the check's
class) to ask which files the check reads, before any worker starts: the rest of the
audit's vocabulary (:mod:`gate.checks.pipeline.interface`, which re-exports these) is not
needed for that.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Kind", "Platform"]


class Platform(str, Enum):
    """The CI systems the audit understands (values match the IaC framework names)."""

    GITHUB = "github-actions"
    GITLAB = "gitlab-ci"


class Kind(str, Enum):
    """What a file is: a workflow, a composite/JS/Docker action, a GitLab pipeline."""

    WORKFLOW = "workflow"
    ACTION = "action"
    GITLAB = "gitlab-ci"

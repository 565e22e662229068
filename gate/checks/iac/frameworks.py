"""The file formats the IaC engine understands, alone in a module.

The parent process imports it (through :mod:`gate.checks.iac.names` and the check's
class) to ask which files the check reads, before any worker starts: the rest of the
engine's vocabulary (:mod:`gate.checks.iac.interface`, which re-exports this) is not
needed for that.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Framework"]


class Framework(str, Enum):
    """The file formats the engine understands (values are the policy's ``frameworks`` names)."""

    CLOUDFORMATION = "cloudformation"
    TERRAFORM = "terraform"
    KUBERNETES = "kubernetes"
    DOCKERFILE = "dockerfile"
    GITHUB_ACTIONS = "github-actions"
    """Accepted in ``iac.frameworks`` for older policies; read by the ``pipeline`` check."""
    GITLAB_CI = "gitlab-ci"
    """Accepted in ``iac.frameworks`` for older policies; read by the ``pipeline`` check."""
    COMPOSE = "docker-compose"

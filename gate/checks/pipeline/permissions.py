"""The ``GITHUB_TOKEN`` permissions a job runs with, as GitHub computes them.

A job's ``permissions:`` replaces the workflow's; a mapping grants exactly the scopes it
names (every other scope is ``none``, ``metadata`` stays ``read``); ``read-all`` /
``write-all`` / ``{}`` set every scope. Without any ``permissions:`` the repository's
default applies, which the files cannot tell: ``write`` on most scopes for repositories
created before February 2023 and organisations that kept the permissive setting, ``read``
otherwise. That default is treated as possibly writing, and said so. ``id-token: write``
is never a default: OIDC needs it spelled out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Permissions", "effective_permissions"]

_SCOPES = ("actions", "attestations", "checks", "contents", "deployments", "discussions",
           "id-token", "issues", "models", "packages", "pages", "pull-requests",
           "repository-projects", "security-events", "statuses")


@dataclass(frozen=True)
class Permissions:
    """Scope -> ``read``/``write``/``none``; ``scopes is None`` means the repository default."""

    scopes: Mapping[str, str] | None
    origin: str
    """``job``, ``workflow`` or ``default``."""

    @property
    def writes(self) -> tuple[str, ...]:
        """The scopes granted ``write`` (empty for the default, which is unknown)."""
        if self.scopes is None:
            return ()
        return tuple(s for s, v in self.scopes.items() if v == "write")

    @property
    def may_write(self) -> bool:
        """Whether the token can (or, for the default, may) write anything."""
        return self.scopes is None or bool(self.writes)

    @property
    def id_token(self) -> bool:
        """Whether the job can mint an OIDC token (trusted publishing, cloud logins)."""
        return self.scopes is not None and self.scopes.get("id-token") == "write"

    def describe(self) -> str:
        """The token's power in a few words, for the finding's flow."""
        if self.scopes is None:
            return "token: the repository default (write on older repositories)"
        writes = self.writes
        if not writes:
            return f"token: read-only ({self.origin} permissions)"
        return f"token: {', '.join(f'{s}: write' for s in writes)} ({self.origin} permissions)"


def _parse(raw: Any) -> dict[str, str] | None:
    if raw == "write-all":
        return dict.fromkeys(_SCOPES, "write")
    if raw == "read-all":
        return {s: "read" for s in _SCOPES if s != "id-token"}
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    if raw is None or raw == "":
        return {}
    return None


def effective_permissions(workflow: Mapping[str, Any], job: Mapping[str, Any]) -> Permissions:
    """The permissions of ``job`` in ``workflow``."""
    if "permissions" in job:
        parsed = _parse(job["permissions"])
        if parsed is not None:
            return Permissions(parsed, "job")
    if "permissions" in workflow:
        parsed = _parse(workflow["permissions"])
        if parsed is not None:
            return Permissions(parsed, "workflow")
    return Permissions(None, "default")

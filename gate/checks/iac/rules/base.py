"""Shared pieces for rule modules: resource-type tables and tri-state checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gate.checks.iac.interface import Framework, Unknown

__all__ = ["STRICT_TRUE", "on", "truth"]


def on(cfn: Iterable[str] = (), tf: Iterable[str] = (), k8s: Iterable[str] = (),
       docker: Iterable[str] = (), gha: Iterable[str] = (),
       gitlab: Iterable[str] = (),
       compose: Iterable[str] = ()) -> Mapping[Framework, frozenset[str]]:
    """Build a rule's ``resource_types`` table, leaving out frameworks with no types."""
    table = {
        Framework.CLOUDFORMATION: frozenset(cfn), Framework.TERRAFORM: frozenset(tf),
        Framework.KUBERNETES: frozenset(k8s), Framework.DOCKERFILE: frozenset(docker),
        Framework.GITHUB_ACTIONS: frozenset(gha), Framework.GITLAB_CI: frozenset(gitlab),
        Framework.COMPOSE: frozenset(compose),
    }
    return {k: v for k, v in table.items() if v}


STRICT_TRUE = "true"


def truth(value: Any, default: bool | None = None) -> bool | Unknown | None:
    """A boolean from ``value`` (bool or "true"/"false"); ``default`` when absent or odd."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == STRICT_TRUE
    return default

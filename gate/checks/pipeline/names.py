"""Which files are CI definitions, judged by their names alone.

Light on purpose (no YAML reader is imported): the check's class answers
:meth:`~gate.checks.interface.Check.reads` with it in the parent process, for every
inventoried file, before any worker starts. :mod:`gate.checks.pipeline.documents` parses
what it picks.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from gate.checks.pipeline.platforms import Kind

__all__ = ["DEFAULT_MAX_BYTES", "candidate"]

DEFAULT_MAX_BYTES = 1024 * 1024
"""A CI definition larger than this is generated or hostile: reported as not scanned."""

_YAML = (".yml", ".yaml")


def candidate(path: str) -> Kind | None:
    """What ``path`` would be by its name alone (``None``: not a CI definition)."""
    if not path.lower().endswith(_YAML):  # most files: decided without building a path
        return None
    pure = PurePosixPath(path)
    name = pure.name.lower()
    if not name.endswith(_YAML):
        return None
    parts = pure.parts
    if len(parts) >= 3 and parts[-3:-1] == (".github", "workflows"):
        return Kind.WORKFLOW
    if name in ("action.yml", "action.yaml"):
        return Kind.ACTION
    if name in (".gitlab-ci.yml", ".gitlab-ci.yaml") or name.endswith(".gitlab-ci.yml") \
            or ".gitlab/ci/" in f"/{path}" or (len(parts) >= 2 and "templates" in parts[:-1]):
        return Kind.GITLAB
    return None

"""Which files are dependency manifests, judged by their names alone.

Light on purpose (no parser is imported): the check's class answers
:meth:`~gate.checks.interface.Check.reads` with it in the parent process, for every
inventoried file, before any worker starts.
"""

from __future__ import annotations

import re
from enum import Enum

__all__ = ["INCLUDABLE_SUFFIXES", "ManifestKind", "manifest_kind"]

_PYLOCK = re.compile(r"pylock(\.[^./]+)?\.toml")

INCLUDABLE_SUFFIXES = (".txt", ".in", ".toml", ".lock", ".cfg")
"""Suffixes of files a ``-r``/``-c`` include in a requirements file may name."""


class ManifestKind(str, Enum):
    """The manifest formats the check reads."""

    REQUIREMENTS = "requirements"
    PYPROJECT = "pyproject"
    PYLOCK = "pylock"
    POETRY_LOCK = "poetry.lock"
    UV_LOCK = "uv.lock"


def manifest_kind(path: str, *, explicit: bool = False) -> ManifestKind | None:
    """The format of ``path`` judged by its name; ``explicit`` files default to requirements."""
    parent, _, name = path.rpartition("/")
    if name == "pyproject.toml":
        return ManifestKind.PYPROJECT
    if name == "poetry.lock":
        return ManifestKind.POETRY_LOCK
    if name == "uv.lock":
        return ManifestKind.UV_LOCK
    if _PYLOCK.fullmatch(name):
        return ManifestKind.PYLOCK
    if name.endswith(".txt") and (name.startswith("requirements")
                                  or parent.rpartition("/")[2] == "requirements"):
        return ManifestKind.REQUIREMENTS
    return ManifestKind.REQUIREMENTS if explicit else None

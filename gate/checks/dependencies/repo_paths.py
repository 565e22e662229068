"""Repository paths: keeping manifest reads inside the repository, and the policy's globs.

Manifests are untrusted input: ``-r ../../etc/passwd`` or a symlink out of the
checkout must not make the gate read (and quote) files outside the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

from gate.globs import matches_any

__all__ = ["glob_matches", "is_glob", "resolve_in_repo"]


def resolve_in_repo(root: Path, relative: str) -> tuple[str, Path] | None:
    """Return ``(repo-relative POSIX path, absolute path)`` or ``None`` if it leaves ``root``.

    The lexical check catches ``..`` escapes; the resolved check catches
    symlinks pointing elsewhere.
    """
    if not relative or Path(relative).is_absolute() or relative.startswith("\\"):
        return None
    normalised = os.path.normpath(relative).replace(os.sep, "/")
    if normalised == ".." or normalised.startswith("../"):
        return None
    absolute = root / normalised
    try:
        real = absolute.resolve()
        real_root = root.resolve()
    except (OSError, RuntimeError):  # RuntimeError: symlink loop on Python < 3.13
        return None
    if real != real_root and real_root not in real.parents:
        return None
    return normalised, absolute


def is_glob(pattern: str) -> bool:
    """Whether ``pattern`` has glob characters; otherwise it names exactly one file."""
    return any(ch in pattern for ch in "*?[")


def glob_matches(pattern: str, path: str) -> bool:
    """Whether the repo-relative POSIX ``path`` matches ``pattern``, by the policy's glob rules."""
    return matches_any(path, (pattern,))

"""Which files git lists: the inventory's tracked and untracked files, and tracked paths."""

from __future__ import annotations

from pathlib import Path

from gate.git.command import git, output, split_z
from gate.git.interface import GitError

__all__ = ["listed_files", "tracks_under"]

_TIMEOUT = 120


def listed_files(root: Path) -> list[str] | None:
    """Tracked and untracked files under ``root`` that are not ignored, sorted and unique;
    ``None`` when git cannot list them (no git, not a repository)."""
    out = output(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                 "--deduplicate", timeout=_TIMEOUT)
    return None if out is None else sorted(set(split_z(out)))


def tracks_under(root: Path, rel: str) -> bool | None:
    """Whether git tracks anything under ``rel`` (``.`` for all of ``root``): ``False`` outside
    a repository, ``None`` when git cannot say."""
    try:
        done = git(root, "ls-files", "-z", "--", rel, check=False, timeout=_TIMEOUT)
    except GitError:
        return None
    if done.returncode != 0:
        return False if b"not a git repository" in done.stderr else None
    return bool(done.stdout)

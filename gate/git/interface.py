"""The git subsystem's shared types: its error and the change set it reports."""

from __future__ import annotations

from dataclasses import dataclass

from gate.errors import UsageError

__all__ = ["ChangeSet", "GitError"]


class GitError(UsageError):
    """A git command failed, or the repository lacks what the run needs (exit 2).

    A :class:`~gate.errors.UsageError` because every case is fixed by the user's
    setup (install git, fetch the history, name an existing base), not by rerunning.
    """


@dataclass(frozen=True)
class ChangeSet:
    """How the working tree differs from a commit, in paths relative to the scan root."""

    modified: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()
    renamed: tuple[tuple[str, str], ...] = ()
    """(base path, head path) pairs: git's rename detection, content mostly unchanged."""

    @property
    def head_paths(self) -> frozenset[str]:
        """Paths whose head content differs from the base (where new findings can be)."""
        return self.modified | self.added | {new for _, new in self.renamed}

    @property
    def all_paths(self) -> frozenset[str]:
        """Every path the change touches, on either side."""
        return self.head_paths | self.deleted | {old for old, _ in self.renamed}

    def base_path(self, head_path: str) -> str | None:
        """Where a head path's content lived on the base (``None`` for an added file)."""
        if head_path in self.modified:
            return head_path
        return next((old for old, new in self.renamed if new == head_path), None)

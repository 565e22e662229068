"""The few git operations triage needs: run git, read a file at a commit, diff.

Everything goes through the ``git`` command line (no library): it is what CI
images have, and it honours the repository's own configuration (alternates,
partial clones, safe.directory). Output is read with ``-z`` wherever paths
appear, so odd file names cannot be misparsed.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from gate.gitenv import git_env
from gate.triage.interface import TriageError

__all__ = ["ChangeSet", "GitError", "changes_since", "git", "read_at"]

_TIMEOUT = 600


class GitError(TriageError):
    """A git command failed, or the repository lacks what triage needs (exit 2)."""


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run ``git -C root ARGS`` without a pager or prompts; raise :class:`GitError` on failure."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              timeout=_TIMEOUT, stdin=subprocess.DEVNULL,
                              env=git_env(), check=False)
    except FileNotFoundError:
        raise GitError("git is not installed, and comparing with a base ref needs it") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args[:2])} timed out after {_TIMEOUT}s") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])} failed: {message[-1] if message else '?'}")
    return done


def read_at(root: Path, commit: str, rel: str) -> bytes | None:
    """The content of ``rel`` (relative to ``root``) at ``commit``; ``None`` if it is not there."""
    done = git(root, "cat-file", "blob", f"{commit}:./{rel}", check=False)
    return done.stdout if done.returncode == 0 else None


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


def changes_since(root: Path, commit: str) -> ChangeSet:
    """What the working tree (commits, staged and unstaged edits, untracked files) changed.

    Untracked files that are not ignored count as added: the inventory scans
    them, so a secret in a new uncommitted file is new.
    """
    out = git(root, "-c", "core.quotepath=off", "diff", "--name-status", "-z", "-M",
              "--relative", "--no-ext-diff", "--no-textconv", commit, "--").stdout
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    modified: set[str] = set()
    added: set[str] = set()
    deleted: set[str] = set()
    renamed: list[tuple[str, str]] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i][0]
        if status in "RC":
            old, new = fields[i + 1], fields[i + 2]
            i += 3
            if status == "R":
                renamed.append((old, new))
            else:
                added.add(new)
            continue
        path = fields[i + 1]
        i += 2
        {"A": added, "D": deleted}.get(status, modified).add(path)
    untracked = git(root, "ls-files", "-z", "--others", "--exclude-standard").stdout
    added.update(p for p in untracked.decode("utf-8", "surrogateescape").split("\0") if p)
    return ChangeSet(frozenset(modified), frozenset(added), frozenset(deleted), tuple(renamed))

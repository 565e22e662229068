"""What the working tree changed since a commit: commits, staged and unstaged edits, new files."""

from __future__ import annotations

from pathlib import Path

from gate.git.command import git, split_z
from gate.git.interface import ChangeSet

__all__ = ["changes_since"]


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
    added.update(split_z(git(root, "ls-files", "-z", "--others", "--exclude-standard").stdout))
    return ChangeSet(frozenset(modified), frozenset(added), frozenset(deleted), tuple(renamed))

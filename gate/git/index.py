"""What git's index already knows about the work tree: content ids without reading files.

For a file that git tracks and that the work tree has not modified since it was
checked out, the index holds its object id (the hash of its content), and
``git diff-files`` tells from the index's stat data (without reading the files)
which work-tree files differ from it. The index lives in ``.git/``, which a
commit cannot carry, so a pull request cannot choose these ids.
"""

from __future__ import annotations

from pathlib import Path

from gate.git.command import output, split_z

__all__ = ["clean_index_ids", "toplevel", "tracked_files"]

_TIMEOUT = 120
_REGULAR_MODES = ("100644", "100755")


def clean_index_ids(root: Path) -> dict[str, str]:
    """Root-relative path -> git object id, for tracked regular files the work tree has not
    changed; empty when git cannot say (no git, not a repository)."""
    staged = output(root, "ls-files", "-s", "-z", "--full-name", timeout=_TIMEOUT)
    prefix = output(root, "rev-parse", "--show-prefix", timeout=_TIMEOUT)
    # diff-files compares the work tree with the index using the index's stat data, so only
    # files whose stat changed are read; it refreshes nothing (GIT_OPTIONAL_LOCKS=0).
    changed = output(root, "diff-files", "--name-only", "-z", "--no-ext-diff", timeout=_TIMEOUT)
    if staged is None or prefix is None or changed is None:
        return {}
    # Files staged with content other than HEAD's are fine: the index id is their content.
    head = prefix.decode("utf-8", "surrogateescape").strip()
    dirty = set(split_z(changed))
    ids: dict[str, str] = {}
    for record in split_z(staged):
        meta, _, path = record.partition("\t")
        parts = meta.split()
        # Regular files only, stage 0 only (a conflicted path has several stages).
        if len(parts) != 3 or parts[0] not in _REGULAR_MODES or parts[2] != "0":
            continue
        if not path.startswith(head) or path in dirty:
            continue
        ids[path[len(head):]] = parts[1]
    return ids


def tracked_files(root: Path) -> list[str] | None:
    """The files git tracks under ``root``, root-relative; ``None`` when git cannot say."""
    out = output(root, "ls-files", "-z", timeout=_TIMEOUT)
    return None if out is None else split_z(out)


def toplevel(root: Path) -> Path | None:
    """The top of the work tree that holds ``root``; ``None`` outside one."""
    out = output(root, "rev-parse", "--show-toplevel", timeout=_TIMEOUT)
    top = out.decode("utf-8", "surrogateescape").strip() if out is not None else ""
    return Path(top) if top else None

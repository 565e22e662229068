"""Find the base of a change: resolve the base ref, its merge-base with HEAD, and the diff.

CI checkouts are usually shallow (``actions/checkout`` fetches one commit,
GitLab twenty), so neither the base branch nor the merge-base may be in the
clone. When a remote is configured the missing history is fetched, a little
at a time (``--deepen``) before giving up and unshallowing; without one the
run stops with a message that says how to configure the checkout. Guessing a
base instead would let a pull request judge itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gate.git.changes import changes_since
from gate.git.command import git
from gate.git.interface import ChangeSet, GitError

__all__ = ["BaseRef", "open_base", "preferred_remote"]

_DEEPEN_STEPS = (64, 512)
_FETCH_DEPTH_HINT = ("set `fetch-depth: 0` on actions/checkout (GitLab: `GIT_DEPTH: 0`), "
                     "or fetch the base branch and enough history yourself")


@dataclass(frozen=True)
class BaseRef:
    """The base a change is judged against.

    The governing policy is read at ``commit`` (the base branch as it is now:
    what the change will merge into); findings are compared with
    ``merge_base`` (what the change started from), so that commits landing
    on the base meanwhile do not count as the change's own.
    """

    ref: str
    branch: str
    commit: str
    merge_base: str
    root: Path
    changes: ChangeSet


def _out(root: Path, *args: str) -> str | None:
    done = git(root, *args, check=False)
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None


def _commit(root: Path, name: str) -> str | None:
    return _out(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}")


def preferred_remote(root: Path) -> str | None:
    """``origin`` when configured, else the first remote, else ``None``."""
    remotes = (_out(root, "remote") or "").split()
    return "origin" if "origin" in remotes else (remotes[0] if remotes else None)


def _shallow(root: Path) -> bool:
    return _out(root, "rev-parse", "--is-shallow-repository") == "true"


def _branch_name(ref: str, remote: str | None) -> str:
    """``refs/remotes/origin/main``, ``origin/main`` and ``refs/heads/main`` all mean ``main``."""
    prefixes = ["refs/heads/"] + ([f"refs/remotes/{remote}/", f"{remote}/"] if remote else [])
    for prefix in prefixes:
        if ref.startswith(prefix) and len(ref) > len(prefix):
            return ref[len(prefix):]
    return ref


def _fetch(root: Path, remote: str, *args: str) -> bool:
    return git(root, "fetch", "--no-tags", "--quiet", remote, *args, check=False).returncode == 0


def _resolve(root: Path, ref: str, remote: str | None, branch: str,
             prefer_remote: bool) -> tuple[str, str]:
    """The base commit, and what to fetch (refspec or commit id) when history must deepen.

    ``prefer_remote``: the ref names the CI target branch, so the remote's
    copy wins over a local branch of that name (a reused CI checkout may keep
    a stale one). A ref typed by a user means what git says it means.
    """
    tracking = f"refs/remotes/{remote}/{branch}" if remote else None
    spec = f"+refs/heads/{branch}:{tracking}" if tracking else None
    names = [tracking, ref] if prefer_remote else [ref, tracking]
    for name in names:
        commit = _commit(root, name) if name else None
        if commit:
            return commit, spec if spec and _commit(root, tracking or "") == commit else commit
    if remote is not None and tracking is not None and spec is not None:
        depth = ("--depth=64",) if _shallow(root) else ()
        if _fetch(root, remote, *depth, spec) and (commit := _commit(root, tracking)):
            return commit, spec
        if _fetch(root, remote, *depth, ref) and (commit := _commit(root, "FETCH_HEAD")):
            return commit, commit
    where = f"in this clone or on remote {remote!r}" if remote else "in this clone (no remote)"
    raise GitError(f"base ref {ref!r} not found {where}: {_FETCH_DEPTH_HINT}")


def _merge_base(root: Path, head: str, base: str) -> str | None:
    return _out(root, "merge-base", head, base)


def _deepen_until_merge_base(root: Path, head: str, base: str, spec: str,
                             remote: str | None) -> str:
    """The merge-base of HEAD and the base, fetching history a step at a time if shallow."""
    found = _merge_base(root, head, base)
    if found:
        return found
    if not _shallow(root):
        raise GitError(f"HEAD and the base ({base[:12]}) share no history: is the base right?")
    if remote is None:
        raise GitError(f"this is a shallow clone without a remote, and the merge-base of HEAD and "
                       f"the base is not in it: {_FETCH_DEPTH_HINT}")
    for step in _DEEPEN_STEPS:
        # Asking for HEAD by id deepens the checked-out side too (a PR merge commit is on no
        # branch); servers that refuse ids still deepen the base side.
        if not _fetch(root, remote, f"--deepen={step}", head, spec):
            _fetch(root, remote, f"--deepen={step}", spec)
        found = _merge_base(root, head, base)
        if found:
            return found
    _fetch(root, remote, "--unshallow", spec)
    found = _merge_base(root, head, base)
    if found:
        return found
    raise GitError(f"could not find the merge-base of HEAD and the base even after fetching "
                   f"the full history from {remote!r}: {_FETCH_DEPTH_HINT}")


def open_base(root: Path, ref: str, *, prefer_remote: bool = False) -> BaseRef:
    """Resolve ``ref`` (fetching what a shallow CI clone lacks) and diff the tree against it.

    ``prefer_remote`` is for a base taken from the CI context (see :func:`_resolve`).
    """
    if not ref.strip() or ref.startswith("-"):
        raise GitError(f"not a usable base ref: {ref!r}")
    if _out(root, "rev-parse", "--is-inside-work-tree") != "true":
        raise GitError(f"comparing with base {ref!r} needs a git work tree; {root} is not in one")
    head = _commit(root, "HEAD")
    if head is None:
        raise GitError("the repository has no commit yet, so there is nothing to compare "
                       f"with base {ref!r}")
    remote = preferred_remote(root)
    branch = _branch_name(ref, remote)
    commit, spec = _resolve(root, ref, remote, branch, prefer_remote)
    merge_base = _deepen_until_merge_base(root, head, commit, spec, remote)
    return BaseRef(ref=ref, branch=branch, commit=commit, merge_base=merge_base, root=root,
                   changes=changes_since(root, merge_base))

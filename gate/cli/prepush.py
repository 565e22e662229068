"""``gate pre-push [PATH]``: gate what a push adds, not the whole repository.

The hook runs in new-findings mode against what the remote already has, so a
push fails only on findings it brings, and scans only the files it changed
(and their base versions). The base, in order:

1. ``PRE_COMMIT_FROM_REF`` (pre-commit's pre-push stage: the commit the remote
   branch is at, or for a new branch the parent of the first commit no remote
   has) unless it is the all-zero id git uses for "nothing";
2. the current branch's upstream (``@{upstream}``);
3. the default branch (``<remote>/HEAD``, else ``<remote>/main`` or
   ``<remote>/master``, else a local ``main``/``master``): a first push of a new branch.

Without any of them, the whole repository is gated. One line on stderr says
what was compared, so a developer knows why the hook passed or failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PushBase", "choose_base", "register", "run"]

_NULL = frozenset({"0" * 40, "0" * 64})


@dataclass(frozen=True)
class PushBase:
    """The ref a push is compared with, and why that one."""

    ref: str | None
    why: str


def _rev(root: Path, *args: str) -> str | None:
    from gate.git.command import git

    done = git(root, "rev-parse", "--verify", "--quiet", *args, check=False)
    out = done.stdout.decode("utf-8", "replace").strip()
    return out if done.returncode == 0 and out else None


def _default_branch(root: Path) -> str | None:
    from gate.git.command import git
    from gate.git.refs import preferred_remote

    remote = preferred_remote(root)
    if remote is not None:
        head = git(root, "symbolic-ref", "--quiet", "--short", f"refs/remotes/{remote}/HEAD",
                   check=False)
        name = head.stdout.decode("utf-8", "replace").strip()
        if head.returncode == 0 and name:
            return name
    candidates = [f"{remote}/main", f"{remote}/master"] if remote else []
    current = _rev(root, "--abbrev-ref", "HEAD")
    candidates += [b for b in ("main", "master") if b != current]
    return next((c for c in candidates if _rev(root, "--end-of-options", f"{c}^{{commit}}")), None)


def choose_base(root: Path, env: Mapping[str, str]) -> PushBase:
    """The base for a push from ``root``: see the module docstring for the order."""
    from_ref = env.get("PRE_COMMIT_FROM_REF", "").strip()
    remote_branch = env.get("PRE_COMMIT_REMOTE_BRANCH", "").strip()
    usable = bool(from_ref) and from_ref not in _NULL and not from_ref.startswith("-")
    if usable and _rev(root, "--end-of-options", f"{from_ref}^{{commit}}"):
        where = f" ({remote_branch})" if remote_branch else ""
        return PushBase(from_ref, f"what the remote has{where} at {from_ref[:12]}")
    upstream = _rev(root, "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    if upstream:
        return PushBase(upstream, f"the upstream branch {upstream}")
    default = _default_branch(root)
    if default:
        return PushBase(default, f"the default branch {default} (first push of this branch)")
    return PushBase(None, "no remote branch, upstream or default branch to compare with: "
                          "gating the whole repository")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate pre-push`` (the pre-commit hook's entry point)."""
    from gate.cli.run import add_run_arguments

    parser = subparsers.add_parser(
        "pre-push", help="gate what a push adds (the pre-commit pre-push hook)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_arguments(parser)
    parser.set_defaults(func=run, no_post=True)


def run(args: argparse.Namespace) -> int:
    """Choose the base, then run the gate in new-findings mode against it, posting nothing."""
    from gate.cli.run import run as run_gate
    from gate.policy import Mode

    if args.base is None and (args.path or Path()).is_dir():
        chosen = choose_base(args.path or Path(), os.environ)
        print(f"gate pre-push: comparing with {chosen.why}", file=sys.stderr)
        args = argparse.Namespace(**{**vars(args), "base": chosen.ref})
    if args.base is not None and args.mode is None:
        args = argparse.Namespace(**{**vars(args), "mode": Mode.NEW})
    args.no_post = True
    return run_gate(args)

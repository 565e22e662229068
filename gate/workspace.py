"""What a run scans and under which policy, whatever directory it is started from.

Like git, ruff and pytest, the gate works on the repository, not on the
current directory:

* the **root** is the repository's top level (``git rev-parse --show-toplevel``);
  outside git, the path given (or its directory, for a file). Every path in a
  finding and every finding context is relative to it, so running from
  ``tests/`` gives the same findings, contexts and verdict as from the root;
* without a PATH, the whole repository is scanned; with one, only that
  subdirectory or that single file (a **scope**), still with root-relative paths;
* the **policy** is the nearest ``.gate.yml`` from the scanned path up to the
  root (``--policy`` overrides). Other ``.gate.yml`` files in the scanned tree do
  not apply: the run names them in a warning (``docs/policy.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gate.errors import UsageError
from gate.git.index import toplevel

__all__ = ["BASELINE_FILE", "POLICY_FILE", "Workspace", "policy_candidates", "resolve_workspace"]

POLICY_FILE = ".gate.yml"
BASELINE_FILE = ".gate-baseline.json"
"""The baseline file a policy names by default (:mod:`gate.triage.baseline`)."""


@dataclass(frozen=True)
class Workspace:
    """The repository root, the part of it to scan, and where policy discovery starts."""

    root: Path
    """Absolute; every reported path is relative to it."""
    scope: str | None = None
    """Root-relative POSIX path of the subdirectory or file to scan; ``None``: everything."""
    start: str = ""
    """Root-relative directory where policy discovery starts (``""``: the root)."""


def _toplevel(directory: Path) -> Path | None:
    top = toplevel(directory)
    return top.resolve() if top is not None else None


def resolve_workspace(path: Path | None, cwd: Path | None = None) -> Workspace:
    """The workspace for ``gate run [PATH]``; ``path`` ``None``: the repository around ``cwd``."""
    given = path if path is not None else (cwd or Path.cwd())
    if not given.exists():
        raise UsageError(f"path not found: {given}")
    target = given.resolve()
    directory = target if target.is_dir() else target.parent
    if not target.is_dir() and not target.is_file():
        raise UsageError(f"not a file or directory: {given}")
    top = _toplevel(directory)
    root = top if top is not None and directory.is_relative_to(top) else directory
    rel = target.relative_to(root).as_posix() if target != root else ""
    scope = None if path is None or not rel else rel
    if path is None:
        return Workspace(root=root)
    start = directory.relative_to(root).as_posix() if directory != root else ""
    return Workspace(root=root, scope=scope, start=start)


def policy_candidates(start: str) -> tuple[str, ...]:
    """Root-relative ``.gate.yml`` paths from ``start`` up to the root, nearest first."""
    parts = [p for p in start.split("/") if p]
    return tuple("/".join([*parts[:i], POLICY_FILE]) for i in range(len(parts), -1, -1))

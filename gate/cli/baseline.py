"""``gate baseline [PATH]``: record today's findings so the gate fails only on what comes next.

The baseline holds one entry per finding fingerprint (check, rule, path for
the reviewer; never the flagged text, a secret or a line number). Findings
already suppressed by an inline marker or a waiver are left out: a waiver
that expires must bring its findings back, not leave them hidden in the
baseline.

* no flag: create the file; refuse to overwrite one that exists;
* ``--update``: drop entries that no longer match a finding, never add any
  (the file only shrinks, so running it is always safe);
* ``--force``: rewrite it from the current findings (re-baselining adds risk:
  review the diff).

Entries of checks that did not run (``--checks``) are kept as they are.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import gate
from gate.checks.interface import CheckError
from gate.cli.args import check_list, positive_float, positive_int
from gate.cli.progress import Progress
from gate.errors import UsageError
from gate.pipeline import RunOptions, find_policy
from gate.pipeline import run as run_pipeline
from gate.result import RunResult
from gate.triage.baseline import (
    BASELINE_FILE,
    BaselineEntry,
    entries_for,
    parse_baseline,
    render_baseline,
)
from gate.workspace import resolve_workspace

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate baseline``."""
    parser = subparsers.add_parser("baseline", help="write .gate-baseline.json from the current "
                                   "findings", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="repository to scan (default: .)")
    parser.add_argument("--policy", type=Path, metavar="FILE",
                        help="policy file (default: PATH/.gate.yml, else the built-in default)")
    parser.add_argument("--checks", type=check_list, metavar="LIST",
                        help="only these checks (entries of the others are kept)")
    parser.add_argument("--vuln-db", type=Path, metavar="PATH",
                        help="offline OSV database (env GATE_VULN_DB)")
    parser.add_argument("--jobs", type=positive_int, metavar="N", help="worker processes")
    parser.add_argument("--timeout", type=positive_float, metavar="SECONDS",
                        help="per-check timeout (overrides the policy)")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="baseline file (default: the policy's `baseline`, else "
                        f"PATH/{BASELINE_FILE})")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--update", action="store_true",
                     help="only remove entries that no longer match a finding")
    how.add_argument("--force", action="store_true", help="rewrite an existing baseline")
    parser.set_defaults(func=run)


def _scan(args: argparse.Namespace) -> RunResult:
    """Run every check on the working tree as is: own policy, no base, no baseline applied."""
    progress = Progress.for_stderr()
    try:
        return run_pipeline(RunOptions(
            path=args.path, policy_path=args.policy, checks=args.checks, vuln_db=args.vuln_db,
            post=False, timeout=args.timeout, record_baseline=True,
            on_check_started=progress.started if progress else None,
            on_check_done=progress.done if progress else None,
            **({"jobs": args.jobs} if args.jobs else {}),
        ))
    finally:
        if progress:
            progress.stop()


def _target(args: argparse.Namespace) -> Path:
    if args.output is not None:
        return Path(args.output)
    configured = find_policy(args.path, args.policy).policy.baseline
    return Path(args.path) / (configured or BASELINE_FILE)


def _new_entries(result: RunResult, existing: tuple[BaselineEntry, ...], update: bool
                 ) -> tuple[BaselineEntry, ...]:
    """The entries to write: entries of checks that did not run are always carried over."""
    ran = {c.name for c in result.checks}
    others = tuple(e for e in existing if e.check not in ran)
    if update:
        current = {(f.check, f.fingerprint) for f in result.findings}
        return others + tuple(e for e in existing if e.check in ran and e.key in current)
    return others + entries_for(f for f in result.findings if f.suppression is None)


def run(args: argparse.Namespace) -> int:
    """Scan, then create, update or rewrite the baseline file."""
    if not args.path.is_dir():
        raise UsageError(f"path not found or not a directory: {args.path}")
    # The baseline belongs to the repository: recorded at its root from any directory in it,
    # where `gate run` reads it (gate/workspace.py).
    args = argparse.Namespace(**{**vars(args), "path": resolve_workspace(args.path).root})
    target = _target(args)
    exists = target.is_file()
    if exists and not (args.update or args.force):
        raise UsageError(f"{target} already exists: --update to drop entries that no longer "
                         "match, --force to rewrite it")
    if args.update and not exists:
        raise UsageError(f"{target} does not exist: run `gate baseline` first")
    existing = (parse_baseline(target.read_text(encoding="utf-8"), str(target)).entries
                if exists else ())
    result = _scan(args)
    broken = [c for c in result.checks if c.errors]
    if broken:
        raise CheckError(f"not writing a baseline: {broken[0].name} did not complete "
                         f"({broken[0].errors[0]}); a partial baseline would drop its entries")
    entries = _new_entries(result, existing, args.update)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_baseline(entries, gate.__version__), encoding="utf-8")
    removed = len(set(existing) - set(entries))
    added = len(set(entries) - set(existing))
    print(f"wrote {target}: {len(set(entries))} entries ({added} added, {removed} removed)")
    return 0

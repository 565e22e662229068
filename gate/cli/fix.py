"""``gate fix [PATH]``: upgrade vulnerable exact pins to the smallest version fixing them all.

Runs the dependencies check, groups its findings per pin (package, version,
manifest) and rewrites each exact ``==`` pin in requirements files (``-r``
includes too) and ``pyproject.toml`` to the smallest release that fixes every
advisory of that pin. A dry run by default: the unified diff goes to stdout
(``gate fix > fix.patch && git apply fix.patch`` works), one line per pin to
stderr. ``--apply`` writes the files. Unpinned lines are never touched; pins
with ``--hash``, lock files and advisories with no fixed release are listed
for a person to handle.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from pathlib import Path

from gate.checks.interface import CheckError
from gate.cli.args import positive_float
from gate.cli.progress import Progress
from gate.errors import UsageError
from gate.fix import FixPlan, plan_fixes
from gate.pipeline import RunOptions
from gate.pipeline import run as run_pipeline
from gate.report.grouping import PackageFix, packages_of

__all__ = ["register", "render_diff", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate fix``."""
    parser = subparsers.add_parser(
        "fix", help="upgrade vulnerable exact pins (dry run: prints a diff; --apply writes)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="repository (default: .)")
    parser.add_argument("--apply", action="store_true", help="write the changes")
    parser.add_argument("--policy", type=Path, metavar="FILE",
                        help="policy file (default: PATH/.gate.yml, else the built-in default)")
    parser.add_argument("--vuln-db", type=Path, metavar="PATH",
                        help="offline OSV database (env GATE_VULN_DB)")
    parser.add_argument("--timeout", type=positive_float, metavar="SECONDS",
                        help="timeout of the dependencies check (overrides the policy)")
    parser.set_defaults(func=run)


def _packages(args: argparse.Namespace) -> list[PackageFix]:
    progress = Progress.for_stderr()
    try:
        result = run_pipeline(RunOptions(
            path=args.path, policy_path=args.policy, checks=("dependencies",),
            vuln_db=args.vuln_db, post=False, timeout=args.timeout, record_baseline=True,
            on_check_started=progress.started if progress else None,
            on_check_done=progress.done if progress else None))
    finally:
        if progress:
            progress.stop()
    outcome = result.check("dependencies")
    if outcome is None or outcome.verdict == "skipped":
        raise UsageError("the dependencies check is disabled by the policy: nothing to fix")
    if outcome.errors:
        raise CheckError(f"dependencies could not complete: {outcome.errors[0]}")
    return packages_of(result)


def render_diff(plan: FixPlan) -> str:
    """The unified diff of every planned file, in path order."""
    out: list[str] = []
    for path in sorted(plan.files):
        old, new = plan.files[path]
        out += difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                    fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in out)


def _summary(plan: FixPlan) -> list[str]:
    lines = []
    for fix, _ in plan.changed:
        count = len(fix.advisories)
        lines.append(f"{fix.path}: {fix.package} {fix.version} -> {fix.fix_version} "
                     f"(fixes {count} advisor{'y' if count == 1 else 'ies'}, "
                     f"{fix.severity.label})")
    for skip in plan.skipped:
        where = f"{skip.path}:{skip.line}" if skip.line else skip.path
        lines.append(f"{where}: {skip.package} {skip.version} not changed: {skip.reason}")
    return lines


def _write(root: Path, rel: str, text: str) -> None:
    target = root / rel
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    Path(tmp).chmod(target.stat().st_mode & 0o777)
    Path(tmp).replace(target)


def run(args: argparse.Namespace) -> int:
    """Plan (and with ``--apply`` write) the upgrades; 0 unless the check could not run."""
    if not args.path.is_dir():
        raise UsageError(f"path not found or not a directory: {args.path}")
    plan = plan_fixes(args.path, _packages(args))
    for line in _summary(plan):
        print(line, file=sys.stderr)
    if not plan.changed and not plan.skipped:
        print("gate fix: no vulnerable pins", file=sys.stderr)
    if args.apply:
        for rel, (_, new) in sorted(plan.files.items()):
            _write(args.path, rel, new)
        print(f"gate fix: updated {len(plan.files)} file(s)", file=sys.stderr)
    else:
        sys.stdout.write(render_diff(plan))
        if plan.files:
            print("gate fix: dry run; --apply to write these changes", file=sys.stderr)
    sys.stdout.flush()
    return 0

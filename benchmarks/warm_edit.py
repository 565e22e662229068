"""Benchmark: a warm re-run after a one-file edit, against a cold run, on a real git tree.

Usage::

    .venv/bin/python benchmarks/warm_edit.py TREE [--base DIR] [--edit REL ...]
                                             [--checks all] [--jobs N]

``TREE`` is a git work tree (commit it first, so that unmodified files get
their identity from git's index, as in CI). ``--base DIR`` is another
checkout of the gate's source (``git archive <commit> | tar -x -C DIR``): it
is measured first, with ``DIR`` first on ``PYTHONPATH``, then the installed
gate, on the same tree in the same run. For each, with its own empty cache:

(a) a cold ``gate run`` (every check, empty cache);
(b) for each ``--edit`` file: append a comment line to it, run again warm,
    restore it (``git checkout``) and refresh the index;

and prints each warm run's time as a ratio of that interpreter's cold run,
with the number of sast cache entries the warm run wrote (bandit's entry for
the edited file plus every file whose dataflow analysis ran again). It
asserts nothing: timings belong to the machine; compare the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VULN_DB = Path("/work/shared/data/pypa-advisory-db")


def run_gate(code: str, tree: Path, cache: Path, checks: str, jobs: list[str]) -> float:
    """One ``gate run`` as a fresh process (``code``: a source checkout, or ``""``)."""
    db = ["--vuln-db", str(VULN_DB)] if VULN_DB.exists() else []
    cmd = [sys.executable, "-m", "gate", "run", str(tree), "--no-post", "--format", "json",
           "--cache-dir", str(cache), "--checks", checks, "--timeout", "3600", *jobs, *db]
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": code} if code else None
    # outside any checkout: ``-m`` puts the working directory before PYTHONPATH
    done = subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=cache.parent)
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1):
        sys.exit(f"gate exited {done.returncode}: {done.stderr.decode()[-400:]}"
                 f"{done.stdout.decode()[-2000:]}")
    return elapsed


def written_since(cache: Path, since: float) -> int:
    """sast entries written (or rewritten) after ``since``."""
    return sum(1 for p in cache.rglob("*.json")
               if "sast" in p.parts and p.stat().st_mtime >= since)


def git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--base", type=Path)
    parser.add_argument("--edit", action="append", default=[])
    parser.add_argument("--checks", default="sast,dependencies,secrets,iac")
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args()
    tree: Path = args.tree.resolve()
    codes = ([str(args.base.resolve())] if args.base else []) + [""]
    edits = args.edit or [sorted(str(p.relative_to(tree)) for p in tree.rglob("views.py"))[0]]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    work = Path(tempfile.mkdtemp(prefix="gate-warm-"))
    try:
        for index, code in enumerate(codes):
            cache = work / f"cache-{index}"
            cold = run_gate(code, tree, cache, args.checks, jobs)
            print(f"{code or 'installed gate'}\n  cold: {cold:7.1f} s", flush=True)
            for rel in edits:
                with (tree / rel).open("a", encoding="utf-8") as handle:
                    handle.write("\n# benchmark edit\n")
                since = time.time()
                warm = run_gate(code, tree, cache, args.checks, jobs)
                entries = written_since(cache, since)
                git(tree, "checkout", "--", rel)
                git(tree, "update-index", "-q", "--refresh")
                print(f"  warm after editing {rel}: {warm:6.1f} s = {warm / cold:.3f}x cold "
                      f"({entries} sast entries written)", flush=True)
                # back to the committed state, warm, before the next edit
                run_gate(code, tree, cache, args.checks, jobs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

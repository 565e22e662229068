"""Benchmark: the sast worker's CPU on a warm re-run after a one-line edit, and on one file.

Usage::

    .venv/bin/python benchmarks/sast_warm.py TREE [--base DIR] [--runs N] [--edit REL]

``TREE`` is a git work tree (commit it first, so that unmodified files get their identity
from git's index, as in CI); the edited file is restored from ``HEAD`` after each run.
``--base DIR`` is another checkout of the gate's source (``git archive <commit> | tar -x -C
DIR``), measured with ``DIR`` first on ``PYTHONPATH``, each run alternating with the
installed gate's, each with its own empty cache. For each: a cold ``gate run --checks
sast`` fills the cache; then ``--runs`` times, (a) append a comment line to ``--edit``
(default: the first ``.py`` file over 200 bytes) and run the whole tree again, warm, and
(b) the same edit, then ``gate run REL`` (the one-file path: a run on the edited file
alone reads only its per-file entries).

It prints the CPU seconds (user + system, ``time.process_time``) of the sast check's
worker process alone, from its fork to its result (a standby worker's preload included),
through a hook around ``gate.worker.run_job`` (``gate.runner._worker`` in a checkout from
before it) in a wrapper interpreter: the minimum and the median. Nothing is
asserted: timings belong to the machine, and a shared one inflates them; compare the two
columns of one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

VULN_DB = Path("/work/shared/data/pypa-advisory-db")
WRAPPER = '''
import os, sys, time

def _log(name):
    if name == "sast":  # the worker process's CPU since it was forked (a child starts at 0)
        with open(os.environ["GATE_BENCH_CPU"], "a") as out:
            out.write(f"{time.process_time():.4f}\\n")

try:  # a worker runs gate.worker.run_job, forked at its job or as a standby before it
    import gate.worker as module
    name = "run_job"
except ImportError:  # a checkout from before gate.worker: gate.runner._worker
    import gate.runner as module
    name = "_worker"
_run = getattr(module, name)

def _timed(job, *args):
    try:
        _run(job, *args)
    finally:
        _log(job.name)

setattr(module, name, _timed)
from gate.cli.main import main
sys.argv[0] = "gate"
main()
'''


def _edit_target(tree: Path) -> str:
    listed = subprocess.run(["git", "-C", str(tree), "ls-files", "*.py"], check=True,
                            capture_output=True, text=True).stdout.split()
    return next(rel for rel in listed if (tree / rel).stat().st_size > 200)


def _run(tree: Path, cache: Path, base: Path | None, target: str, log: Path) -> None:
    env = {**os.environ, "GATE_BENCH_CPU": str(log)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if base is not None:
        env["PYTHONPATH"] = str(base)
    args = [sys.executable, "-c", WRAPPER, "run", target, "--checks", "sast", "--cache-dir",
            str(cache), "--no-post", "--timeout", "3600", "-q"]
    if VULN_DB.exists():
        args += ["--vuln-db", str(VULN_DB)]
    subprocess.run(args, cwd=tree, env=env, capture_output=True, check=False)


def _read(log: Path) -> float:
    lines = log.read_text(encoding="utf-8").split() if log.exists() else []
    log.unlink(missing_ok=True)
    return float(lines[-1]) if lines else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--base", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edit")
    args = parser.parse_args()
    tree: Path = args.tree.resolve()
    edit = args.edit or _edit_target(tree)
    variants: dict[str, Path | None] = {"installed": None}
    if args.base is not None:
        variants = {"base": args.base.resolve(), **variants}
    measured: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="gate-sast-warm-") as scratch:
        log = Path(scratch) / "cpu.log"
        caches = {name: Path(scratch) / f"cache-{name}" for name in variants}
        for name, base in variants.items():  # cold: fills the cache
            _run(tree, caches[name], base, ".", log)
            _read(log)
        original = (tree / edit).read_bytes()
        try:
            for i in range(args.runs):
                for name, base in variants.items():
                    for path, target in (("warm", "."), ("one file", edit)):
                        (tree / edit).write_bytes(original + f"# edit {i} {path}\n".encode())
                        _run(tree, caches[name], base, target, log)
                        measured.setdefault((name, path), []).append(_read(log))
                        (tree / edit).write_bytes(original)
        finally:
            (tree / edit).write_bytes(original)
    print(f"sast worker CPU seconds, {args.runs} runs each, edit {edit}")
    for (name, path), values in measured.items():
        print(f"{name:10} {path:9} min {min(values):.3f}  median {statistics.median(values):.3f}")


if __name__ == "__main__":
    main()

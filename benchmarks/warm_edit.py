"""Benchmark: a warm re-run after a one-file edit, against a cold run, on a real git tree.

Usage::

    .venv/bin/python benchmarks/warm_edit.py TREE [--base DIR] [--edit REL ...]
                                             [--checks sast,dependencies,secrets,iac] [--jobs N]

``TREE`` is a git work tree (commit it first, so that unmodified files get
their identity from git's index, as in CI); use a copy: the edited files are
restored with ``git checkout``. ``--base DIR`` is another checkout of the
gate's source (``git archive <commit> | tar -x -C DIR``): it is measured
first, with ``DIR`` first on ``PYTHONPATH``, then the installed gate, on the
same tree in the same run. For each, with its own empty cache:

(a) a cold ``gate run`` (the checks, empty cache);
(b) for each ``--edit`` file (default: the first ``views.py``, else the first ``.py`` over
    200 bytes): append a comment line, run again warm, restore the file; then the same
    edit again in a second warm run that counts, through a ``sitecustomize`` hook in every
    process of the run, the cache entries it opened and the files each per-file scan
    (``scan_with_cache``) scanned again. The counting run is not the timed one.

It prints the CPU seconds (user + system of ``gate`` and every process it
waited for, from ``getrusage``) and the wall seconds of each run, the warm
run's CPU as a ratio of the cold run's, the entries read and the files
rescanned. It asserts nothing: timings belong to the machine; compare the
ratios, and take them on a quiet machine (wall seconds mean little on a
shared one).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

VULN_DB = Path("/work/shared/data/pypa-advisory-db")

HOOK = '''
import importlib.abc, importlib.machinery, os, sys

_LOG = os.environ.get("GATE_BENCH_LOG")


def _line(text):
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (text + "\\n").encode())
    finally:
        os.close(fd)


def _patch(name, module):
    if name == "gate.cache.store":
        store = getattr(module, "SqliteStore", None) or module.FileStore  # new, old checkouts
        real_get = store.get

        def get(self, key, **kwargs):
            _line(f"read {key.namespace}")
            return real_get(self, key, **kwargs)

        store.get = get
    else:
        real_scan = module.scan_with_cache

        def scan_with_cache(spec, target, files, tree=None):
            done = real_scan(spec, target, files, tree)
            _line(f"scan {spec.check}/{spec.tool_version} {done.cached} {done.scanned}")
            return done

        module.scan_with_cache = scan_with_cache


class _Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in ("gate.cache.store", "gate.checks.engine.cached_scan"):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        real_exec = spec.loader.exec_module

        def exec_module(module):
            real_exec(module)
            _patch(name, module)

        spec.loader.exec_module = exec_module
        return spec


if _LOG:
    sys.meta_path.insert(0, _Hook())
'''


@dataclass(frozen=True)
class Run:
    cpu: float
    wall: float


def run_gate(code: str, tree: Path, cache: Path, checks: str, jobs: list[str],
             hook: Path | None = None, log: Path | None = None) -> Run:
    """One ``gate run`` as a fresh process (``code``: a source checkout, or ``""``)."""
    db = ["--vuln-db", str(VULN_DB)] if VULN_DB.exists() and "dependencies" in checks else []
    cmd = [sys.executable, "-m", "gate", "run", str(tree), "--no-post", "--format", "json",
           "--cache-dir", str(cache), "--checks", checks, "--timeout", "3600", *jobs, *db]
    path = [str(hook)] if hook else []
    path += [code] if code else []
    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = os.pathsep.join(path)
    if log is not None:
        env["GATE_BENCH_LOG"] = str(log)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    # outside any checkout: ``-m`` puts the working directory before PYTHONPATH
    done = subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=cache.parent)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"gate exited {done.returncode}: {done.stderr.decode()[-400:]}"
                 f"{done.stdout.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(cpu, wall)


def git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True)


def counted(log: Path) -> tuple[Counter[str], list[str]]:
    """Entries read by namespace, and each per-file scan's ``check/tool cached scanned``."""
    reads: Counter[str] = Counter()
    scans: list[str] = []
    for line in log.read_text().splitlines() if log.exists() else []:
        kind, _, rest = line.partition(" ")
        if kind == "read":
            reads[rest] += 1
        elif kind == "scan":
            scans.append(rest)
    return reads, scans


def default_edit(tree: Path) -> str:
    views = sorted(tree.rglob("views.py"))
    if views:
        return str(views[0].relative_to(tree))
    for path in sorted(tree.rglob("*.py")):
        if ".git" not in path.parts and path.stat().st_size > 200:
            return str(path.relative_to(tree))
    sys.exit(f"{tree}: no Python file to edit")


def edit(tree: Path, rel: str, tag: str) -> None:
    with (tree / rel).open("a", encoding="utf-8") as handle:
        handle.write(f"\n# benchmark edit {tag} {time.time_ns()}\n")


def restore(tree: Path, rel: str) -> None:
    git(tree, "checkout", "--", rel)
    git(tree, "update-index", "-q", "--refresh")


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
    edits = args.edit or [default_edit(tree)]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    work = Path(tempfile.mkdtemp(prefix="gate-warm-"))
    hook = work / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    try:
        for index, code in enumerate(codes):
            cache = work / f"cache-{index}"
            cold = run_gate(code, tree, cache, args.checks, jobs)
            print(f"{code or 'installed gate'}\n  cold: {cold.cpu:7.2f} CPU s "
                  f"({cold.wall:.1f} s wall)", flush=True)
            for n, rel in enumerate(edits):
                edit(tree, rel, f"timed {n}")
                warm = run_gate(code, tree, cache, args.checks, jobs)
                restore(tree, rel)
                run_gate(code, tree, cache, args.checks, jobs)  # back to the committed state
                log = work / f"log-{index}-{n}"
                edit(tree, rel, f"counted {n}")
                run_gate(code, tree, cache, args.checks, jobs, hook, log)
                restore(tree, rel)
                run_gate(code, tree, cache, args.checks, jobs)
                reads, scans = counted(log)
                print(f"  warm after editing {rel}: {warm.cpu:6.2f} CPU s = "
                      f"{warm.cpu / cold.cpu:.3f}x cold ({warm.wall:.1f} s wall)\n"
                      f"    entries read: {sum(reads.values())} "
                      f"({', '.join(f'{k} {v}' for k, v in sorted(reads.items()))})\n"
                      f"    files rescanned: " + "; ".join(
                          f"{s.split()[0]} {s.split()[2]} (of {int(s.split()[1]) + int(s.split()[2])})"
                          for s in scans), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

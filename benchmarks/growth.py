"""Benchmark: how a cold, a warm and a 4-way sharded run grow with the size of the tree.

Usage::

    .venv/bin/python benchmarks/growth.py [--sizes 2500,10000,25000,50000] [--shards 4]
                                          [--checks sast,secrets,iac,dependencies]
                                          [--keep DIR] [--json FILE] [--runs cold,warm,shards]

The monorepo is generated from real code: every file of this interpreter's
site-packages (compiled artefacts, ``.dist-info`` and files over 1 MB left out)
is the *pool*. A tree of N files holds whole copies of the pool under
``copy0/``, ``copy1/``... and, for the remainder, a deterministic sample of it
(the pool ordered by a hash of each path), so that every size has the same mix
of file kinds and sizes and the curve compares like with like. Each size is its
own committed git repository; with ``--keep`` the trees stay in DIR and a later
run reuses them (reset to the commit first).

For each size it runs, as a fresh process tree each:

* cold: ``gate run`` with an empty result cache;
* warm: the same again after appending a line to one ``.py`` file;
* sharded: ``--shard i/N`` for every i, each with an empty cache, one after the
  other (on N machines they would run side by side): the slowest shard's time and
  its ratio to the cold unsharded run;
* the peak memory of the whole process tree of each run: the sum of the resident
  sets of the gate and all its descendants, polled from ``/proc`` (pages shared
  between processes are counted once per process: an upper bound).

Each run is given ``--timeout 7200``: the policy's default per-check timeout
(600 s) stops a cold scan of 50,000 files on two shared cores (exit 3).
``--runs`` picks the runs (the ratios need the cold one). Each run's per-check
durations come from its JSON report. It asserts nothing:
timings belong to the machine. The figures in docs/performance.md ("Growth")
come from here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_speed import BINARY, VULN_DB, timed

GIT = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
SITE = Path(sysconfig.get_paths()["purelib"])
EDIT = "\nTOUCHED = 1  # benchmark edit\n"


def source_files() -> list[Path]:
    """The pool: site-packages' files, in a deterministic order that mixes the packages."""
    found = [p for p in SITE.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix not in BINARY
             and ".dist-info" not in str(p) and p.stat().st_size < 1_000_000]
    return sorted(found, key=lambda p: hashlib.sha256(
        str(p.relative_to(SITE)).encode("utf-8", "surrogateescape")).hexdigest())


def build(target: Path, size: int, sources: list[Path]) -> tuple[int, int]:
    """Write ``size`` files under ``target`` and commit them; return (files, bytes)."""
    count = total = 0
    while count < size:
        round_ = count // len(sources)
        path = sources[count % len(sources)]
        dest = target / f"copy{round_}" / path.relative_to(SITE)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        total += dest.stat().st_size
        count += 1
    subprocess.run([*GIT, "init", "-q"], cwd=target, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=target, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "corpus"], cwd=target, check=True)
    return count, total


def prepare(work: Path, size: int, sources: list[Path]) -> tuple[Path, int, int]:
    """The tree for ``size``: reused (reset to its commit) if a finished one is there."""
    tree, marker = work / f"tree-{size}", work / f"tree-{size}.json"
    if tree.is_dir() and marker.is_file():
        subprocess.run([*GIT, "reset", "-q", "--hard"], cwd=tree, check=True)
        subprocess.run([*GIT, "clean", "-q", "-fdx"], cwd=tree, check=True)
        known = json.loads(marker.read_text())
        return tree, int(known["files"]), int(known["bytes"])
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    count, total = build(tree, size, sources)
    marker.write_text(json.dumps({"files": count, "bytes": total}))
    return tree, count, total


@dataclass
class Run:
    """One ``gate run``: wall seconds, exit code, peak tree RSS (MiB), per-check seconds."""

    seconds: float
    code: int
    mib: float
    cpu: float = 0.0
    """CPU seconds (user + system) of the whole process tree: what load on a shared machine
    does not change much, unlike the wall time."""
    checks: dict[str, float] = field(default_factory=dict)
    files: int = 0


TIMEOUT = "7200"
"""Per-check timeout given to every run: the policy's default (600 s) is too short for a
cold scan of 50,000 files on two shared cores."""


def run_gate(tree: Path, cache: Path, checks: str, report: Path, *extra: str) -> Run:
    db = ["--vuln-db", str(VULN_DB)] if VULN_DB.exists() else []
    cmd = [sys.executable, "-m", "gate", "run", str(tree), "--no-post", "--format", "json",
           "--checks", checks, "--cache-dir", str(cache), "--report", f"json={report}",
           "--timeout", TIMEOUT, *db, *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, code, peak = timed(cmd, tree)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = Run(seconds, code, peak / 2**20, cpu)
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        return run
    run.checks = {c["name"]: c["duration"] for c in data.get("checks", [])}
    run.files = (data.get("shard") or {}).get("files", 0)
    return run


def _checks(run: Run) -> str:
    return " ".join(f"{name} {secs:.1f}" for name, secs in run.checks.items())


def _line(label: str, run: Run) -> str:
    files = f", {run.files} files" if run.files else ""
    return (f"        {label}: {run.seconds:.1f} s, CPU {run.cpu:.1f} s{files}, {run.mib:.0f} MiB, "
            f"exit {run.code}; "
            f"{_checks(run)}")


def _row(count: int, total: int, cold: Run | None, warm: Run | None, parts: list[Run]) -> str:
    na = "-"
    worst = max(parts, key=lambda r: r.seconds) if parts else None
    every = [r for r in (cold, warm, *parts) if r is not None]
    cells = [f"{count:>7}", f"{total / 1e6:>6.0f}",
             f"{cold.seconds:>8.1f}" if cold else f"{na:>8}",
             f"{warm.seconds:>7.1f}" if warm else f"{na:>7}",
             f"{warm.seconds / cold.seconds:>6.3f}" if warm and cold else f"{na:>6}",
             f"{worst.seconds:>8.1f}" if worst else f"{na:>8}",
             f"{worst.seconds / cold.seconds:>6.2f}" if worst and cold else f"{na:>6}",
             f"{cold.mib:>6.0f}" if cold else f"{na:>6}",
             f"{warm.mib:>6.0f}" if warm else f"{na:>6}",
             f"{max(r.mib for r in parts):>6.0f}" if parts else f"{na:>6}",
             f"{max(r.mib for r in every):>6.0f}"]
    return " ".join(cells)


def measure(work: Path, size: int, sources: list[Path], args: argparse.Namespace,
            log: list[dict[str, object]]) -> None:
    """Cold, warm and sharded runs (those in ``--runs``) over one size; print what they took."""
    tree, count, total = prepare(work, size, sources)
    out = work / "reports"
    out.mkdir(exist_ok=True)
    runs = set(args.runs.split(","))
    cache = work / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    cold = warm = None
    if "cold" in runs:
        cold = run_gate(tree, cache, args.checks, out / f"cold-{size}.json")
        print(_line("cold", cold), flush=True)
    if "warm" in runs and cold is not None:
        touched = sorted(p for p in tree.rglob("*.py") if ".git" not in p.parts)
        with touched[len(touched) // 2].open("a", encoding="utf-8") as handle:
            handle.write(EDIT)
        warm = run_gate(tree, cache, args.checks, out / f"warm-{size}.json")
        print(_line("warm", warm), flush=True)
    parts: list[Run] = []
    for i in range(1, args.shards + 1 if "shards" in runs else 1):
        shard_cache = work / f"cache-{size}-s{i}"
        shutil.rmtree(shard_cache, ignore_errors=True)
        parts.append(run_gate(tree, shard_cache, args.checks, out / f"shard-{size}-{i}.json",
                              "--shard", f"{i}/{args.shards}"))
        shutil.rmtree(shard_cache, ignore_errors=True)
        print(_line(f"shard {i}/{args.shards}", parts[-1]), flush=True)
    print(_row(count, total, cold, warm, parts), flush=True)
    log.append({"files": count, "bytes": total, "cold": asdict(cold) if cold else None,
                "warm": asdict(warm) if warm else None, "shards": [asdict(p) for p in parts],
                "load": os.getloadavg()[0],
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2500,10000,25000,50000")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--checks", default="sast,secrets,iac,dependencies")
    parser.add_argument("--keep", type=Path, help="build the trees here, keep and reuse them")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--runs", default="cold,warm,shards",
                        help="which runs: cold, warm (needs cold), shards (comma-separated)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gate-growth-"))
    work.mkdir(parents=True, exist_ok=True)
    sources = source_files()
    print(f"{os.cpu_count()} CPUs; pool {len(sources)} files; checks {args.checks}; "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"{'files':>7} {'MB':>6} {'cold s':>8} {'warm s':>7} {'w/c':>6} {'shard s':>8} "
          f"{'s/c':>6} {'MiB c':>6} {'MiB w':>6} {'MiB s':>6} {'MiB':>6}")
    log: list[dict[str, object]] = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            measure(work, size, sources, args, log)
            if args.json:
                args.json.write_text(json.dumps(log, indent=1))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: how a cold, a warm and a 4-way sharded run grow with the size of the tree.

Usage::

    .venv/bin/python benchmarks/growth.py [--sizes 2500,10000,25000,50000] [--shards 4]
                                          [--checks sast,secrets,iac,dependencies] [--keep DIR]

The monorepo is generated from real code: every package of this interpreter's
site-packages (compiled artefacts left out) copied, round after round under
``copyN/`` prefixes, until the largest size; each smaller size is a prefix of it
(the first N files in path order), committed as its own git repository. For each
size it prints, as a fresh process tree each:

* cold: ``gate run`` with an empty result cache;
* warm: the same after appending a line to one file;
* sharded: ``--shard i/N`` for every i, each with an empty cache, run one after the
  other (on N machines they would run side by side): the slowest shard's time and its
  ratio to the unsharded cold run;
* peak memory of the whole process tree of each run (summed RSS, from /proc).

It asserts nothing: timings belong to the machine. The figures for docs/performance.md
come from here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_speed import BINARY, VULN_DB, timed

GIT = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench"]


def source_files() -> list[Path]:
    site = Path(sysconfig.get_paths()["purelib"])
    return sorted(p for p in site.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix not in BINARY
                  and p.stat().st_size < 1_000_000 and ".dist-info" not in str(p))


def build(target: Path, size: int, sources: list[Path]) -> int:
    site = Path(sysconfig.get_paths()["purelib"])
    count, round_ = 0, 0
    while count < size:
        for path in sources:
            if count >= size:
                break
            dest = target / f"copy{round_}" / path.relative_to(site)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            count += 1
        round_ += 1
    subprocess.run([*GIT, "init", "-q"], cwd=target, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=target, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "corpus"], cwd=target, check=True)
    return count


def run_gate(tree: Path, cache: Path, checks: str, *extra: str) -> tuple[float, int, int]:
    db = ["--vuln-db", str(VULN_DB)] if VULN_DB.exists() else []
    cmd = [sys.executable, "-m", "gate", "run", str(tree), "--no-post", "--format", "json",
           "--checks", checks, "--cache-dir", str(cache), *db, *extra]
    return timed(cmd, tree)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2500,10000,25000,50000")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--checks", default="sast,secrets,iac,dependencies")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gate-growth-"))
    sources = source_files()
    print(f"{os.cpu_count()} CPUs; source pool {len(sources)} files; checks {args.checks}")
    print(f"{'files':>7} {'cold s':>8} {'MiB':>6} {'warm s':>8} {'warm/cold':>9} "
          f"{'shard max s':>11} {'shard/cold':>10} {'MiB':>6}")
    for size in (int(s) for s in args.sizes.split(",")):
        tree = work / f"tree-{size}"
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        count = build(tree, size, sources)
        cache = work / f"cache-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        cold, _, cold_mem = run_gate(tree, cache, args.checks)
        touched = sorted(tree.rglob("*.py"))[count // 3]
        with touched.open("a", encoding="utf-8") as handle:
            handle.write("\nTOUCHED = 1  # benchmark edit\n")
        warm, _, _ = run_gate(tree, cache, args.checks)
        shard_times, shard_mem = [], 0
        for i in range(1, args.shards + 1):
            shard_cache = work / f"cache-{size}-s{i}"
            shutil.rmtree(shard_cache, ignore_errors=True)
            took, _, mem = run_gate(tree, shard_cache, args.checks, "--shard",
                                    f"{i}/{args.shards}")
            shard_times.append(took)
            shard_mem = max(shard_mem, mem)
        worst = max(shard_times)
        print(f"{count:>7} {cold:>8.1f} {cold_mem / 2**20:>6.0f} {warm:>8.2f} {warm / cold:>9.3f} "
              f"{worst:>11.1f} {worst / cold:>10.2f} {shard_mem / 2**20:>6.0f}", flush=True)
        shutil.rmtree(tree, ignore_errors=True)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: the sast check (bandit + the dataflow layer) against bandit alone, same tree, same run.

Usage::

    python benchmarks/sast_speed.py [--files 2800] [--jobs 2] [--keep DIR] [--tree REPO]
    python benchmarks/sast_speed.py --cpu TREE   # CPU seconds: bandit by hand vs the check

The tree is the one ``benchmarks/scan_speed.py`` builds (whole packages copied
from this interpreter's site-packages, about ``--files`` files), or a clone of
the git repository ``--tree`` (never edited: the warm run edits the clone).
Measured, each as a fresh process: ``bandit -r . -f json -q`` (bandit alone,
as a user would run it), ``gate run --checks sast --no-cache`` with
``--jobs`` workers and with one, and a warm ``gate run --checks sast`` after
editing one file (bandit's per-file cache holds; the dataflow pass re-runs
where it must). Each is printed in CPU seconds (the process and its workers:
what a shared machine does not distort much) and in wall seconds, with the
ratios to bandit alone; then whether every bandit finding is still reported
(possibly downgraded), and the dataflow findings and downgrades.

``--cpu TREE`` (a git work tree, read only) measures in one process, under
the collector regime of the pool's workers: the sast check itself
(``SastCheck.run``, one job, no cache), its bandit pass alone and its
dataflow pass alone, each against ``bandit -r`` by hand on the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scan_speed import DEFAULT_PACKAGES, build_corpus

BIN = Path(sys.executable).parent
BANDIT = [str(BIN / "bandit"), "-r", ".", "-f", "json", "-q"]


@dataclass(frozen=True)
class Timing:
    """One fresh process: wall seconds and CPU seconds (user + system, its children included)."""

    wall: float
    cpu: float

    def row(self, label: str, base: Timing) -> str:
        """One printed line: CPU and wall, each with its ratio to ``base``."""
        return (f"{label:<34}{self.cpu:7.1f} CPU-s {self.cpu / base.cpu:5.2f}x"
                f"   {self.wall:7.1f} s wall {self.wall / base.wall:5.2f}x")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path, out: Path) -> Timing:
    """Run ``cmd`` with stdout into ``out``; its wall and CPU time."""
    cpu, started = _children_cpu(), time.perf_counter()
    with out.open("wb") as handle:
        subprocess.run(cmd, cwd=cwd, stdout=handle, stderr=subprocess.DEVNULL, check=False)
    return Timing(time.perf_counter() - started, _children_cpu() - cpu)


def _git(cwd: Path, *args: str) -> None:
    git = ["git", "-c", "user.email=b@example.invalid", "-c", "user.name=b"]
    subprocess.run([*git, *args], cwd=cwd, check=True)


def _corpus(work: Path, files: int, tree: Path | None) -> Path:
    """The tree to scan: a clone of ``tree``, or packages copied from site-packages."""
    corpus = work / "corpus"
    if corpus.exists():
        return corpus
    if tree is not None:
        subprocess.run(["git", "clone", "-q", str(tree), str(corpus)], check=True)
        return corpus
    corpus.mkdir(parents=True)
    build_corpus(corpus, DEFAULT_PACKAGES, files)
    _git(corpus, "init", "-q")
    _git(corpus, "add", "-A")
    _git(corpus, "commit", "-q", "-m", "corpus")
    return corpus


def main() -> None:
    """Build the tree, time both sides, print ratios and the agreement with bandit."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2800)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--tree", type=Path, help="a git repository to clone and scan")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gate-sast-speed-"))
    corpus = _corpus(work, args.files, args.tree)
    count = sum(1 for _ in corpus.rglob("*") if _.is_file() and ".git" not in _.parts)
    python_files = sum(1 for _ in corpus.rglob("*.py"))
    gate = [sys.executable, "-m", "gate", "run", ".", "--checks", "sast", "--format", "json",
            "--timeout", "3600"]
    bandit_t = timed([*BANDIT, "--ignore-nosec"], corpus, work / "bandit.json")
    cold_t = timed([*gate, "--no-cache", "--jobs", str(args.jobs)], corpus, work / "gate.json")
    one_t = timed([*gate, "--no-cache", "--jobs", "1"], corpus, work / "gate1.json")
    cache = work / "cache"
    timed([*gate, "--cache-dir", str(cache), "--jobs", str(args.jobs)], corpus, work / "warm0.json")
    edited = sorted(corpus.rglob("*.py"))[0]
    with edited.open("a") as handle:
        handle.write("\n# edited by the benchmark\n")
    warm_t = timed([*gate, "--cache-dir", str(cache), "--jobs", str(args.jobs)], corpus,
                   work / "warm.json")
    bandit = json.loads((work / "bandit.json").read_text())
    report = json.loads((work / "gate.json").read_text())
    theirs = {(r["test_id"], os.path.normpath(r["filename"]), r["line_number"])
              for r in bandit["results"]}
    ours = {(f["rule_id"], f["path"], f["start_line"]) for f in report["findings"]
            if f["check"] == "sast" and f["rule_id"].startswith("B")}
    dataflow = Counter(f["rule_id"] for f in report["findings"]
                       if f["rule_id"].startswith("GATE-PY-"))
    downgraded = Counter(f["rule_id"] for f in report["findings"]
                         if (f.get("extra") or {}).get("downgraded_by"))
    print(f"tree: {count} files ({python_files} .py), jobs {args.jobs}")
    print(bandit_t.row("bandit alone (one process)", bandit_t))
    print(cold_t.row(f"gate sast, cold, --jobs {args.jobs}", bandit_t))
    print(one_t.row("gate sast, cold, --jobs 1", bandit_t))
    print(warm_t.row("gate sast, warm, one file edited", bandit_t))
    agreement = "all kept" if theirs <= ours else f"MISSING {sorted(theirs - ours)[:5]}"
    print(f"bandit findings {len(theirs)}: {agreement}; downgraded {sum(downgraded.values())} "
          f"{dict(downgraded)}")
    print(f"dataflow findings {sum(dataflow.values())}: {dict(dataflow)}")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_split(corpus: Path) -> None:
    """CPU seconds of ``bandit -r`` by hand and, in this process, of the sast check and its passes.

    Wall-clock ratios move with whatever else the machine runs; CPU time of
    the same work over the same files does not (much). Printed: bandit by hand
    (a fresh process, start-up included), the whole check (``SastCheck.run``,
    one job, no cache: bandit, the dataflow pass, the mapping to findings and
    the downgrades), then bandit's pass and the dataflow pass alone, each
    with its ratio to bandit by hand.
    """
    from gate.checks.engine.workers import young_garbage_only
    from gate.checks.interface import ScanTarget
    from gate.checks.sast import SastCheck
    from gate.checks.sast.check import scan_files
    from gate.checks.sast.taint.analyse import forget_projects
    from gate.checks.sast.taint_scan import scan_taint_files

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=corpus, capture_output=True,
                            check=True).stdout.decode().split("\0")
    files = tuple(f for f in listed if f)
    python = tuple(f for f in files if f.endswith(".py"))
    with tempfile.TemporaryDirectory(prefix="gate-sast-speed-") as scratch:
        by_hand = timed(BANDIT, corpus, Path(scratch) / "bandit.json").cpu
    started = _own_cpu()
    result = SastCheck().run(ScanTarget(root=corpus, files=files))
    check_cpu = _own_cpu() - started
    forget_projects()
    started = _own_cpu()
    with young_garbage_only():
        scan_files(corpus, python)
    bandit_cpu = _own_cpu() - started
    forget_projects()
    started = _own_cpu()
    with young_garbage_only():
        taint = scan_taint_files(corpus, python)
    dataflow_cpu = _own_cpu() - started
    marks = sum(1 for f in taint.findings if f.rule_id == "GATE-PY-SINK-MARK")
    print(f"tree: {len(files)} files, {len(python)} .py; {len(result.findings)} sast findings, "
          f"{marks} sink verdicts")
    print(f"bandit -r by hand (fresh process)  {by_hand:7.2f} CPU-s  1.00x")
    print(f"sast check (one process, no cache) {check_cpu:7.2f} CPU-s  {check_cpu / by_hand:.2f}x")
    print(f"  its bandit pass alone            {bandit_cpu:7.2f} CPU-s  {bandit_cpu / by_hand:.2f}x")
    print(f"  its dataflow pass alone          {dataflow_cpu:7.2f} CPU-s  "
          f"{dataflow_cpu / by_hand:.2f}x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cpu"]:
        cpu_split(Path(sys.argv[2]))
    else:
        main()

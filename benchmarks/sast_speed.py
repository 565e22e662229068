"""Benchmark: the sast check (bandit + the dataflow layer) against bandit alone, same tree, same run.

Usage::

    python benchmarks/sast_speed.py [--files 2800] [--jobs 2] [--keep DIR]
    python benchmarks/sast_speed.py --cpu DIR/corpus   # CPU split of the two passes, in-process

The tree is the one ``benchmarks/scan_speed.py`` builds (whole packages copied
from this interpreter's site-packages, about ``--files`` files). Measured, each
as a fresh process: ``bandit -r . -f json --ignore-nosec`` (bandit alone, as
a user would run it), ``gate run --checks sast --no-cache`` with ``--jobs``
workers and with one, and a warm ``gate run --checks sast`` after editing one
file (bandit's per-file cache holds; the dataflow pass re-runs). It prints the
times and the ratios, checks that every bandit finding is still reported
(possibly downgraded), and counts the dataflow findings and downgrades.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scan_speed import DEFAULT_PACKAGES, build_corpus

BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path, out: Path) -> float:
    """Run ``cmd`` with stdout into ``out``; return the wall time."""
    started = time.perf_counter()
    with out.open("wb") as handle:
        subprocess.run(cmd, cwd=cwd, stdout=handle, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    """Build the tree, time both sides, print ratios and the agreement with bandit."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2800)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gate-sast-speed-"))
    corpus = work / "corpus"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        count = build_corpus(corpus, DEFAULT_PACKAGES, args.files)
        git = ["git", "-c", "user.email=b@example.invalid", "-c", "user.name=b"]
        subprocess.run([*git, "init", "-q"], cwd=corpus, check=True)
        subprocess.run([*git, "add", "-A"], cwd=corpus, check=True)
        subprocess.run([*git, "commit", "-q", "-m", "corpus"], cwd=corpus, check=True)
    else:
        count = sum(1 for _ in corpus.rglob("*") if _.is_file() and ".git" not in _.parts)
    python_files = sum(1 for _ in corpus.rglob("*.py"))
    gate = [sys.executable, "-m", "gate", "run", ".", "--checks", "sast", "--format", "json",
            "--timeout", "3600"]
    bandit_s = timed([str(BIN / "bandit"), "-r", ".", "-f", "json", "-q", "--ignore-nosec"],
                     corpus, work / "bandit.json")
    cold_s = timed([*gate, "--no-cache", "--jobs", str(args.jobs)], corpus, work / "gate.json")
    one_s = timed([*gate, "--no-cache", "--jobs", "1"], corpus, work / "gate1.json")
    cache = work / "cache"
    timed([*gate, "--cache-dir", str(cache), "--jobs", str(args.jobs)], corpus, work / "warm0.json")
    edited = sorted(corpus.rglob("*.py"))[0]
    with edited.open("a") as handle:
        handle.write("\n# edited by the benchmark\n")
    warm_s = timed([*gate, "--cache-dir", str(cache), "--jobs", str(args.jobs)], corpus,
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
    print(f"bandit alone (one process)        {bandit_s:7.1f}s")
    print(f"gate sast, cold, --jobs {args.jobs}         {cold_s:7.1f}s  "
          f"ratio {cold_s / bandit_s:.2f}x")
    print(f"gate sast, cold, --jobs 1         {one_s:7.1f}s  ratio {one_s / bandit_s:.2f}x")
    print(f"gate sast, warm, one file edited  {warm_s:7.1f}s  ratio {warm_s / bandit_s:.2f}x")
    agreement = "all kept" if theirs <= ours else f"MISSING {sorted(theirs - ours)[:5]}"
    print(f"bandit findings {len(theirs)}: {agreement}; downgraded {sum(downgraded.values())} "
          f"{dict(downgraded)}")
    print(f"dataflow findings {sum(dataflow.values())}: {dict(dataflow)}")


def cpu_split(corpus: Path) -> None:
    """CPU seconds, in this process, of bandit's pass and of the dataflow pass over the tree.

    Wall-clock ratios move with whatever else the machine runs; CPU time of
    the two passes over the same files does not (much). Printed: both times and
    ``(bandit + dataflow) / bandit``, the cost the dataflow layer adds.
    """
    from gate.checks.sast.check import scan_files
    from gate.checks.sast.taint.analyse import forget_projects
    from gate.checks.sast.taint_scan import scan_taint_files

    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.py")
                   if ".git" not in p.parts)
    started = time.process_time()
    scan_files(corpus, files)
    bandit_cpu = time.process_time() - started
    forget_projects()
    started = time.process_time()
    taint = scan_taint_files(corpus, files)
    dataflow_cpu = time.process_time() - started
    marks = sum(1 for f in taint.findings if f.rule_id == "GATE-PY-SINK-MARK")
    print(f"CPU, one process, {len(files)} .py: bandit {bandit_cpu:.1f}s, dataflow "
          f"{dataflow_cpu:.1f}s, (bandit + dataflow) / bandit = "
          f"{(bandit_cpu + dataflow_cpu) / bandit_cpu:.2f}x ({marks} sink verdicts)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cpu"]:
        cpu_split(Path(sys.argv[2]))
    else:
        main()

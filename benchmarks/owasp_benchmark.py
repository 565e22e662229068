"""Benchmark: the sast check against bandit alone on the OWASP Benchmark for Python.

Usage::

    python benchmarks/owasp_benchmark.py --benchmark /path/to/BenchmarkPython [--jobs N]

``--benchmark`` is a local copy of https://github.com/OWASP-Benchmark/BenchmarkPython
(GPL: it is never committed here). Its ground truth is ``expectedresults-*.csv``
(test name, category, real vulnerability, CWE).

Both tools run on a private copy (a git repository, since the gate inventories
with git), each as a fresh process, in the same run: ``bandit -r`` and
``gate run --checks sast --no-cache``. A test case counts as flagged when a
finding in its file carries the category's CWE (or an equivalent one, below)
at severity ``low`` or above; a bandit finding the dataflow downgraded is
``info`` and does not count. Per category: true-positive rate, false-positive
rate and the Benchmark's score (TPR - FPR); then the averages and the time
ratio. Run it with the Python the Benchmark needs (3.12: a third of its files
use PEP 701 f-strings): the files an older interpreter cannot parse are listed.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
EQUIVALENT = {"328": {"327", "328"}, "94": {"94", "95", "1336"}, "614": {"614"},
              "330": {"330", "338"}}
SEVERITIES = {"low", "medium", "high", "critical"}
BANDIT_SEVERITIES = {"LOW", "MEDIUM", "HIGH"}


def truth(root: Path) -> dict[str, tuple[str, bool, str]]:
    """Test name -> (category, vulnerable, CWE), from the expected-results CSV."""
    found = sorted(root.glob("expectedresults-*.csv"))
    if not found:
        raise SystemExit(f"no expectedresults-*.csv in {root}")
    out: dict[str, tuple[str, bool, str]] = {}
    with found[-1].open(newline="") as handle:
        for row in csv.reader(handle):
            if row and not row[0].startswith("#"):
                out[row[0].strip()] = (row[1].strip(), row[2].strip() == "true", row[3].strip())
    return out


def _cwe_number(value: Any) -> str:
    text = str(value)
    return text.split("-")[-1] if text else ""


def flagged(findings: list[tuple[str, str]], expected: dict[str, tuple[str, bool, str]]
            ) -> set[str]:
    """Test names with a finding of their category's CWE: findings are (file stem, cwe)."""
    hits: set[str] = set()
    for stem, cwe in findings:
        if stem in expected and cwe in EQUIVALENT.get(expected[stem][2], {expected[stem][2]}):
            hits.add(stem)
    return hits


def table(expected: dict[str, tuple[str, bool, str]], hits: set[str]
          ) -> dict[str, tuple[float, float, float]]:
    """Per category: (TPR, FPR, score)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, fn, fp, tn
    for name, (category, real, _) in expected.items():
        index = (0 if name in hits else 1) if real else (2 if name in hits else 3)
        counts[category][index] += 1
    out = {}
    for category, (tp, fn, fp, tn) in sorted(counts.items()):
        tpr = tp / (tp + fn) if tp + fn else 0.0
        fpr = fp / (fp + tn) if fp + tn else 0.0
        out[category] = (tpr, fpr, tpr - fpr)
    return out


def run_timed(cmd: list[str], cwd: Path, out: Path) -> float:
    """Run a command with stdout to ``out``; return the wall time."""
    started = time.monotonic()
    with out.open("wb") as handle:
        subprocess.run(cmd, cwd=cwd, stdout=handle, stderr=subprocess.DEVNULL, check=False)
    return time.monotonic() - started


def main() -> None:
    """Copy the Benchmark, run bandit and the gate, print the score card."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--benchmark", type=Path, required=True,
                        help="local copy of OWASP-Benchmark/BenchmarkPython")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="work directory to keep (default: temporary)")
    args = parser.parse_args()
    expected = truth(args.benchmark)
    work = args.keep or Path(tempfile.mkdtemp(prefix="gate-owasp-"))
    copy = work / "BenchmarkPython"
    if not copy.exists():
        shutil.copytree(args.benchmark, copy, ignore=shutil.ignore_patterns(".git", "results"))
        git = ["git", "-c", "user.email=b@example.invalid", "-c", "user.name=b"]
        subprocess.run([*git, "init", "-q"], cwd=copy, check=True)
        subprocess.run([*git, "add", "-A"], cwd=copy, check=True)
        subprocess.run([*git, "commit", "-q", "-m", "benchmark"], cwd=copy, check=True)
    bandit_seconds = run_timed([str(BIN / "bandit"), "-r", ".", "-f", "json", "-q",
                                "--ignore-nosec"], copy, work / "bandit.json")
    gate_seconds = run_timed([sys.executable, "-m", "gate", "run", ".", "--checks", "sast",
                              "--format", "json", "--no-cache", "--jobs", str(args.jobs)],
                             copy, work / "gate.json")
    bandit = json.loads((work / "bandit.json").read_text())
    gate = json.loads((work / "gate.json").read_text())
    bandit_findings = [(Path(r["filename"]).stem, _cwe_number(r.get("issue_cwe", {}).get("id", "")))
                       for r in bandit["results"] if r["issue_severity"] in BANDIT_SEVERITIES]
    gate_findings = [(Path(f["path"]).stem, _cwe_number(c)) for f in gate["findings"]
                     if f["check"] == "sast" and f["severity"] in SEVERITIES for c in f["cwe"]]
    theirs = table(expected, flagged(bandit_findings, expected))
    ours = table(expected, flagged(gate_findings, expected))
    print(f"OWASP Benchmark for Python ({len(expected)} test cases), Python "
          f"{sys.version_info[0]}.{sys.version_info[1]}")
    print(f"{'category':<16} {'bandit TPR':>10} {'FPR':>6} {'score':>6}   "
          f"{'gate TPR':>8} {'FPR':>6} {'score':>6}")
    for category in ours:
        b, g = theirs[category], ours[category]
        flag = "  BELOW BANDIT" if g[2] < b[2] - 1e-9 else ""
        print(f"{category:<16} {b[0]:>10.2f} {b[1]:>6.2f} {b[2]:>+6.2f}   "
              f"{g[0]:>8.2f} {g[1]:>6.2f} {g[2]:>+6.2f}{flag}")
    average = {name: sum(s for _, _, s in t.values()) / len(t) for name, t in
               (("bandit", theirs), ("gate", ours))}
    print(f"{'average':<16} {'':>10} {'':>6} {average['bandit']:>+6.2f}   "
          f"{'':>8} {'':>6} {average['gate']:>+6.2f}")
    skipped = [n["path"] for c in gate["checks"] if c.get("name") == "sast"
               for n in c.get("not_scanned", [])] if isinstance(gate.get("checks"), list) else []
    print(f"files the gate could not parse: {len(skipped)}")
    print(f"time: bandit alone {bandit_seconds:.1f}s, gate sast {gate_seconds:.1f}s "
          f"(ratio {gate_seconds / bandit_seconds:.2f}x, --jobs {args.jobs})")


if __name__ == "__main__":
    main()

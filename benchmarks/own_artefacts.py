"""Benchmark: the gate's own files in the tree (issue 26), measured.

Usage::

    .venv/bin/python benchmarks/own_artefacts.py [REPO]

Prints, for the current code, on a copy of REPO (default: a generated repository with
one high-entropy string):

* baseline entries after ``gate baseline --force`` three times (converges: the same count);
* findings after ``gate run`` three times writing SARIF, JSON, Markdown and JUnit reports
  into the tree (converges), and how many of them are in the gate's own files (0);
* the cost of recognising a report-shaped JSON document just under the 16 MiB bound:
  seconds and peak memory of :func:`gate.artefacts.recognise` in this process.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gate.artefacts import MAX_BYTES, recognise

GIT = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
REPORTS = ["--report", "sarif=gate.sarif", "--report", "json=gate.json",
           "--report", "markdown=gate.md", "--report", "junit=gate.xml"]


def _gate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", *args], cwd=root, capture_output=True,
                          text=True, check=False)


def _sample(tmp: Path) -> Path:
    root = tmp / "repo"
    root.mkdir()
    (root / "app.py").write_text('TOKEN = "' + "f3a9c1e7b2d84a6f" * 2 + '"\n')
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-qm", "i"], check=True)
    return root


def convergence(root: Path) -> None:
    entries = []
    for _ in range(3):
        _gate(root, "baseline", "--force")
        entries.append(len(json.loads((root / ".gate-baseline.json").read_text())["findings"]))
    print(f"baseline entries over 3 recordings: {entries}")
    counts, own = [], []
    for _ in range(3):
        done = _gate(root, "run", "--no-post", "--format", "json", *REPORTS)
        findings = json.loads(done.stdout)["findings"]
        counts.append(len(findings))
        own.append(sum(1 for f in findings if f["path"].startswith(("gate.", ".gate-"))))
    print(f"findings over 3 runs writing 4 reports into the tree: {counts}; in own files: {own}")


def big_report(tmp: Path) -> None:
    finding = {"check": "secrets", "rule_id": "R", "path": "a.py", "message": "x" * 200}
    doc = {"schema_version": "1.0", "gate_version": "0", "verdict": "pass", "summary": {},
           "checks": [], "findings": []}
    path = tmp / "big.json"
    text = json.dumps(doc)
    one = json.dumps(finding) + ", "
    count = (MAX_BYTES - len(text) - 1024) // len(one)
    path.write_text(text.replace('"findings": []', '"findings": [' + one * count + "{}]"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    kind = recognise(path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{path.stat().st_size / 2**20:.1f} MiB report-shaped JSON: {kind!r} in {seconds:.2f}s, "
          f"peak RSS +{(peak - before) / 1024:.0f} MiB")


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if len(sys.argv) > 1:
            root = tmp / "repo"
            shutil.copytree(sys.argv[1], root, symlinks=True)
        else:
            root = _sample(tmp)
        convergence(root)
        big_report(tmp)


if __name__ == "__main__":
    main()

"""Benchmark: the gate against bandit + detect-secrets run by hand, over a large real tree.

Usage::

    .venv/bin/python benchmarks/scan_speed.py [--packages mypy,pip,...] [--files 2800]
                                              [--jobs N] [--keep DIR]

The tree is real, installed source: whole packages copied from this
interpreter's site-packages (compiled artefacts left out) until about
``--files`` files. Measured, each as a fresh process tree:

(a) by hand: ``bandit -r . -f json --ignore-nosec`` then
    ``detect-secrets scan --all-files`` (``--ignore-nosec`` because the gate
    reports ``# nosec`` as suppression data rather than dropping findings;
    it does not change bandit's speed);
(b) a cold ``gate run`` (empty cache): sast + secrets, then all checks;
(c) a warm ``gate run`` (all checks) after appending a line to one file;
(d) peak memory: the sum of the resident sets of the whole process tree,
    sampled from ``/proc`` (shared pages counted once per process: an upper bound).

It then checks that the findings are the same: bandit's (rule, path, line)
against the sast check's, and every detect-secrets (type, path, line) against
the secrets check's; the CLI keeps one line per (file, secret, type), so the
gate's extra lines must be repeats of a secret the CLI reported in that file
(checked with detect-secrets' own hashes). It prints figures and ratios, and
asserts nothing: timings belong to the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_PACKAGES = ("mypy", "mypyc", "pip", "pygments", "setuptools", "rich", "pydantic",
                    "gitlab", "github", "cyclonedx", "cryptography", "_pytest", "detect_secrets")
BINARY = {".so", ".pyd", ".dll", ".exe", ".dylib", ".pyc", ".a", ".lib"}
BIN = Path(sys.executable).parent
VULN_DB = Path("/work/shared/data/pypa-advisory-db")


def build_corpus(target: Path, packages: Sequence[str], files: int) -> int:
    """Copy whole packages from site-packages until ``files`` files; return the count."""
    site = Path(sysconfig.get_paths()["purelib"])
    count = 0
    for name in packages:
        source = site / name
        if count >= files or not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in BINARY:
                dest = target / path.relative_to(site)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
                count += 1
    return count


class TreeMemory:
    """Peak of the summed RSS of a process and all its descendants, polled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                pass
        return total

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(cmd: Sequence[str], cwd: Path, stdout: Path | None = None) -> tuple[float, int, int]:
    """Run ``cmd``; return (seconds, exit code, peak tree RSS in bytes)."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
    memory = TreeMemory(proc.pid) if Path("/proc").is_dir() else None
    code = proc.wait()
    seconds = time.perf_counter() - started
    peak = memory.stop() if memory else 0
    if stdout:
        out.close()  # type: ignore[union-attr]
    return seconds, code, peak


def gate(corpus: Path, out: Path, cache: Path, *extra: str) -> tuple[float, int, int]:
    cmd = [sys.executable, "-m", "gate", "run", str(corpus), "--no-post", "--format", "json",
           "--cache-dir", str(cache), "--report", f"json={out}", *extra]
    return timed(cmd, corpus)


def sast_same(bandit: dict[str, Any], report: dict[str, Any]) -> str:
    theirs = {(r["test_id"], os.path.normpath(r["filename"]), r["line_number"])
              for r in bandit["results"]}
    ours = {(f["rule_id"], f["path"], f["start_line"]) for f in report["findings"]
            if f["check"] == "sast" and f["rule_id"].startswith("B")}  # not the dataflow layer
    if theirs == ours:
        return f"identical ({len(ours)} findings)"
    return (f"DIFFERENT: bandit-only {sorted(theirs - ours)[:5]}, "
            f"gate-only {sorted(ours - theirs)[:5]}")


def secrets_same(baseline: dict[str, Any], report: dict[str, Any], corpus: Path) -> str:
    theirs = {(item["type"], os.path.normpath(path), item["line_number"])
              for path, items in baseline["results"].items() for item in items}
    ours = set()
    for f in report["findings"]:
        if f["check"] == "secrets":
            also = f["extra"].get("also_detected_as", "")
            kinds = [f["rule_id"], *(t.strip() for t in also.split(",") if t.strip())]
            # the gate's own provider detectors find more than detect-secrets: compare only
            # the detect-secrets types (a shared hit carries its type in also_detected_as)
            for kind in kinds:
                if not kind.startswith("GATE-SECRET-"):
                    ours.add((kind, f["path"], f["start_line"]))
    missing = theirs - ours
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings

    unexplained = []
    with default_settings():
        for kind, path, line in sorted(ours - theirs):
            here = {s.secret_hash for s in scan_file(str(corpus / path))
                    if s.type == kind and s.line_number == line}
            reported = {i["hashed_secret"] for i in baseline["results"].get(path, [])
                        if i["type"] == kind}
            if not here & reported:
                unexplained.append((kind, path, line))
    if missing or unexplained:
        return f"DIFFERENT: cli-only {sorted(missing)[:5]}, gate-only {unexplained[:5]}"
    return (f"same ({len(theirs)} CLI findings all found; {len(ours - theirs)} more lines are "
            "repeats of a secret the CLI reported once per file)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", default=",".join(DEFAULT_PACKAGES))
    parser.add_argument("--files", type=int, default=2800)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="build the tree here and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="gate-bench-"))
    corpus, outs = work / "corpus", work / "out"
    shutil.rmtree(work, ignore_errors=True)
    corpus.mkdir(parents=True)
    outs.mkdir()
    count = build_corpus(corpus, args.packages.split(","), args.files)
    size = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
    print(f"tree: {count} files, {size / 1e6:.1f} MB, {os.cpu_count()} CPUs, --jobs {args.jobs}")

    b_time, _, b_mem = timed([str(BIN / "bandit"), "-r", ".", "-f", "json", "-q",
                              "--ignore-nosec", "-o", str(outs / "bandit.json")], corpus)
    d_time, _, d_mem = timed([str(BIN / "detect-secrets"), "scan", "--all-files"], corpus,
                             stdout=outs / "detect-secrets.json")
    hand = b_time + d_time
    print(f"(a) by hand:  bandit {b_time:6.1f} s + detect-secrets {d_time:6.1f} s = {hand:6.1f} s"
          f"   peak {max(b_mem, d_mem) / 2**20:5.0f} MiB")

    git = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    subprocess.run([*git, "init", "-q"], cwd=corpus, check=True)
    subprocess.run([*git, "add", "-A"], cwd=corpus, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], cwd=corpus, check=True)
    jobs = ["--jobs", str(args.jobs)]
    db = ["--vuln-db", str(VULN_DB)] if VULN_DB.exists() else []

    two, _, two_mem = gate(corpus, outs / "cold-two.json", work / "cache-two",
                           "--checks", "sast,secrets", *jobs)
    cold, code, cold_mem = gate(corpus, outs / "cold-all.json", work / "cache-all", *jobs, *db)
    print(f"(b) cold gate run, sast+secrets: {two:6.1f} s   peak {two_mem / 2**20:5.0f} MiB")
    print(f"    cold gate run, all checks:   {cold:6.1f} s   peak {cold_mem / 2**20:5.0f} MiB"
          f"   (exit {code})")

    touched = sorted(corpus.rglob("*.py"), key=lambda p: p.stat().st_size)[count // 4]
    with touched.open("a", encoding="utf-8") as handle:
        handle.write("\nTOUCHED = 1  # benchmark edit\n")
    warm, _, warm_mem = gate(corpus, outs / "warm-all.json", work / "cache-all", *jobs, *db)
    print(f"(c) warm gate run after editing {touched.relative_to(corpus)}: {warm:6.1f} s"
          f"   peak {warm_mem / 2**20:5.0f} MiB")
    peak = max(two_mem, cold_mem, warm_mem)
    print(f"(d) peak memory of any gate run: {peak / 2**20:.0f} MiB (limit 1024)")

    report = json.loads((outs / "cold-all.json").read_text())
    print("findings, sast vs bandit:          "
          + sast_same(json.loads((outs / "bandit.json").read_text()), report))
    print("findings, secrets vs detect-secrets: "
          + secrets_same(json.loads((outs / "detect-secrets.json").read_text()), report, corpus))
    print(f"ratio cold (all checks) / by hand:   {cold / hand:.2f}")
    print(f"ratio cold (sast+secrets) / by hand: {two / hand:.2f}   (target <= 0.40)")
    print(f"ratio warm / cold:                   {warm / cold:.3f}  (target <= 0.05)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

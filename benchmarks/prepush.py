"""Benchmark: the pre-push hook, run as pre-commit runs it, against a cold full scan.

Usage::

    .venv/bin/python benchmarks/prepush.py [--files 2760] [--keep DIR]

Builds a repository of about ``--files`` real files (packages copied from this
interpreter's site-packages, as ``scan_speed.py`` does; they carry real bandit
findings), pushes it to a local bare remote, then:

(a) times a cold full ``gate run`` (no cache) over the clone;
(b) commits one flawed file and times ``pre-commit run --hook-stage pre-push``
    with the remote's commit as ``--from-ref`` (a ``repo: local`` hook whose entry is
    ``gate pre-push --no-cache``): it must exit 1 and name the flaw;
(c) resets, commits one clean file and runs the same hook: it must exit 0 although
    the tree has old findings.

It prints the times and the ratio (b)/(a) (target: at most 0.15), and asserts nothing.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_speed import DEFAULT_PACKAGES, build_corpus

BIN = Path(sys.executable).parent
ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
FLAW = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
CLEAN = "def add(a, b):\n    return a + b\n"
VULN_DB = Path("/work/shared/data/pypa-advisory-db")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True, env=ENV).stdout.strip()


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None
          ) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env or ENV)
    return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2760)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    top = args.keep or Path(tempfile.mkdtemp(prefix="gate-prepush-"))
    seed = top / "seed"
    seed.mkdir(parents=True, exist_ok=True)
    count = build_corpus(seed, DEFAULT_PACKAGES, args.files)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "corpus")
    origin, work = top / "origin.git", top / "work"
    git(top, "clone", "-q", "--bare", str(seed), str(origin))
    git(top, "clone", "-q", str(origin), str(work))
    db = ["--vuln-db", str(VULN_DB)] if VULN_DB.exists() else []
    hook = (f"{BIN / 'gate'} pre-push --no-cache {' '.join(db)}").strip()
    (work / ".git" / "info" / "exclude").write_text(".pre-commit-config.yaml\n")
    (work / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: gate\n        name: gate\n"
        f"        entry: {hook}\n        language: system\n        pass_filenames: false\n"
        "        always_run: true\n        stages: [pre-push]\n")
    print(f"corpus: {count} files ({top})")

    full, done = timed([str(BIN / "gate"), "run", "--no-cache", "--no-post", *db, "."], work)
    print(f"(a) cold full gate run: {full:6.1f} s  exit {done.returncode}")

    remote = git(work, "rev-parse", "origin/main")
    pc_env = {**ENV, "PRE_COMMIT_HOME": str(top / "pc-home")}
    for label, content, expect in (("flawed", FLAW, 1), ("clean", CLEAN, 0)):
        git(work, "reset", "-q", "--hard", remote)
        (work / f"added_{label}.py").write_text(content)
        git(work, "add", f"added_{label}.py")
        git(work, "commit", "-q", "-m", label)
        head = git(work, "rev-parse", "HEAD")
        took, done = timed([str(BIN / "pre-commit"), "run", "--hook-stage", "pre-push",
                            "--from-ref", remote, "--to-ref", head, "gate"], work, pc_env)
        named = "B602" in done.stdout and f"added_{label}.py" in done.stdout
        print(f"(b) pre-push adding one {label} file: {took:6.1f} s = {took / full:.3f}x of (a)  "
              f"exit {done.returncode} (expected {expect})" + ("  names the flaw" if named else ""))
    if args.keep is None:
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()

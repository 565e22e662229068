"""Benchmark: what one run costs on the paths a developer meets, against the tools by hand.

Usage::

    .venv/bin/python benchmarks/local_paths.py TREE [TREE ...] [--checks all] [--keep DIR]

Each ``TREE`` is a git work tree, copied (``git clone``) so nothing in it changes; use two
of different sizes, e.g. Checkov's package source (~2,800 files) and Saleor (4,000+). For
each tree, side by side in one run, it measures:

(0) ``gate --help`` and ``gate --version`` (target: under 0.2 s);
(1) a one-file repository: ``gate run`` (cold, no cache) against ``bandit`` + ``detect-secrets``
    run by hand on the same file (target: at most 2x);
(2) a cold full run (empty cache) against ``bandit -r`` + ``detect-secrets scan`` by hand over
    the same tree (target: at most 0.4x);
(3) a warm re-run after appending a comment to one Python file (target: at most 0.05x of (2)),
    three times, each after another edit (the median is the figure; all three are printed);
(4) ``gate pre-push`` as pre-commit's pre-push stage calls it (``PRE_COMMIT_FROM_REF`` set to the
    remote's commit) with one flawed file committed: exit 1 naming it (target: at most 0.15x of
    (2)), and with one clean file: exit 0;
(5) a new-findings run (``--mode new --base``) for a one-file change (target: at most 0.15x).

It prints the seconds, the ratios and the exit codes, and asserts nothing: timings belong to
the machine (take them on a quiet one); compare the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
VULN_DB = Path(__file__).resolve().parents[2] / "shared" / "data" / "pypa-advisory-db"
"""The offline OSV database beside the repository (``../shared``), when it is there."""
ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
FLAW = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
CLEAN = "def add(a, b):\n    return a + b\n"


@dataclass(frozen=True)
class Timed:
    seconds: float
    code: int
    out: str


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timed:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env or ENV,
                          check=False)
    return Timed(time.perf_counter() - started, done.returncode, done.stdout + done.stderr)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True, env=ENV).stdout.strip()


def gate(sub: str, root: Path, cache: Path | None, checks: str, *extra: str,
         env: dict[str, str] | None = None) -> Timed:
    """``checks``: a ``--checks`` list, or ``all`` for the policy's (every check)."""
    db = ["--vuln-db", str(VULN_DB)] if VULN_DB.exists() else []
    caching = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    chosen = [] if checks == "all" else ["--checks", checks]
    cmd = [str(BIN / "gate"), sub, str(root), *chosen, *caching, *db, *extra]
    if sub == "run":
        cmd += ["--no-post", "--timeout", "3600"]
    return timed(cmd, root, env)


def by_hand(root: Path, scratch: Path) -> Timed:
    """bandit over the tree, then detect-secrets over it, as a user would run them."""
    started = time.perf_counter()
    bandit = subprocess.run([str(BIN / "bandit"), "-r", ".", "-f", "json", "-o",
                             str(scratch / "bandit.json"), "-q"], cwd=root, capture_output=True,
                            check=False)
    secrets = subprocess.run([str(BIN / "detect-secrets"), "scan", "--all-files"], cwd=root,
                             capture_output=True, check=False)
    return Timed(time.perf_counter() - started, max(bandit.returncode, secrets.returncode), "")


def one_python_file(root: Path) -> Path:
    for path in sorted(root.rglob("*.py")):
        if ".git" not in path.parts and path.stat().st_size > 200:
            return path
    raise SystemExit(f"{root}: no Python file to edit")


def ratio(part: float, whole: float) -> str:
    return f"{part / whole:.3f}x" if whole else "n/a"


def measure(tree: Path, top: Path, checks: str) -> None:
    name = tree.name
    work = top / name
    remote = top / f"{name}.git"
    scratch = top / f"{name}-scratch"
    scratch.mkdir()
    subprocess.run(["git", "clone", "-q", "--bare", str(tree), str(remote)], check=True, env=ENV)
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True, env=ENV)
    files = len(git(work, "ls-files").splitlines())
    print(f"\n== {name}: {files} files, checks {checks}")
    for flag in ("--help", "--version"):
        best = min(timed([str(BIN / "gate"), flag], work).seconds for _ in range(5))
        print(f"(0) gate {flag:9}     {best:6.2f} s  (best of 5; <= 0.2 s)")

    single = top / f"{name}-one"
    single.mkdir()
    git(single, "init", "-q")
    shutil.copy(one_python_file(work), single / "app.py")
    one = gate("run", single, None, checks)
    one_hand = by_hand(single, scratch)
    print(f"(1) one-file repo     gate {one.seconds:6.2f} s  by hand {one_hand.seconds:6.2f} s  "
          f"{ratio(one.seconds, one_hand.seconds)}  (<= 2x)  exit {one.code}")

    cache = scratch / "cache"
    cold = gate("run", work, cache, checks)
    hand = by_hand(work, scratch)
    print(f"(2) cold full run     gate {cold.seconds:6.2f} s  by hand {hand.seconds:6.2f} s  "
          f"{ratio(cold.seconds, hand.seconds)}  (<= 0.4x)  exit {cold.code}")

    edited = one_python_file(work)
    original = edited.read_bytes()
    warms = []
    for n in range(3):
        edited.write_bytes(original + f"\n# benchmark edit {n}\n".encode())
        warms.append(gate("run", work, cache, checks))
    edited.write_bytes(original)
    git(work, "update-index", "--refresh")
    warm = sorted(warms, key=lambda t: t.seconds)[1]
    each = " / ".join(f"{w.seconds:.2f}" for w in warms)
    print(f"(3) warm, one edit    gate {warm.seconds:6.2f} s  "
          f"{ratio(warm.seconds, cold.seconds)} of cold  (<= 0.05x)  exit {warm.code}  "
          f"(median of {each} s)")

    remote_head = git(work, "rev-parse", "HEAD")
    hook_env = {**ENV, "PRE_COMMIT_FROM_REF": remote_head, "PRE_COMMIT_REMOTE_BRANCH":
                "refs/heads/main"}
    for label, body in (("flawed", FLAW), ("clean", CLEAN)):
        (work / f"bench_{label}.py").write_text(body, encoding="utf-8")
        git(work, "add", f"bench_{label}.py")
        git(work, "commit", "-q", "-m", label)
        hook_env["PRE_COMMIT_TO_REF"] = git(work, "rev-parse", "HEAD")
        push = gate("pre-push", work, None, checks, env=hook_env)
        named = "names it" if f"bench_{label}.py" in push.out else "does not name it"
        print(f"(4) pre-push {label:7}  gate {push.seconds:6.2f} s  "
              f"{ratio(push.seconds, cold.seconds)} of cold  (<= 0.15x)  exit {push.code}"
              + (f", {named}" if label == "flawed" else ""))
        git(work, "reset", "-q", "--hard", remote_head)

    (work / "bench_change.py").write_text(FLAW, encoding="utf-8")
    git(work, "add", "bench_change.py")
    git(work, "commit", "-q", "-m", "change")
    new = gate("run", work, None, checks, "--mode", "new", "--base", remote_head)
    print(f"(5) new-findings PR   gate {new.seconds:6.2f} s  "
          f"{ratio(new.seconds, cold.seconds)} of cold  (<= 0.15x)  exit {new.code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", type=Path, nargs="+")
    parser.add_argument("--checks", default="all",
                        help="a --checks list for every gate command (default: all checks)")
    parser.add_argument("--keep", type=Path, help="work here and keep the copies")
    args = parser.parse_args()
    top = args.keep or Path(tempfile.mkdtemp(prefix="gate-local-paths-"))
    top.mkdir(parents=True, exist_ok=True)
    try:
        for tree in args.trees:
            measure(tree.resolve(), top, args.checks)
    finally:
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: ``mode: new`` on a pull request that changes one file, against a full scan.

Usage::

    .venv/bin/python benchmarks/mode_new.py [--files N] [--checks sast,secrets] [--jobs N]
                                            [--all-with-base]

Builds a git repository of ``--files`` Python files copied from the
installed packages (real code, real bandit findings), commits it on ``main``,
then on a ``feature`` branch edits one file (adds a flaw). It times:

* a full scan (``mode: all``, no base): what a push to ``main`` costs;
* ``mode: new`` against ``main``: head and base scanned only where the change
  touched them, plus the git work (merge-base, diff, base worktree).

and prints both and their ratio (target: under 0.3x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sysconfig
import tempfile
import time
from pathlib import Path

from gate.pipeline import RunOptions, run
from gate.policy import Mode
from gate.result import RunResult

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
SKIP = ("gate", "_pytest", "pytest", "mypy", "mypyc")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def build_repo(root: Path, count: int) -> str:
    """Copy ``count`` .py files from site-packages into a new repo; return the file to edit."""
    source = Path(sysconfig.get_paths()["purelib"])
    copied: list[str] = []
    for path in sorted(source.rglob("*.py")):
        rel = path.relative_to(source)
        if rel.parts[0].startswith(SKIP) or "__pycache__" in rel.parts:
            continue
        if path.stat().st_size > 200_000:
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(rel.as_posix())
        if len(copied) >= count:
            break
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    # the edited file must be in the `code` context (a vendored or test file's flaw is
    # reported but does not fail the default policy)
    from gate.triage.context import context_of

    code = [rel for rel in copied if context_of(rel, "sast") == "code"]
    return code[len(code) // 2]


def timed(label: str, options: RunOptions) -> tuple[float, RunResult]:
    started = time.perf_counter()
    result = run(options)
    elapsed = time.perf_counter() - started
    scanned = {c.name: c.files_scanned for c in result.checks}
    errors = [f"{c.name}: {c.errors[0]}" for c in result.checks if c.errors]
    new = sum(1 for f in result.findings if f.new)
    print(f"{label:<10} {elapsed:7.2f} s  verdict={result.verdict:<5} findings={len(result.findings)}"
          f" new={new} files_scanned={scanned}" + (f" errors={errors}" if errors else ""))
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description="mode: new against a full scan")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--checks", default="sast,secrets")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--all-with-base", action="store_true",
                        help="also time mode all against main (full head scan, reused base)")
    args = parser.parse_args()
    checks = tuple(c for c in args.checks.split(",") if c)
    extra = {"jobs": args.jobs} if args.jobs else {}
    with tempfile.TemporaryDirectory(prefix="gate-bench-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        started = time.perf_counter()
        edited = build_repo(root, args.files)
        print(f"repo: {args.files} files in {time.perf_counter() - started:.1f} s; "
              f"the change edits {edited}")
        git(root, "checkout", "-q", "-b", "feature")
        with (root / edited).open("a", encoding="utf-8") as handle:
            handle.write("\n\ndef _bench_new_flaw(cmd):\n    import os\n    os.system(cmd)\n")
        git(root, "commit", "-q", "-am", "one-file change")
        # mode new first: both runs then start cold, whatever result cache is configured.
        new, result = timed("mode new", RunOptions(path=root, checks=checks, env={},
                                                   mode=Mode.NEW, base="main", **extra))
        full, _ = timed("full scan", RunOptions(path=root, checks=checks, env={},
                                               mode=Mode.ALL, **extra))
        assert [f.path for f in result.failing_findings()] == [edited], "unexpected verdict"
        print(f"ratio mode new / full scan: {new / full:.3f}x (target <= 0.15x)")
        if args.all_with_base:
            both, _ = timed("all+base", RunOptions(path=root, checks=checks, env={},
                                                   mode=Mode.ALL, base="main", **extra))
            print(f"ratio mode all with base / full scan: {both / full:.3f}x")


if __name__ == "__main__":
    main()

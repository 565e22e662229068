"""Benchmark: the CPU the ``gate`` process itself (the parent) spends on a warm run (issue 24).

Usage::

    .venv/bin/python benchmarks/parent_cpu.py TREE [--src DIR ...] [--runs 7]
                                              [--edit REL]

``TREE`` is a git work tree; it is cloned once per source (never modified). ``--src DIR``
is another checkout of the gate's source (``git archive <commit> | tar -x -C DIR``),
measured with ``DIR`` first on ``PYTHONPATH``; this checkout is always measured too (also
through ``PYTHONPATH``, so both start the same way). Each source gets its own clone and
cache: one cold run, two warm-up runs, then ``--runs`` warm runs, the sources alternating
run for run, each after appending a comment line to ``--edit`` (default: the first ``.py``
file over 200 bytes) in its clone.

A ``sitecustomize`` hook wraps ``os._exit`` (the ``gate`` command leaves through it) and
writes the process's own ``getrusage(RUSAGE_SELF)`` user + system seconds: the parent's CPU
alone, without the standby and check workers (each has its own), and the number of modules
it holds then. It prints, per source, the median and minimum of the warm runs and the
module count, and the warm run's text report of each source compared (first line, which
holds the duration, aside). CPU seconds, not wall-clock: the machine is shared; compare
medians of runs that alternate. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

VULN_DB = Path("/work/shared/data/pypa-advisory-db")
REPO = Path(__file__).resolve().parents[1]

HOOK = '''
import os, sys
_OUT = os.environ.get("GATE_PARENT_CPU")
if _OUT:
    import resource
    _PID = os.getpid()
    _exit = os._exit
    def _leave(code, _exit=_exit):
        if os.getpid() == _PID:  # a forked worker inherits the hook: not counted
            r = resource.getrusage(resource.RUSAGE_SELF)
            with open(_OUT, "a") as out:
                out.write(f"{r.ru_utime + r.ru_stime} {len(sys.modules)}\\n")
        _exit(code)
    os._exit = _leave
'''

LAUNCH = "import sys\nfrom gate.cli.main import console\nsys.argv[0] = 'gate'\nconsole()\n"


def _edit_target(tree: Path) -> str:
    listed = subprocess.run(["git", "-C", str(tree), "ls-files", "*.py"], capture_output=True,
                            text=True, check=True).stdout.split()
    return next(rel for rel in sorted(listed) if (tree / rel).stat().st_size > 200)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--src", type=Path, action="append", default=[])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--edit", default=None)
    args = parser.parse_args()
    sources = [*(p.resolve() for p in args.src), REPO]
    edit = args.edit or _edit_target(args.tree)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="gate-parent-cpu-") as scratch:
        top = Path(scratch)
        (top / "hook").mkdir()
        (top / "hook" / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
        (top / "launch.py").write_text(LAUNCH, encoding="utf-8")
        clones = []
        for n, _ in enumerate(sources):
            clone = top / f"tree{n}"
            subprocess.run(["git", "clone", "-q", str(args.tree), str(clone)], check=True)
            clones.append(clone)

        def run(n: int, log: Path, report: Path) -> None:
            with (clones[n] / edit).open("a", encoding="utf-8") as handle:
                handle.write("# edited by benchmarks/parent_cpu.py\n")
            with report.open("w", encoding="utf-8") as out:
                subprocess.run(
                    [sys.executable, str(top / "launch.py"), "run", ".", "--cache-dir",
                     str(top / f"cache{n}"), "--vuln-db", str(VULN_DB), "--no-post"],
                    cwd=clones[n], stdout=out, stderr=subprocess.STDOUT, check=False,
                    env={**env, "PYTHONPATH": f"{top / 'hook'}{os.pathsep}{sources[n]}",
                         "GATE_PARENT_CPU": str(log)})

        for n in range(len(sources)):  # cold, then two warm-ups (facts, git's index settle)
            for _ in range(3):
                run(n, top / "discard", top / "discard.txt")
        for _ in range(args.runs):
            for n in range(len(sources)):
                run(n, top / f"cpu{n}", top / f"report{n}.txt")
        reports = []
        for n, source in enumerate(sources):
            rows = [line.split() for line in (top / f"cpu{n}").read_text().splitlines()]
            cpu = [float(r[0]) * 1000 for r in rows]
            print(f"{source}: parent CPU ms median {statistics.median(cpu):.0f}, "
                  f"min {min(cpu):.0f} ({' '.join(f'{c:.0f}' for c in cpu)}); "
                  f"{rows[-1][1]} modules")
            reports.append((top / f"report{n}.txt").read_text().splitlines()[1:])
        print("warm reports identical (duration aside):", all(r == reports[0] for r in reports))


if __name__ == "__main__":
    main()

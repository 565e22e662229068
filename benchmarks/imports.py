"""Benchmark: what each entry point of the gate costs to import (issue 24, start-up).

Usage::

    .venv/bin/python benchmarks/imports.py [--runs 5] [--src DIR ...]

For each entry point (``gate --help``, ``gate --version``, ``import gate.cli.run``, each
built-in check's class as the registry names it, each check's run on a one-file tree) it
starts a fresh interpreter ``--runs`` times and prints the medians of

- ``import``: the seconds ``python -X importtime`` attributes to imports (the sum of every
  module's own time, the interpreter's own start-up modules included);
- ``cpu``: the child's user+system CPU seconds (``getrusage(RUSAGE_CHILDREN)``) for the
  whole ``python -c`` (start-up, imports, the run itself for the ``run:`` rows, building
  the pydantic models for the ``policy:`` rows).

CPU seconds, not wall-clock: the machine is shared. ``--src`` puts another checkout of the
gate first on ``PYTHONPATH`` (e.g. ``git archive <commit> | tar -x -C /tmp/before``) and
prints its column next to this one's, so a change is measured side by side in one run.
The run rows scan a one-file tree each (the dependencies row with the offline OSV fixture
database, never the network). It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OSV = REPO / "tests" / "fixtures" / "osv"

_RUN = """
import sys
from pathlib import Path
from gate.checks.interface import ScanTarget
from gate.checks.registry import load_check
root = Path(sys.argv[1])
files = tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob('*') if p.is_file()))
vuln_db = Path(sys.argv[2]) if len(sys.argv) > 2 else None
result = load_check({name!r}).run(ScanTarget(root=root, files=files, vuln_db=vuln_db))
assert not result.errors, result.errors
"""

_POLICY = """
from gate.policy import default_policy, load_policy_text
policy = {load}.policy
options = [policy.check(n).options() for n in ('sast', 'dependencies', 'secrets', 'iac', 'pipeline')]
"""
"""What the pipeline asks of a policy before the checks start (the cpu column counts the
models' validators and serializers, built on first use)."""

TREES: dict[str, dict[str, str]] = {
    "sast": {"app.py": "import subprocess\n\n\ndef run(cmd):\n"
                       "    return subprocess.call(cmd, shell=True)\n"},
    "secrets": {"settings.py": "PASSWORD = 'hunter2hunter2'\n"},
    "iac (Dockerfile)": {"Dockerfile": "FROM python:3.12\nUSER root\n"},
    "iac (terraform)": {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'},
    "pipeline": {".github/workflows/ci.yml":
                 "on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                 "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n"},
    "dependencies (offline DB)": {"requirements.txt": "requests==2.19.1\n"},
}


def _entries(trees: Path) -> list[tuple[str, str, list[str]]]:
    from gate.checks.registry import BUILTIN_CHECKS

    rows = [
        ("python -c pass", "pass", []),
        ("gate --help", "from gate.cli.main import main\ntry:\n    main(['--help'])\n"
                        "except SystemExit:\n    pass\n", []),
        ("gate --version", "from gate.cli.main import main\ntry:\n    main(['--version'])\n"
                           "except SystemExit:\n    pass\n", []),
        ("import gate.checks.interface", "import gate.checks.interface", []),
        ("import gate.cli.run", "import gate.cli.run", []),
        ("policy: default (no .gate.yml)", _POLICY.format(load="default_policy()"), []),
        ("policy: .gate.yml validated",
         _POLICY.format(load="load_policy_text('version: 1\\nfail_on: medium\\n', 'x')"), []),
    ]
    for target in BUILTIN_CHECKS.values():
        module, _, attr = target.partition(":")
        rows.append((f"class {target}", f"from {module} import {attr}\n{attr}().tool_version()",
                     []))
    for label in TREES:
        name = label.split(" ")[0]
        extra = [str(OSV)] if name == "dependencies" else []
        rows.append((f"run: {label}", _RUN.format(name=name), [str(trees / label), *extra]))
    return rows


def _import_seconds(stderr: str) -> float:
    total = 0
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            own = line.split(":", 1)[1].split("|")[0].strip()
            if own.isdigit():
                total += int(own)
    return total / 1e6


def _once(code: str, args: list[str], src: Path | None, cwd: Path) -> tuple[float, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], env=env,
                          cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"failed: {code!r}\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return _import_seconds(done.stderr), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path, action="append", default=[],
                        help="another checkout of the gate to measure side by side")
    args = parser.parse_args()
    sources: list[tuple[str, Path | None]] = [
        *((str(s), s.resolve()) for s in args.src), ("this checkout", None)]
    with tempfile.TemporaryDirectory(prefix="gate-imports-") as tmp:
        trees = Path(tmp)
        for label, files in TREES.items():
            for rel, text in files.items():
                path = trees / label / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        rows = _entries(trees)
        width = max(len(r[0]) for r in rows)
        head = "".join(f" | {name[-28:]:>28}" for name, _src in sources)
        print(f"{'entry point':<{width}}{head}")
        print(f"{'':<{width}}" + " | {:>12} {:>15}".format("import s", "cpu s") * len(sources))
        for label, code, extra in rows:
            cells = []
            for _name, src in sources:
                # run from the temporary directory: ``python -c`` puts the working directory
                # first on sys.path, and a checkout's own ``gate/`` there would win
                samples = [_once(code, extra, src, trees) for _ in range(args.runs)]
                imp = statistics.median(s[0] for s in samples)
                cpu = statistics.median(s[1] for s in samples)
                cells.append(f" | {imp:12.3f} {cpu:15.3f}")
            print(f"{label:<{width}}{''.join(cells)}", flush=True)


if __name__ == "__main__":
    main()

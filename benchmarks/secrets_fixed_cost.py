"""Benchmark: the secrets worker's fixed CPU cost, for a scan of one file (issue 24, warm re-run).

Usage::

    .venv/bin/python benchmarks/secrets_fixed_cost.py [--runs 9] [--src DIR ...] [--fresh]

A warm re-run after a one-line edit, or a pre-commit hook, scans one file or
two: what the secrets check costs then is nearly all set-up (importing
detect-secrets and the gate's detectors, compiling their expressions, building
the cache key). For each tree below it starts a fresh interpreter ``--runs``
times, imports what a check worker already holds when the runner forks it (the
check's module, ``gate.findings``, ``gate.checks.interface``, ``yaml``...;
``--fresh``: nothing), then measures the CPU seconds (``time.process_time``)
of what the worker does: the result cache's key (``check._rules``) and
``scan_files`` over the tree. It prints the minimum and the median in
milliseconds, the findings (so two checkouts can be compared: they must
agree), whether ``requests`` was imported, and how many of the detectors'
lazily compiled expressions were compiled.

CPU seconds, not wall-clock: the machine is shared. ``--src`` puts another
checkout of the gate first on ``PYTHONPATH`` (``git archive <commit> | tar -x
-C /tmp/before``) and prints its rows next to this one's. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

INHERITED = ("logging", "json", "yaml", "urllib.parse", "gate.findings", "gate.checks.interface",
             "gate.versions", "gate.checks.secrets.check")
"""Modules the runner's parent has imported when it forks a check worker (today)."""

_CODE = """
import importlib, json, sys, time
from pathlib import Path
for name in {preload!r}:
    importlib.import_module(name)
started = time.process_time()
from gate.checks.secrets import check
check._rules()
scan = check.scan_files(Path(sys.argv[1]), tuple(sys.argv[2:]))
cpu = time.process_time() - started
try:
    from gate.checks.secrets.detectors import lazyre
    compiled = sum(1 for p in lazyre._created if "search" in vars(p))
    created = len(lazyre._created)
except ImportError:
    compiled = created = -1
print(json.dumps({{"cpu": cpu, "findings": sorted(f.rule_id for f in scan.findings),
                  "requests": "urllib3" in sys.modules, "compiled": compiled,
                  "created": created}}))
"""

_PY = "\n".join([
    '"""Settings for the service."""', "", "import os", "from pathlib import Path", "",
    *(f"def handler_{i}(event, context):\n    value = event.get('key_{i}')\n"
      f"    return {{'status': 200, 'body': str(value)}}\n" for i in range(40)),
    "DEBUG = os.environ.get('DEBUG') == '1'", ""])

TREES: dict[str, dict[str, str]] = {
    "one .py file, no secret": {"app/handlers.py": _PY},
    "one .npmrc with a password": {".npmrc": "registry=https://npm.acme-corp.io/\n"
                                   "//npm.acme-corp.io/:_password=" + "VHE4dkwy"
                                   + "bVJ6OXhLdzQ=\n"},
}


def _once(tree: Path, files: list[str], src: Path | None, fresh: bool) -> dict[str, object]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-code caches, as an installed gate has them
    if src is not None:
        env["PYTHONPATH"] = str(src)
    code = _CODE.format(preload=() if fresh else INHERITED)
    out = subprocess.run([sys.executable, "-c", code, str(tree), *files], env=env, cwd=tree,
                         capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--src", type=Path, action="append", default=[],
                        help="another checkout of the gate, measured side by side")
    parser.add_argument("--fresh", action="store_true",
                        help="import nothing first (a worker that inherits nothing)")
    args = parser.parse_args()
    sources: list[tuple[str, Path | None]] = [
        *((str(s), s.resolve()) for s in args.src), ("this checkout", None)]
    with tempfile.TemporaryDirectory(prefix="gate-secrets-fixed-") as tmp:
        for name, files in TREES.items():
            tree = Path(tmp) / name.replace(" ", "_")
            for rel, text in files.items():
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                (tree / rel).write_text(text)
            print(f"{name}:")
            for label, src in sources:
                _once(tree, sorted(files), src, args.fresh)  # byte-code caches written
                runs = [_once(tree, sorted(files), src, args.fresh) for _ in range(args.runs)]
                cpu = [float(str(r["cpu"])) * 1000 for r in runs]
                last = runs[-1]
                print(f"  {label[-40:]:>40}: min {min(cpu):6.1f} ms  median "
                      f"{statistics.median(cpu):6.1f} ms  requests imported: {last['requests']}  "
                      f"expressions compiled: {last['compiled']}/{last['created']}  "
                      f"findings: {last['findings']}")


if __name__ == "__main__":
    main()

"""Benchmark: the IaC check's warm re-run after one edit, against its cold run (issue 24).

Usage::

    .venv/bin/python benchmarks/iac_warm.py TREE [--base DIR] [--edit REL ...]

``TREE`` is a work tree (use a copy: each edited file is restored afterwards). ``--base DIR``
is another checkout of the gate's source (``git archive <commit> | tar -x -C DIR``), measured
first with ``DIR`` first on ``PYTHONPATH``, then the installed gate. For each, in a fresh
process per run (the check's lazy imports count, as in its worker), with its own empty cache:

(a) a cold run (no cache); (b) a first run with the cache, which fills it; then for each
``--edit`` file (default: the first ``.py`` over 200 bytes): append a comment line, run warm,
run cold on the same tree state, restore the file.

It prints the CPU seconds (user + system, ``getrusage``) of ``IacCheck.run`` alone, the files
whose bytes the loader read, and whether the warm result equals the cold one (findings,
not-scanned entries, warnings, errors and files scanned, durations aside). With a cache, the
check gets the snapshot of the tree the gate gives every job (``ScanTarget.tree``, taken
before the timing starts, as the gate takes it before the check's worker starts). It asserts
nothing: timings belong to the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INNER = r'''
import json, resource, sys, hashlib
from pathlib import Path
from gate.checks.iac.check import IacCheck
from gate.checks.interface import ScanTarget
from gate.inventory import build_inventory
import gate.checks.iac.loader as loader

root, cache = Path(sys.argv[1]), (Path(sys.argv[2]) if sys.argv[2] else None)
inv = build_inventory(root)
read = []
original = loader.load_units
def counting(*args, **kwargs):
    loaded = original(*args, **kwargs)
    read.append(getattr(loaded, "files_read", -1))
    return loaded
loader.load_units = counting
memo = {"judged": -1, "hits": -1}
try:
    import gate.checks.iac.judged as judged
    original_load = judged.load_judged
    def counting_judged(*args, **kwargs):
        loaded = original_load(*args, **kwargs)
        read.append(len(loaded.read))
        memo.update(judged=args[3].judged, hits=args[3].hits)
        return loaded
    judged.load_judged = counting_judged
    original_memo = judged.Memo.close
    def closing(self):
        memo.update(judged=self.judged, hits=self.hits)
        return original_memo(self)
    judged.Memo.close = closing
    if hasattr(judged, "load_tree"):
        read.append(0)  # the loader may not run at all (nothing it could read changed)
except ImportError:
    pass
tree = None
if cache is not None:  # the snapshot the gate gives every job when it has a cache
    try:
        from gate.checks.engine.digests import survey
        tree = survey(inv.root, inv.files, cache, getattr(inv, "stats", None))
    except ImportError:
        pass
extra = {"tree": tree} if tree is not None else {}
target = ScanTarget(root=inv.root, files=inv.files, cache_dir=cache, set_aside=inv.set_aside,
                    **extra)
before = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
result = IacCheck().run(target)
after = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
cpu = sum(a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime for a, b in zip(after, before))
shape = json.dumps([sorted(repr(f) for f in result.findings),
                    sorted(repr(n) for n in result.not_scanned), sorted(result.warnings),
                    sorted(result.errors), result.files_scanned])
print(json.dumps({"cpu": cpu, "read": read[-1] if read else -1, **memo,
                  "findings": len(result.findings), "not_scanned": len(result.not_scanned),
                  "digest": hashlib.sha256(shape.encode()).hexdigest()[:16]}))
'''


def _run(code: str | None, tree: Path, cache: Path | None) -> dict[str, object]:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    out = subprocess.run([sys.executable, "-c", INNER, str(tree), str(cache or "")],
                         capture_output=True, text=True, env=env, check=True, cwd="/")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _default_edit(tree: Path) -> str:
    for path in sorted(tree.rglob("*.py")):
        if ".git" not in path.parts and path.stat().st_size > 200:
            return str(path.relative_to(tree))
    raise SystemExit("no .py file over 200 bytes: pass --edit")


def _line(label: str, figures: dict[str, object], cold: dict[str, object] | None = None) -> str:
    text = (f"  {label:<36} cpu {figures['cpu']:.3f} s  read {figures['read']:>5}  "
            f"parts judged {figures['judged']:>4} (remembered {figures['hits']:>4})  "
            f"findings {figures['findings']}  not scanned {figures['not_scanned']}  "
            f"result {figures['digest']}")
    if cold is not None:
        same = figures["digest"] == cold["digest"]
        text += f"  {'== cold' if same else '!= COLD'}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--base", type=Path)
    parser.add_argument("--edit", action="append", default=[])
    args = parser.parse_args()
    tree = args.tree.resolve()
    edits = args.edit or [_default_edit(tree)]
    for code in ([str(args.base.resolve())] if args.base else []) + [""]:
        print(f"gate from {code or 'the installed checkout'} on {tree}")
        with tempfile.TemporaryDirectory(prefix="gate-iac-warm-") as cache_dir:
            cache = Path(cache_dir)
            print(_line("cold (no cache)", _run(code, tree, None)))
            print(_line("first run with a cache", _run(code, tree, cache)))
            time.sleep(2.1)  # the edits below are the only files inside the racy window
            for rel in edits:
                path = tree / rel
                original = path.read_bytes()
                try:
                    path.write_bytes(original + b"\n# gate benchmark edit\n")
                    warm = _run(code, tree, cache)
                    cold = _run(code, tree, None)
                    print(_line(f"warm, edited {rel[-22:]}", warm, cold))
                    time.sleep(2.1)
                    again = _run(code, tree, cache)
                    print(_line("  same state, settled", again, cold))
                finally:
                    path.write_bytes(original)
                time.sleep(2.1)


if __name__ == "__main__":
    main()

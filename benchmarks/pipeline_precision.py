"""The pipeline check on a real-world corpus: CI files of bare git mirrors, failing findings listed.

For each ``<owner>+<name>/repo`` bare mirror under MIRRORS (as the `fetch` tool leaves them),
the CI definitions at HEAD (``.github/workflows/*``, ``action.yml`` files, GitLab CI files)
are copied under OUT/<owner>+<name>/, then the pipeline check runs on each tree. Prints the
corpus size, findings by rule and severity, and every finding at or above --fail-on (the
ones docs/precision.md labels), one per line, so a relabelling can be diffed.

    python benchmarks/pipeline_precision.py /work/.mirror /work/corpora/pipeline
"""

from __future__ import annotations

import argparse
import re
import subprocess
from collections import Counter
from pathlib import Path

from gate.checks.interface import ScanTarget
from gate.checks.pipeline import PipelineCheck
from gate.checks.pipeline.documents import candidate
from gate.findings import Severity


def extract(mirror: Path, out: Path) -> int:
    """Copy the CI files of ``mirror``'s HEAD under ``out``; returns how many."""
    names = subprocess.run(["git", "--git-dir", str(mirror), "ls-tree", "-r", "--name-only",
                            "HEAD"], capture_output=True, text=True, check=False).stdout
    count = 0
    for name in names.splitlines():
        if candidate(name) is None or not re.match(r"^[\w./+-]+$", name) or ".." in name:
            continue
        blob = subprocess.run(["git", "--git-dir", str(mirror), "show", f"HEAD:{name}"],
                              capture_output=True, check=False).stdout
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mirrors", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--fail-on", default="high")
    args = parser.parse_args()
    threshold = Severity.parse(args.fail_on)
    by_rule: Counter[tuple[str, str]] = Counter()
    failing: list[str] = []
    files = workflows = repos = 0
    for mirror in sorted(args.mirrors.glob("*/repo")):
        name = mirror.parent.name
        tree = args.out / name
        if not tree.exists() and extract(mirror, tree) == 0:
            continue
        paths = tuple(sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*")
                             if p.is_file()))
        found = sum(1 for p in paths if "/workflows/" in p)
        repos += found > 0
        workflows += found
        result = PipelineCheck().run(ScanTarget(tree, paths))
        files += result.files_scanned
        for f in result.findings:
            by_rule[(f.rule_id, f.severity.label)] += 1
            if f.severity >= threshold:
                mark = " (suppressed inline)" if f.suppression is not None else ""
                failing.append(f"{name} {f.rule_id} {f.severity.label} "
                               f"{f.path}:{f.location.start_line}{mark}")
    print(f"{workflows} workflow files from {repos} repositories ({files} CI files parsed)")
    for (rule, severity), count in sorted(by_rule.items()):
        print(f"  {rule:<16} {severity:<8} {count}")
    print(f"at or above {args.fail_on}: {len(failing)} "
          f"({sum('suppressed' in line for line in failing)} suppressed inline)")
    for line in failing:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

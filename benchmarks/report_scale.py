"""Report files at the scale of a large repository: size and render time per format and scope.

A run like Saleor's: 50,000 low ``assert`` findings in 500 test files, a few
high findings in tests (in scope ``code``) and two failing ones in code. Each
platform format is rendered at its default scope and at ``all``; the size
limit (:mod:`gate.report.budget`) must keep every file under 10 MB, grouping
before it cuts.

Run: ``python benchmarks/report_scale.py [FINDINGS]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gate.findings import Finding, Location, Severity
from gate.policy.model import Policy
from gate.report.registry import SIZE_LIMITED, render_report
from gate.report.scope import stamp
from gate.result import CheckOutcome, RunResult, Verdict


def _run(count: int) -> RunResult:
    low = [Finding("sast", "B101", Severity.LOW, "Use of assert detected.",
                   Location(f"tests/test_{i % 500}.py", i, i), f"fp{i}", context="test")
           for i in range(count)]
    high = [Finding("sast", "B602", Severity.HIGH, "shell=True", Location(f"{where}/x{i}.py", 3, 3),
                    f"hi{where}{i}", context=where if where == "test" else "code")
            for where in ("test", "app") for i in range(2 if where == "app" else 20)]
    findings = tuple(high + low)
    failing = frozenset(i for i, f in enumerate(findings) if f.context == "code")
    outcome = CheckOutcome("sast", Verdict.FAIL, "bandit", "1.9", 1.0, Severity.HIGH)
    return stamp(RunResult(Verdict.FAIL, (outcome,), findings, failing=failing), Policy())


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    run = _run(count)
    print(f"{len(run.findings):,} findings, {len(run.failing)} failing")
    print(f"{'format':22} {'scope':6} {'MB':>8} {'seconds':>8}")
    for fmt in sorted(SIZE_LIMITED):
        for scope in (None, "all"):
            started = time.perf_counter()
            text = render_report(run, fmt, scope)
            took = time.perf_counter() - started
            print(f"{fmt:22} {scope or 'dflt':6} {len(text.encode()) / 1e6:8.3f} {took:8.2f}")


if __name__ == "__main__":
    main()

"""The gate's flow, stage by stage, in one function; the CLI only parses and calls it.

    context -> policy -> inventory -> checks -> triage -> verdict -> reports

Data flows one way. Each stage lives in its own module; nothing here knows
how a tool works or how a format looks.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import gate
from gate.checks.interface import CheckResult, ScanTarget
from gate.checks.registry import available_checks
from gate.context import Context, detect_context
from gate.errors import UsageError
from gate.findings import Finding
from gate.inventory import Inventory, build_inventory, select
from gate.policy import LoadedPolicy, Policy, default_policy, load_policy
from gate.report.registry import write_report
from gate.result import RunResult
from gate.runner import CheckJob, run_checks
from gate.triage.inline import apply_inline_policy
from gate.verdict import evaluate

__all__ = ["RunOptions", "find_policy", "run"]

POLICY_FILE = ".gate.yml"


@dataclass(frozen=True)
class RunOptions:
    """Everything ``gate run`` was asked to do."""

    path: Path = Path()
    policy_path: Path | None = None
    checks: tuple[str, ...] | None = None
    reports: tuple[tuple[str, Path], ...] = ()
    vuln_db: Path | None = None
    post: bool = True
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    on_check_started: Callable[[str], None] | None = None
    on_check_done: Callable[[CheckResult], None] | None = None


def find_policy(root: Path, explicit: Path | None) -> LoadedPolicy:
    """``--policy FILE``, else ``ROOT/.gate.yml``, else the built-in default."""
    plugins = tuple(available_checks())
    if explicit is not None:
        return load_policy(explicit, plugins)
    candidate = root / POLICY_FILE
    if candidate.is_file():
        return load_policy(candidate, plugins)
    return default_policy()


def _selected_checks(policy: Policy, requested: tuple[str, ...] | None) -> dict[str, str]:
    available = available_checks()
    if requested is not None:
        unknown = [name for name in requested if name not in available]
        if unknown:
            raise UsageError(f"unknown check(s): {', '.join(unknown)} "
                             f"(available: {', '.join(available)})")
        return {name: available[name] for name in requested}
    return {name: target for name, target in available.items() if policy.check(name).enabled}


def _jobs(options: RunOptions, policy: Policy, inventory: Inventory,
          selected: dict[str, str]) -> list[CheckJob]:
    vuln_db = options.vuln_db or (Path(options.env["GATE_VULN_DB"])
                                  if options.env.get("GATE_VULN_DB") else None)
    if vuln_db is not None and not vuln_db.exists():
        raise UsageError(f"--vuln-db: no such file or directory: {vuln_db}")
    jobs = []
    for name, target in selected.items():
        block = policy.check(name)
        timeout = options.timeout or policy.timeout_for(name)
        scan = ScanTarget(
            root=inventory.root,
            files=select(inventory.files, block.include, block.exclude),
            options=block.options(),
            jobs=max(1, options.jobs),
            vuln_db=vuln_db.resolve() if vuln_db else None,
            timeout=timeout,
        )
        jobs.append(CheckJob(name=name, target=target, scan=scan, timeout=timeout))
    return jobs


def run(options: RunOptions) -> RunResult:
    """Run the gate once and return its result; reports are written as a side effect."""
    started = time.monotonic()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    root = options.path
    if not root.is_dir():
        raise UsageError(f"path not found or not a directory: {root}")

    context: Context = detect_context(options.env)
    loaded = find_policy(root, options.policy_path)
    policy = loaded.for_branch(context.base_ref)

    inventory = build_inventory(root, include=policy.include, exclude=policy.exclude,
                                max_file_size=int(policy.max_file_size))
    selected = _selected_checks(policy, options.checks)
    jobs = _jobs(options, policy, inventory, selected)
    if options.on_check_started is not None:
        for job in jobs:
            options.on_check_started(job.name)
    results = run_checks(jobs, on_done=options.on_check_done)

    findings: list[Finding] = [f for r in results.values() for f in r.findings]
    findings = apply_inline_policy(findings, policy.inline_suppressions)

    result = evaluate(
        policy, results, findings,
        not_scanned=inventory.not_scanned,
        gate_version=gate.__version__,
        policy_source=loaded.source or "built-in default",
        started_at=started_at,
        duration=time.monotonic() - started,
        context=context.as_dict(),
    )
    for fmt, path in options.reports:
        write_report(result, fmt, path)
    return result

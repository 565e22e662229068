"""The base's findings: what the merge-base would report, computed as cheaply as is correct.

Per check, one of three plans:

* **reuse**: the change touches no file the check can see (the policy's
  globs let it, and the check ``reads`` it), so the base's findings are the
  head's (nothing is scanned);
* **changed files**: a file-local check (see :mod:`gate.triage.scope`) rescans
  on the base only the files the change touched, under their head names, and
  takes every other file's findings from the head scan;
* **full**: any other check is rescanned whole on the base.

Scans run over a temporary tree holding only the base files the scans need,
written straight from git's object store (:mod:`gate.git.objects`): the
files to rescan, plus, for a check rescanned whole, the files it reads by name
(``Check.reads``: IaC templates, dependency manifests). The scans go through
the same runner (worker processes, deadlines) as the head scan. A base scan that fails
leaves that check's findings with ``new = None`` (fail closed), and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gate.checks.interface import CheckResult
from gate.git.objects import materialise
from gate.git.refs import BaseRef
from gate.inventory import build_inventory, select
from gate.policy.model import Policy
from gate.runner import CheckJob, run_checks
from gate.triage.newness import BaseFindings
from gate.triage.scope import concerns, in_scope, is_file_local, reader

__all__ = ["scan_base"]


@dataclass(frozen=True)
class _Plan:
    """How to get one check's base findings."""

    job: CheckJob
    kept: tuple[str, ...]
    """Fingerprints taken from the head scan as they are."""
    rescan: tuple[str, ...] | None
    """Files to rescan on the base (head names); ``None`` for the whole tree; ``()`` for none."""


def _plan(job: CheckJob, head: CheckResult, base: BaseRef, policy: Policy) -> _Plan:
    changes = base.changes
    from gate.checks.secrets.history import from_history  # the secrets check, only with a base

    tree = [f for f in head.findings if not from_history(f)]  # a commit's secret is the change's
    if not concerns(job, (p for p in changes.all_paths if in_scope(p, job.name, policy))):
        return _Plan(job, tuple(f.fingerprint for f in tree), ())
    if not is_file_local(job.target):
        return _Plan(job, (), None)
    touched = changes.head_paths
    kept = tuple(f.fingerprint for f in tree if f.path not in touched)
    rescan = tuple(sorted(p for p in touched
                          if changes.base_path(p) is not None and in_scope(p, job.name, policy)))
    return _Plan(job, kept, rescan)


def _base_job(plan: _Plan, root: Path, files: tuple[str, ...], policy: Policy) -> CheckJob:
    block = policy.check(plan.job.name)
    selected = select(files, block.include, block.exclude)
    if plan.rescan is not None:
        wanted = set(plan.rescan)
        selected = tuple(f for f in selected if f in wanted)
    return replace(plan.job, scan=replace(plan.job.scan, root=root, files=selected, history=None,
                                          set_aside=()))


def _wanted(plans: list[_Plan], policy: Policy) -> Callable[[str], bool]:
    """Which base files (by head name) some plan needs."""
    named: set[str] = set()
    whole: list[tuple[str, Callable[[str, Mapping[str, object]], bool], Mapping[str, object]]] = []
    for plan in plans:
        if plan.rescan is not None:
            named.update(plan.rescan)
        else:
            whole.append((plan.job.name, reader(plan.job.target), plan.job.scan.options))

    def wanted(path: str) -> bool:
        if path in named:
            return True
        return any(reads(path, options) and in_scope(path, name, policy)
                   for name, reads, options in whole)

    return wanted


def _scan(plans: list[_Plan], base: BaseRef, policy: Policy) -> dict[str, CheckResult]:
    with materialise(base.root, base.merge_base, base.changes.renamed,
                     _wanted(plans, policy)) as tree:
        inventory = build_inventory(tree.root, include=policy.include, exclude=policy.exclude,
                                    max_file_size=int(policy.max_file_size), listed=tree.files)
        jobs = [_base_job(p, tree.root, inventory.files_for(p.job.name), policy) for p in plans]
        return run_checks(jobs)


def scan_base(base: BaseRef, policy: Policy, jobs: Sequence[CheckJob],
              results: Mapping[str, CheckResult]) -> BaseFindings:
    """The base's fingerprints per check, for every check whose head scan completed."""
    plans = [_plan(job, results[job.name], base, policy)
             for job in jobs if job.name in results and not results[job.name].errors]
    to_scan = [p for p in plans if p.rescan is None or p.rescan]
    scanned = _scan(to_scan, base, policy) if to_scan else {}
    by_check: dict[str, tuple[str, ...]] = {}
    warnings: list[str] = []
    for plan in plans:
        name = plan.job.name
        result = scanned.get(name)
        if result is not None and result.errors:
            warnings.append(f"{name}: could not scan the base ({base.ref}) to tell new findings "
                            f"from old: {result.errors[0]}; its findings count as new")
            continue
        found = tuple(f.fingerprint for f in result.findings) if result is not None else ()
        by_check[name] = plan.kept + found
    return BaseFindings(by_check=by_check, warnings=tuple(warnings))

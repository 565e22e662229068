"""The gate's flow, stage by stage, in one function; the CLI only parses and calls it.

    context -> policy -> inventory -> checks -> judging (contexts, triage, verdict:
    gate.judging) -> reports -> publishing

Data flows one way. Each stage lives in its own module; nothing here knows
how a tool works or how a format looks.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from gate.checks.interface import Check, CheckResult, HistoryRange, ScanTarget
from gate.checks.registry import available_checks, check_class
from gate.context import Context, detect_context
from gate.errors import UsageError
from gate.inventory import Inventory, build_inventory, select
from gate.limits import WorkerLimits
from gate.policy import LoadedPolicy, Mode, Policy, default_policy, load_policy
from gate.runner import CheckJob, run_checks
from gate.shard import Shard, apply_shard
from gate.signals import raise_pending
from gate.triage.governing import base_policy, load_baseline
from gate.triage.scope import narrow_to_changes
from gate.workspace import POLICY_FILE, policy_candidates

if TYPE_CHECKING:  # the result model is loaded with judging, while the checks work
    from gate.git.refs import BaseRef
    from gate.result import RunResult
    from gate.triage.suppress_unused import Markers

__all__ = ["RunOptions", "find_policy", "run"]



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
    mode: Mode | None = None
    """``--mode``: overrides the policy's ``mode``."""
    base: str | None = None
    """``--base REF``; without it, the PR/MR target branch from the CI context, if any."""
    record_baseline: bool = False
    """``gate baseline``: the working tree's policy, no base, no baseline suppression."""
    github_token: str | None = field(default=None, repr=False)
    """``--github-token``; else ``GITHUB_TOKEN`` from ``env``. Never logged, never reported."""
    upload_sarif: bool = False
    """``--upload-sarif``: also send the SARIF report to GitHub code scanning."""
    on_warning: Callable[[str], None] | None = None
    """Receives publishing warnings (one line each); the CLI prints them to stderr."""
    cache_dir: Path | None = None
    """The result cache (``gate run``: see :mod:`gate.cache.location`); ``None``: no cache."""
    cache_ttl: float = 24 * 3600.0
    """Seconds a cached online answer (PyPI advisories) is reused (``--cache-ttl``)."""
    shard: Shard | None = None
    """``--shard I/N``: scan slice I of N and publish nothing; ``gate merge`` judges them all."""
    memory_mb: int | None = None
    """``--memory-limit``: overrides the policy's ``limits.memory_mb``."""
    file_seconds: float | None = None
    """``--file-timeout``: overrides the policy's ``limits.file_seconds``."""
    verify_secrets: bool = False
    """``--verify-secrets``: the secrets check asks providers whether found tokens are live."""
    scope: str | None = None
    """Root-relative subdirectory or file to scan (``gate run PATH``); ``None``: all of ``path``."""
    policy_start: str = ""
    """Root-relative directory where the search for the nearest ``.gate.yml`` starts."""
    policy_overrides: Callable[[Policy], Policy] | None = None
    """Command-line settings (``--fail-on``, ``--exclude``) applied to the governing policy."""
    on_policy: Callable[[Policy], None] | None = None
    """Receives the policy that governs the run (the CLI reads its ``reports`` block)."""
    meanwhile: Callable[[], None] | None = None
    """Called while the checks work, once they have all started (the CLI loads its terminal
    reporter then, not before the checks start)."""


_AFTER_THE_CHECKS = ("gate.judging", "gate.report.registry")
"""What judging the checks' results and writing the reports import, and nothing before
them needs: loaded while the workers work (:func:`gate.runner.run_checks`' ``meanwhile``),
off the path to their start."""

_MARKED = frozenset({"sast", "secrets"})
"""The checks whose files can hold a ``gate:ignore`` marker that judging reports unused."""


def _meanwhile(options: RunOptions, inventory: Inventory, jobs: list[CheckJob],
               markers: list[Markers]) -> None:
    """While the checks work: load judging, and find the suppression markers of the files
    the sast and secrets checks were given (which of them a finding used is known later)."""
    for module in _AFTER_THE_CHECKS:
        importlib.import_module(module)
    from gate.triage.suppress_unused import find_markers

    markers.append(find_markers(inventory.root, {f for job in jobs if job.name in _MARKED
                                                 for f in job.scan.files}, options.cache_dir,
                                inventory.stats))
    if options.meanwhile is not None:
        options.meanwhile()


def find_policy(root: Path, explicit: Path | None, start: str = "") -> LoadedPolicy:
    """``--policy FILE``, else the nearest ``.gate.yml`` from ``start`` up to ``root``, else the
    built-in default. A discovered policy's ``source`` is its root-relative path."""
    plugins = tuple(available_checks())
    if explicit is not None:
        return load_policy(explicit, plugins)
    for rel in policy_candidates(start):
        candidate = root / rel
        if candidate.is_file():
            return replace(load_policy(candidate, plugins), source=rel)
    return default_policy()


def _base_policy_file(root: Path, base: BaseRef, explicit: Path | None, start: str) -> Path | None:
    """The policy a base run reads: ``--policy``, else the nearest ``.gate.yml`` on the base."""
    if explicit is not None:
        return explicit
    from gate.git.objects import read_at  # with a base only

    for rel in policy_candidates(start):
        if rel != POLICY_FILE and read_at(base.root, base.commit, rel) is not None:
            return root / rel
    return None


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
            files=select(inventory.files_for(name), block.include, block.exclude),
            set_aside=tuple(n for n in inventory.set_aside_for(name)
                            if select((n.path,), block.include, block.exclude)),
            options={**block.options(), **({"verify_secrets": True}
                                           if options.verify_secrets and name == "secrets"
                                           else {}),
                     **({"not_scanned": policy.not_scanned.value}
                        if name == "dependencies" else {})},
            jobs=max(1, options.jobs),
            cache_dir=options.cache_dir,
            cache_ttl=options.cache_ttl,
            vuln_db=vuln_db.resolve() if vuln_db else None,
            timeout=timeout,
            limits=WorkerLimits(options.memory_mb or policy.limits.memory_mb,
                                options.file_seconds or policy.limits.file_seconds),
        )
        jobs.append(CheckJob(name=name, target=target, scan=scan, timeout=timeout))
    return jobs


def _with_history(jobs: list[CheckJob], merge_base: str, policy: Policy) -> list[CheckJob]:
    """Give each check the change's commits (the secrets check scans what each one added)."""
    return [replace(job, scan=replace(job.scan, history=HistoryRange(merge_base, (
        (policy.include, policy.exclude),
        (policy.check(job.name).include, policy.check(job.name).exclude))))) for job in jobs]


def _with_tree(jobs: list[CheckJob], inventory: Inventory,
               cache_dir: Path | None) -> list[CheckJob]:
    """With a result cache, give each job whose check keys it by content
    (:attr:`~gate.checks.interface.Check.identifies_files`) the snapshot of their files
    (stats and content identities: :func:`gate.checks.engine.digests.survey`), taken once
    here with the stats the inventory took, instead of once by each such check."""
    if cache_dir is None:
        return jobs
    chosen = [job.name for job in jobs if _identifies_files(job.target)]
    files = sorted({f for job in jobs if job.name in chosen for f in job.scan.files})
    if not files:
        return jobs
    from gate.checks.engine.digests import survey

    tree = survey(inventory.root, files, cache_dir, inventory.stats)
    return [replace(job, scan=replace(job.scan, tree=tree)) if job.name in chosen else job
            for job in jobs]


def _identifies_files(target: str) -> bool:
    cls = check_class(target)  # loaded for the runner's idle test anyway
    return cls is not None and issubclass(cls, Check) and cls.identifies_files


def _base_and_policy(root: Path, options: RunOptions, context: Context
                     ) -> tuple[BaseRef | None, LoadedPolicy, Policy]:
    """The base to compare with, if any, and the policy that governs: the base's when there is one.

    A pull request is judged by its target branch's policy, never by the one it proposes.
    """
    name = None if options.record_baseline else options.base or context.base_ref
    base: BaseRef | None = None
    if name:
        from gate.git.refs import open_base  # a run without a base loads none of it

        base = open_base(root, name, prefer_remote=options.base is None)
    loaded = (find_policy(root, options.policy_path, options.policy_start) if base is None
              else base_policy(base, _base_policy_file(root, base, options.policy_path,
                                                       options.policy_start),
                               tuple(available_checks())))
    policy = loaded.for_branch(base.branch if base else context.base_ref)
    if options.mode is not None:
        policy = replace(policy, mode=options.mode)
    if options.policy_overrides is not None:
        policy = options.policy_overrides(policy)
    if options.on_policy is not None:
        options.on_policy(policy)
    return base, loaded, policy


def _own_paths(root: Path, options: RunOptions) -> tuple[str, ...]:
    """The files this run writes under ``root`` (reports; a cache directory ending in ``/``)."""
    top = root.resolve()
    named = [(path, "") for _, path in options.reports]
    if options.cache_dir is not None:
        named.append((options.cache_dir, "/"))
    paths = []
    for path, suffix in named:
        full = path.resolve()
        if full.is_relative_to(top) and full != top:
            paths.append(full.relative_to(top).as_posix() + suffix)
    return tuple(paths)


def run(options: RunOptions) -> RunResult:
    """Run the gate once and return its result; reports are written as a side effect."""
    started = time.monotonic()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    root = options.path
    if not root.is_dir():
        raise UsageError(f"path not found or not a directory: {root}")
    context: Context = detect_context(options.env)
    base, loaded, policy = _base_and_policy(root, options, context)
    baseline = None if options.record_baseline else load_baseline(root, policy, base)

    inventory = build_inventory(root, include=policy.include, exclude=policy.exclude,
                                max_file_size=int(policy.max_file_size),
                                own=_own_paths(root, options), scope=options.scope,
                                cache_dir=options.cache_dir)
    selected = _selected_checks(policy, options.checks)
    jobs = _jobs(options, policy, inventory, selected)
    jobs, shard = apply_shard(options.shard, inventory.root, inventory.all_files, jobs)
    partial: tuple[str, ...] = ()
    if base is not None and policy.mode == Mode.NEW:
        jobs, partial = narrow_to_changes(jobs, base.changes)
    if base is not None and (shard is None or shard.index == 1):
        jobs = _with_history(jobs, base.merge_base, policy)
    jobs = _with_tree(jobs, inventory, options.cache_dir)
    if options.on_check_started is not None:
        for job in jobs:
            options.on_check_started(job.name)
    markers: list[Markers] = []
    results = run_checks(jobs, on_done=options.on_check_done,
                         meanwhile=lambda: _meanwhile(options, inventory, jobs, markers))
    from gate.judging import Planned, judge  # loaded meanwhile: see _AFTER_THE_CHECKS
    from gate.report.registry import write_report

    result = judge(Planned(
        policy=policy, loaded=loaded, inventory=inventory, jobs=jobs, context=context,
        started=started, started_at=started_at, base=base,
        base_policy_file=_base_policy_file(root, base, options.policy_path,
                                           options.policy_start) if base else None,
        baseline=baseline, partial=partial, shard=shard, subset=options.checks is not None,
        cache_dir=options.cache_dir, markers=markers[0] if markers else None,
    ), results, time.monotonic())
    raise_pending()  # a stop signal Python dropped: no report (gate.signals.noting_dropped)
    for fmt, path in options.reports:
        write_report(result, fmt, path, policy.reports.scope_for(fmt))
    for line in _publish(result, context, options, policy) if shard is None else ():
        if options.on_warning is not None:
            options.on_warning(line)
    return result


def _publish(result: RunResult, context: Context, options: RunOptions,
             policy: Policy) -> list[str]:
    """The publish stage: after the reports exist, so a failure here can never lose them.

    It never changes the verdict; whatever goes wrong is a warning line.
    """
    warnings: list[str] = []
    if context.platform in ("github", "gitlab"):  # elsewhere there is nothing to publish to
        import gate.publish

        warnings = gate.publish.publish(result, context, options.env, post=options.post,
                                        github_token=options.github_token,
                                        report_paths=options.reports)
    if options.upload_sarif and options.post:
        warnings += _upload_sarif(result, options, policy.reports.scope_for("sarif"))
    return warnings


def _upload_sarif(result: RunResult, options: RunOptions, scope: str) -> list[str]:
    token = options.github_token or options.env.get("GITHUB_TOKEN")
    if not token:
        return ["gate: --upload-sarif needs GITHUB_TOKEN (with security-events: write); "
                "nothing was uploaded. The verdict and report files are unaffected."]
    from gate.publish.interface import PublishError
    from gate.report.registry import render_report

    try:
        from gate.publish.sarif_upload import upload_sarif, upload_target  # HTTP only when asked

        target = upload_target(result.context, options.env.get("GITHUB_REF"))
        upload_sarif(render_report(result, "sarif", scope), target, token)
    except PublishError as exc:
        return [f"gate: could not upload SARIF to code scanning: {exc}. "
                "The verdict and report files are unaffected."]
    return []

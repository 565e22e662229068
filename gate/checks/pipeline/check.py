"""The ``pipeline`` check: GitHub Actions and GitLab CI definitions judged as attack surface.

The class is cheap to import (the parent process asks it :meth:`PipelineCheck.reads`
and its tool version before any worker starts); :meth:`PipelineCheck.run` imports the
YAML reader, the model and the rules, and the GitHub Actions advisory reader only when
there are workflows to match against it. Nothing of the dependencies check (pip-audit,
``requests``) or of the IaC rule registry is imported.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate import __version__
from gate.checks.interface import Check, CheckError, CheckResult, NotScanned, ScanTarget
from gate.checks.pipeline.names import DEFAULT_MAX_BYTES, candidate
from gate.checks.pipeline.platforms import Kind, Platform

if TYPE_CHECKING:
    from gate.checks.dependencies.vulndb.actions import ActionDatabase
    from gate.checks.pipeline.loader import Read

__all__ = ["PipelineCheck", "parse_platforms"]


def parse_platforms(value: Any) -> frozenset[Platform]:
    """The ``platforms`` option: a list of platform names; absent means both."""
    if value is None:
        return frozenset(Platform)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise CheckError("pipeline option 'platforms' must be a list of platform names")
    chosen = set()
    for name in value:
        try:
            chosen.add(Platform(str(name).strip().lower()))
        except ValueError:
            names = ", ".join(p.value for p in Platform)
            raise CheckError(f"unknown pipeline platform {name!r} (expected: {names})") from None
    return frozenset(chosen)


def _hosts(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise CheckError("pipeline option 'allowed_hosts' must be a list of host names")
    return frozenset(str(h).strip().lower().lstrip("*.") for h in value if str(h).strip())


def _advisories(vuln_db: Path | None) -> tuple[ActionDatabase | None, list[str]]:
    from gate.checks.dependencies.vulndb.actions import load_actions_database
    from gate.checks.dependencies.vulndb.location import actions_database

    path = actions_database(vuln_db)
    if path is None:
        return None, ["GATE-GHA-016 not evaluated: no GitHub Actions advisories in the local "
                      "database (run `gate db update`)"]
    try:
        return load_actions_database(path), []
    except ValueError as exc:
        raise CheckError(f"GitHub Actions advisories unreadable: {exc}") from exc


class PipelineCheck(Check):
    """Workflows, composite actions, reusable workflows and GitLab CI, judged in-process."""

    name = "pipeline"
    reads_history = False
    tool = "gate-pipeline"
    description = "CI pipeline definitions (GitHub Actions, GitLab CI) as attack surface"

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        """CI files are picked by name (:func:`~gate.checks.pipeline.names.candidate`), those
        of the chosen ``platforms`` only, so the rest of a tree is never read. An unreadable
        ``platforms`` option reads every candidate: :meth:`run` reports the option."""
        kind = candidate(path)
        if kind is None:
            return False
        try:
            platforms = parse_platforms(options.get("platforms"))
        except CheckError:
            return True
        return (Platform.GITLAB if kind is Kind.GITLAB else Platform.GITHUB) in platforms

    def tool_version(self) -> str:
        """The rules ship with gate, so gate's version is the tool version."""
        return __version__

    def run(self, target: ScanTarget) -> CheckResult:
        """Parse the CI files once, build the model, evaluate every rule; with a result cache,
        the verdict is remembered under the exact text of every CI file, the options, the
        GitHub Actions advisories' identity and the check's code (:mod:`.remembered`)."""
        from gate.checks.pipeline.loader import read_files
        from gate.checks.pipeline.rules.exfiltration import DEFAULT_ALLOWED_HOSTS

        started = time.monotonic()
        platforms = parse_platforms(target.options.get("platforms"))
        max_bytes = target.options.get("max_file_bytes", DEFAULT_MAX_BYTES)
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
            raise CheckError("pipeline option 'max_file_bytes' must be a positive integer")
        hosts = DEFAULT_ALLOWED_HOSTS | _hosts(target.options.get("allowed_hosts"))
        read = read_files(target.root, target.files, platforms, max_bytes)
        if target.cache_dir is None:
            verdict = _judge(read, platforms, hosts, target.vuln_db)
        else:
            from gate.checks.pipeline.remembered import judge_remembered

            verdict = judge_remembered(
                target.cache_dir, read, platforms, hosts, target.vuln_db,
                lambda: _judge(read, platforms, hosts, target.vuln_db))
        aside = tuple(n for n in target.set_aside if self.reads(n.path, target.options))
        return CheckResult(
            check=self.name, tool=self.tool, tool_version=self.tool_version(),
            findings=verdict.findings, not_scanned=(*verdict.not_scanned, *aside),
            errors=verdict.errors, warnings=verdict.warnings,
            duration=time.monotonic() - started, files_scanned=verdict.files_scanned,
        )


def _judge(read: Sequence[Read | NotScanned], platforms: frozenset[Platform],
           hosts: frozenset[str], vuln_db: Path | None) -> CheckResult:
    """Parse what was read, build the model, evaluate every rule (durations aside)."""
    from gate.checks.pipeline.engine import evaluate
    from gate.checks.pipeline.loader import parse_files
    from gate.checks.pipeline.model import Repo
    from gate.checks.pipeline.registry import RULES

    loaded = parse_files(read)
    advisories, notes = (None, []) if Platform.GITHUB not in platforms or not any(
        f.platform is Platform.GITHUB for f in loaded.files.values()) \
        else _advisories(vuln_db)
    repo = Repo(loaded.files, allowed_hosts=hosts, advisories=advisories)
    result = evaluate(repo, RULES)
    return CheckResult(check=PipelineCheck.name, tool=PipelineCheck.tool, tool_version="",
                       findings=result.findings, not_scanned=loaded.not_scanned,
                       errors=result.errors, warnings=(*notes, *result.warnings),
                       files_scanned=loaded.files_scanned)

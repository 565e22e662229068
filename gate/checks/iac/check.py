"""The ``iac`` check: the gate's own IaC rule engine behind the common check interface.

The class is cheap to import (the parent process asks it :meth:`IacCheck.reads` and
its tool version before any worker starts): :meth:`IacCheck.run` imports the loader,
and the renderer when a chart or an overlay exists; the loader imports a framework's
parser, and :func:`~gate.checks.iac.rulebook.rules_for` a framework's rules, when a file
of that framework is found.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import gate.checks.iac.names as names
from gate import __version__
from gate.checks.iac.frameworks import Framework
from gate.checks.interface import Check, CheckError, CheckResult, NotScanned, ScanTarget
from gate.findings import Finding

__all__ = ["IacCheck", "parse_frameworks"]


def parse_frameworks(value: Any) -> frozenset[Framework]:
    """The ``frameworks`` option: a list of framework names; absent means all of them."""
    if value is None:
        return frozenset(Framework)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise CheckError("iac option 'frameworks' must be a list of framework names")
    chosen = set()
    for name in value:
        try:
            chosen.add(Framework(str(name).strip().lower()))
        except ValueError:
            names = ", ".join(f.value for f in Framework)
            raise CheckError(f"unknown iac framework {name!r} (expected: {names})") from None
    return frozenset(chosen)


_ALL = frozenset(Framework)


@functools.lru_cache(maxsize=16)
def _frameworks(value: tuple[Any, ...]) -> frozenset[Framework]:
    """:func:`parse_frameworks` once per option value (``reads`` runs for every file)."""
    return parse_frameworks(value)


def _helm_values(options: Mapping[str, Any]) -> dict[str, list[str]]:
    """The ``helm_values`` option: chart directory -> values files (repo-relative)."""
    value = options.get("helm_values") or {}
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(i, str) for i in v)
            for k, v in value.items()):
        raise CheckError("iac option 'helm_values' must map chart directories to lists of "
                         "values files")
    return {k: list(v) for k, v in value.items()}


def _once(findings: Iterable[Finding], owned: frozenset[str]) -> tuple[Finding, ...]:
    seen: set[tuple[str, str, int | None]] = set()
    out = []
    for finding in findings:
        key = (finding.rule_id, finding.path, finding.location.start_line)
        if finding.path in owned and key in seen:
            continue
        seen.add(key)
        out.append(finding)
    return tuple(out)


def _would_load(target: ScanTarget, frameworks: frozenset[Framework]) -> tuple[NotScanned, ...]:
    """The files set aside that the loader would have parsed (the loader is imported only
    when one of them has an IaC name)."""
    named = [n for n in target.set_aside if names.sort_out((n.path,)).candidates]
    if not named:
        return ()
    from gate.checks.iac.loader import would_load

    return tuple(n for n in named if would_load(target.root, n.path, frameworks))


class IacCheck(Check):
    """CloudFormation, Terraform, Kubernetes, Dockerfile and CI pipeline rules, in-process."""

    name = "iac"
    reads_history = False
    tool = "gate-iac"
    description = "Infrastructure-as-code rules (CloudFormation, Terraform, Kubernetes, CI)"
    identifies_files = True  # its loader keys the whole result by the snapshot (judged.load_tree)

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        """IaC files are picked by name (and sniffed), those of the chosen ``frameworks``
        only, so the rest of a tree is never read (:func:`gate.checks.iac.names.reads`). An
        unreadable ``frameworks`` option reads every candidate: :meth:`run` reports it."""
        value = options.get("frameworks")
        try:
            frameworks = _ALL if value is None else _frameworks(tuple(value)) \
                if isinstance(value, (list, tuple)) else parse_frameworks(value)
        except (CheckError, TypeError):  # TypeError: an unhashable name (run() says why)
            return names.is_iac_candidate(path)
        return names.reads(path, frameworks)

    @classmethod
    def reads_any(cls, paths: Iterable[str], tree: Sequence[str],
                  options: Mapping[str, Any]) -> bool:
        """:meth:`reads` of a path, or any path inside a chart's or an overlay's directory in
        ``tree``: ``helm template`` reads the whole chart (``.Files.Get`` of any file in it),
        ``kustomize build`` the files its generators name, whatever their names."""
        paths = tuple(paths)
        if any(cls.reads(path, options) for path in paths):
            return True
        roots = {path.rpartition("/")[0] for path in tree if names.renders(path)}
        return any(path.startswith(f"{root}/") if root else True
                   for path in paths for root in roots)

    def tool_version(self) -> str:
        """The rules ship with gate, so gate's version is the tool version."""
        return __version__

    def run(self, target: ScanTarget) -> CheckResult:
        """Parse the target's IaC files once and evaluate every registered rule.

        Each single-file unit and the Terraform project are judged apart and remembered
        under the text they were judged from, and all of them together under the content
        identities of the files they were read from (:mod:`gate.checks.iac.judged`): a warm
        run parses and evaluates only what changed (and reads nothing when no IaC file did),
        and returns what a cold one returns. The files are sorted out by name in one pass
        (:func:`gate.checks.iac.names.sort_out`); the loader and the parsers are imported
        only when a file is to be read."""
        from gate.checks.iac.judged import Judged, Memo, combine, judge_render, load_tree

        started = time.monotonic()
        frameworks = parse_frameworks(target.options.get("frameworks"))
        max_bytes = target.options.get("max_file_bytes", names.DEFAULT_MAX_BYTES)
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
            raise CheckError("iac option 'max_file_bytes' must be a positive integer")
        uncovered_mode = target.options.get("uncovered", "warn")
        if uncovered_mode not in ("warn", "fail"):
            raise CheckError("iac option 'uncovered' must be 'warn' or 'fail'")
        memo = Memo(target.cache_dir)
        rendered: Judged | None = None
        owned: frozenset[str] = frozenset()
        sorted_out = names.sort_out(target.files)
        if Framework.KUBERNETES in frameworks:
            values = _helm_values(target.options)
            if sorted_out.renders:  # a chart or an overlay
                rendered = judge_render(target.root, target.files, values, memo,
                                        target.cache_dir)
                owned = frozenset(rendered.owned)
        candidates = [c for c in sorted_out.candidates if c[0] not in owned] if owned \
            else sorted_out.candidates
        loaded = load_tree(target.root, candidates, frameworks, memo, max_bytes,
                           target.cache_dir, target.tree)
        memo.close()
        result = combine((*loaded.parts, *((rendered,) if rendered is not None else ())))
        findings = result.findings
        if rendered is not None and rendered.rendered:
            # a base rendered by several overlays: one finding per source line
            findings = _once(findings, owned)
        extra: list[Finding] = []
        uncovered: list[str] = []
        if any(not need.covered for need in result.needs):  # else nothing to count or word
            from gate.checks.iac.coverage import tally, uncovered_findings, uncovered_warnings

            gaps, needing = tally(result.needs)
            if uncovered_mode == "fail":
                extra = uncovered_findings(gaps, self.name)
            uncovered = uncovered_warnings(gaps, needing)
        aside = _would_load(target, frameworks)
        return CheckResult(
            check=self.name, tool=self.tool, tool_version=self.tool_version(),
            findings=(*findings, *extra),
            not_scanned=(*result.not_scanned, *aside),
            errors=result.errors, warnings=(*result.warnings, *uncovered),
            duration=time.monotonic() - started,
            files_scanned=result.scanned,
        )

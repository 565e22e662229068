"""The ``sast`` check: bandit over the repository's Python files, and the dataflow layer.

bandit runs as a library with ``# nosec`` *not* honoured: the markers are read
back by :mod:`gate.checks.sast.source` and attached to the findings as
inline suppressions, so the policy (not the scanned code) decides what they
are worth. Files bandit could not parse come back as :class:`NotScanned`:
a file nobody looked at is not a pass.

The core is :func:`scan_files`, a plain function over a list of files that
returns picklable data, so that the pipeline can spread chunks of files over
a process pool without knowing anything about bandit. The dataflow pass
(:func:`gate.checks.sast.taint_scan.scan_taint_files`) has the same shape and
runs on the same pool; :func:`gate.checks.sast.downgrade.apply_dataflow` then
downgrades the bandit findings it disproves.
"""

from __future__ import annotations

import functools
import re
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from gate.checks.interface import Check, CheckError, CheckResult, NotScanned, ScanTarget
from gate.findings import (
    Confidence,
    Finding,
    Location,
    Severity,
    Suppression,
    content_fingerprint,
    secret_fingerprint,
)
from gate.versions import PackageNotFoundError, installed_version

if TYPE_CHECKING:
    from gate.checks.engine.cached_scan import FileScanSpec
    from gate.checks.engine.digests import Snapshot
    from gate.checks.sast.bandit_run import BanditRun
    from gate.checks.sast.source import PySource

__all__ = ["SastCheck", "SastScan", "python_files", "scan_files", "taint_spec"]

CHECK = "sast"
TAINT_VERSION = "3"
TAINT_MODULES = (*(f"gate.checks.sast.{m}" for m in (
    "taint_scan", "taint_deps", "downgrade", "syntax", "source", "taint.analyse", "taint.calls",
    "taint.control", "taint.expressions",
    "taint.folding", "taint.interface", "taint.mentions", "taint.project", "taint.propagate",
    "taint.resolve",
    "taint.roles", "taint.sanitisers", "taint.sinks", "taint.sources", "taint.special",
    "taint.summaries",
    "taint.values")), "gate.findings")
BANDIT_MODULES = ("gate.checks.sast.check", "gate.checks.sast.bandit_run", "gate.checks.sast.source",
                  "gate.checks.sast.syntax", "gate.findings")
"""The gate modules that shape bandit's findings (in the result cache's key)."""
PASSWORD_RULES = frozenset({"B105", "B106", "B107"})
"""Hardcoded-password rules: bandit quotes the password in its message; we never do."""
_REDACTED_MESSAGE = "Possible hardcoded password: '[REDACTED]'"
_PASSWORD_LITERAL = re.compile(r"Possible hardcoded password: '(.*)'\Z", re.DOTALL)
_SEVERITY = {"LOW": Severity.LOW, "MEDIUM": Severity.MEDIUM, "HIGH": Severity.HIGH}
_CONFIDENCE = {"LOW": Confidence.LOW, "MEDIUM": Confidence.MEDIUM, "HIGH": Confidence.HIGH}
_ADJUSTED: dict[str, Severity] = {
    # hashlib.md5/sha1 without usedforsecurity=False: bandit says high, but it cannot tell a
    # password hash or a signature from a cache key, a checksum or a Gravatar URL, and on
    # real projects (docs/precision.md) it was the latter every time. Medium: reported,
    # failing only a policy that asks for it. bandit's own level stays in extra.
    "B324": Severity.MEDIUM,
}


@dataclass(frozen=True)
class SastScan:
    """What :func:`scan_files` found in one batch of files (picklable, no raw source)."""

    findings: tuple[Finding, ...]
    not_scanned: tuple[NotScanned, ...]
    warnings: tuple[str, ...]


def python_files(files: Sequence[str]) -> tuple[str, ...]:
    """The files this check handles: ``.py`` sources (stubs hold no executable code)."""
    return tuple(f for f in files if f.endswith(".py"))


@functools.lru_cache(maxsize=256)
def _help_url(rule_id: str) -> str | None:
    """bandit's documentation page for the rule, or ``None`` for rules it does not document."""
    try:
        from bandit.core import docs_utils

        url = docs_utils.get_url(rule_id)
    except Exception:  # a third-party plugin without docs must not sink the scan
        return None
    return str(url) if url else None


def _normalised(text: str) -> str:
    """Whitespace-collapsed text, to group identical flagged lines (as the fingerprint does)."""
    return " ".join(text.split())


def _suppression(source: PySource, issue: Any, path: str, rule_id: str) -> Suppression | None:
    """The first marker, on the reported line then the rest of the node, that covers the rule.

    Looking over the node's whole line range is bandit's own ``# nosec`` rule
    (a multi-line call is suppressed from its closing line, say). A
    ``# gate:ignore[RULE]`` alone on the line above the statement counts too,
    as it does in YAML and HCL (``# nosec`` keeps bandit's same-line meaning). For the
    password rules, the literal is redacted from the marker's reason too.
    """
    lineno = int(issue.lineno or 0)
    others = [int(n) for n in (issue.linerange or []) if int(n) != lineno]
    above = min([lineno, *others]) - 1  # a comment line of its own, above the statement
    for line in [lineno, *others, above]:
        marker = source.marker(line)
        if marker is None or not marker.applies_to(rule_id):
            continue
        if line == above and (marker.kind != "gate:ignore" or source.code(line).strip()):
            continue  # only our own marker, and only alone on its line (as in YAML)
        found = marker.suppression(path, line)
        literal = _PASSWORD_LITERAL.match(str(issue.text)) if rule_id in PASSWORD_RULES else None
        if found.reason and literal and literal.group(1):
            found = replace(found, reason=found.reason.replace(literal.group(1), "[REDACTED]"))
        return found
    return None


def _file_findings(path: str, source: PySource, issues: Sequence[Any]) -> list[Finding]:
    """Map one file's bandit issues to findings, with collision-free fingerprints.

    The fingerprint hashes the flagged line's code (comment stripped, whitespace
    normalised) plus, from the second one on, the occurrence ordinal among
    identical flagged lines for the same rule in the file.
    """
    ordinals: dict[tuple[str, str], int] = defaultdict(int)
    findings: list[Finding] = []
    for issue in sorted(issues, key=lambda i: (int(i.lineno or 0), int(i.col_offset or 0))):
        rule_id = str(issue.test_id)
        lineno = int(issue.lineno or 0)
        content = _normalised(source.code(lineno))
        ordinal = ordinals[(rule_id, content)]
        ordinals[(rule_id, content)] += 1
        material = content if ordinal == 0 else f"{content}\x00{ordinal}"
        if rule_id in PASSWORD_RULES:
            message = _REDACTED_MESSAGE
            fingerprint = secret_fingerprint(CHECK, rule_id, path, material)
        else:
            message = str(issue.text)
            fingerprint = content_fingerprint(CHECK, rule_id, path, material)
        cwe_id = int(getattr(issue.cwe, "id", 0) or 0)
        severity = _SEVERITY.get(str(issue.severity), Severity.INFO)
        extra: tuple[tuple[str, str], ...] = (("test_name", str(issue.test)),)
        if rule_id in _ADJUSTED and _ADJUSTED[rule_id] < severity:
            extra += (("bandit_severity", severity.label),)
            severity = _ADJUSTED[rule_id]
        findings.append(Finding(
            check=CHECK,
            rule_id=rule_id,
            severity=severity,
            message=message,
            location=Location(path, lineno or None, lineno or None),
            fingerprint=fingerprint,
            title=str(issue.test) or None,
            confidence=_CONFIDENCE.get(str(issue.confidence)),
            help_url=_help_url(rule_id),
            cwe=(f"CWE-{cwe_id}",) if cwe_id else (),
            suppression=_suppression(source, issue, path, rule_id),
            extra=extra,
        ))
    return findings


def _to_scan(base: Path, files: Sequence[str], run: BanditRun) -> SastScan:
    """Map a bandit run (absolute paths) back onto repo-relative findings and skips."""
    from gate.checks.sast.bandit_run import skip_reason
    from gate.checks.sast.source import PySource

    relative = {str(base / f): f for f in files}
    not_scanned: list[NotScanned] = []
    for abs_path, reason in run.skipped:
        why, line = skip_reason(Path(abs_path), reason)
        not_scanned.append(NotScanned(relative.get(abs_path, abs_path), why, line))
    by_file: dict[str, list[Any]] = defaultdict(list)
    for issue in run.issues:
        by_file[str(issue.fname)].append(issue)
    findings: list[Finding] = []
    warnings: list[str] = []
    for abs_path, issues in sorted(by_file.items()):
        path = relative.get(abs_path, abs_path)
        try:
            source = PySource.read(Path(abs_path))
        except OSError as exc:  # gone since bandit read it: keep the findings, lose the markers
            source = PySource(())
            warnings.append(f"could not re-read {path} ({exc.strerror}): its findings have "
                            "no inline suppressions and weaker fingerprints")
        findings.extend(_file_findings(path, source, issues))
    for test, abs_path, line in run.crashed:
        where = f"{relative.get(abs_path, abs_path)}:{line}" if abs_path else "a file"
        warnings.append(f"bandit test {test} crashed on {where}; "
                        "its findings for that file may be incomplete")
    return SastScan(tuple(findings), tuple(not_scanned), tuple(warnings))


def scan_files(root: Path, files: Sequence[str]) -> SastScan:
    """Run bandit over ``files`` (repo-relative ``.py`` paths under ``root``).

    Raises :class:`CheckError` when bandit itself fails; a file it cannot
    scan is a :class:`NotScanned`, never an error and never a silent pass.
    """
    if not files:
        return SastScan((), (), ())
    from gate.checks.sast.bandit_run import run_bandit

    base = root.absolute()
    try:
        run = run_bandit([str(base / f) for f in files])
    except Exception as exc:
        raise CheckError(f"bandit failed to run: {type(exc).__name__}: {exc}") from exc
    return _to_scan(base, files, run)


def _shipped(dist: Any) -> str:
    """``name version`` of a distribution, from its metadata's first headers (as
    :func:`gate.versions.installed_version` reads them: ``importlib.metadata`` would parse
    the whole file with the ``email`` package, about 12 ms a run)."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in ("name", "version"):
            headers.setdefault(key.strip().lower(), value.strip())
    if len(headers) < 2:  # no readable headers: let importlib.metadata parse it
        return f"{dist.name} {dist.version}"
    return f"{headers['name']} {headers['version']}"


def _rules() -> list[tuple[str, str, str, str]]:
    """bandit's installed test and blacklist plugins and who ships them: part of the cache
    key (the very entry points :func:`~gate.checks.sast.bandit_run.import_bandit` loads).
    Read once per process (what is installed does not change while it runs): a standby
    worker reads it before its job (:meth:`SastCheck.preload`)."""
    return list(_installed_rules())


@functools.cache
def _installed_rules() -> tuple[tuple[str, str, str, str], ...]:
    from gate.checks.sast.bandit_run import bandit_entry_points

    shipped: dict[int, str] = {}  # once per distribution
    rules = []
    for group, found in bandit_entry_points().items():
        for ep in found:
            if ep.dist is not None and id(ep.dist) not in shipped:
                shipped[id(ep.dist)] = _shipped(ep.dist)
            rules.append((group, ep.name, ep.value, shipped[id(ep.dist)] if ep.dist else ""))
    return tuple(sorted(rules))


@functools.cache
def _bandit_version() -> str:
    """bandit's installed version, read once per process (what is installed does not change
    while it runs; a standby reads it before its job): raises ``PackageNotFoundError``."""
    return installed_version("bandit")


def _scan_cached(target: ScanTarget, files: Sequence[str], version: str,
                 tree: Snapshot) -> SastScan:
    """:func:`scan_files` over the process pool, with unchanged files served from the cache."""
    from gate.checks.engine.cached_scan import FileScanSpec, scan_with_cache

    spec = FileScanSpec(check=CHECK, tool_version=version, scan=scan_files, rules=_rules(),
                        modules=BANDIT_MODULES)
    scan = scan_with_cache(spec, target, files, tree)
    return SastScan(scan.findings, scan.not_scanned, scan.warnings)


def taint_spec(target: ScanTarget, tree: Snapshot) -> FileScanSpec:
    """How the dataflow pass is cached: per file, and checked against its imports.

    A file's taint findings depend on the modules its analysis looked up
    (which file each import resolves to, and that file's content): each entry
    is stamped with them and served only while they are unchanged
    (:mod:`gate.checks.sast.taint_deps`), so editing a module re-runs this
    pass for that module and the files whose analysis used it, never bandit.
    The interpreter's version is in the key: it decides what parses and which
    names are the standard library's.
    """
    from gate.checks.engine.cached_scan import FileScanSpec
    from gate.checks.sast.taint_deps import TaintDependencies
    from gate.checks.sast.taint_scan import scan_taint_files

    return FileScanSpec(check=CHECK, tool_version=f"dataflow-{TAINT_VERSION}",
                        scan=scan_taint_files, rules={"python": list(sys.version_info[:2])},
                        modules=TAINT_MODULES,
                        dependencies=TaintDependencies(target.root, tree.ids))


def _taint_cached(target: ScanTarget, files: Sequence[str], tree: Snapshot) -> SastScan:
    """The dataflow pass over the pool, with still-valid results served from the cache."""
    from gate.checks.engine.cached_scan import scan_with_cache

    scan = scan_with_cache(taint_spec(target, tree), target, files, tree)
    return SastScan(scan.findings, scan.not_scanned, scan.warnings)


def astuple_scan(scan: Any) -> tuple[Any, Any, Any]:
    """The three fields of a scan-shaped result."""
    return scan.findings, scan.not_scanned, scan.warnings


def _order(f: Finding) -> tuple[str, int, str, str]:
    return (f.location.path, f.location.start_line or 0, f.rule_id, f.fingerprint)


class SastCheck(Check):
    """Static analysis of Python code with bandit."""

    name: ClassVar[str] = CHECK
    tool: ClassVar[str] = "bandit"
    description: ClassVar[str] = ("Python static analysis (bandit, plus the gate's dataflow "
                                  "taint tracking); # nosec is reported, not obeyed")
    identifies_files: ClassVar[bool] = True

    @classmethod
    def reads(cls, path: str, options: Mapping[str, Any]) -> bool:
        """The check reads ``.py`` files only (:func:`python_files`)."""
        return bool(python_files((path,)))

    preload_modules: ClassVar[tuple[str, ...]] = (
        "bandit.core.config",
        "bandit.core.extension_loader",
        "bandit.core.manager",
        "bandit.core.node_visitor",
        "bandit.core.tester",
        "gate.checks.engine.cached_scan",
        "gate.checks.engine.digests",
        "gate.checks.engine.workers",
        "gate.checks.sast.bandit_run",
        "gate.checks.sast.downgrade",
        "gate.checks.sast.taint_deps",
        "gate.checks.sast.taint_scan",
        "platformdirs",  # the result cache's key file (gate.cache.mac), on the store's first use
        "sqlite3",  # the result cache's database (gate.cache.database), likewise
    )
    """What every run imports: loaded early in a standby worker (:mod:`gate.standby`)."""

    @classmethod
    def preload(cls) -> None:
        """bandit through :func:`~gate.checks.sast.bandit_run.import_bandit` first (its
        plugins from the entry points the cache key reads, no report formatters,
        rich.progress deferred: importing ``bandit.core`` first would do it the slow way),
        then :attr:`preload_modules`; and what the cache keys hold that no target changes:
        the installed plugins, bandit's version, the digests of the modules that shape the
        findings (each read once per process)."""
        from gate.checks.sast.bandit_run import import_bandit

        import_bandit()
        super().preload()
        _installed_rules()
        _bandit_version()
        from gate.cache.keys import code_identity

        code_identity(BANDIT_MODULES)
        code_identity(TAINT_MODULES)

    def tool_version(self) -> str:
        """bandit's version (from its metadata: bandit is not imported); raises
        :class:`CheckError` when bandit is not installed."""
        try:
            return _bandit_version()
        except PackageNotFoundError as exc:
            raise CheckError(f"bandit is not installed: {exc}") from exc

    def run(self, target: ScanTarget) -> CheckResult:
        """Scan the target's Python files with bandit."""
        started = time.monotonic()
        version = self.tool_version()
        files = python_files(target.files)
        from gate.checks.sast.taint.analyse import forget_projects

        forget_projects()  # what an earlier run in this process parsed may be stale
        if target.jobs > 1 or target.cache_dir is not None:
            from gate.checks.engine.digests import snapshot

            # one for both scans
            tree = snapshot(target.root, files, target.cache_dir, given=target.tree)
            taint = _taint_cached(target, files, tree)
            scan = _scan_cached(target, files, version, tree)
        else:
            from gate.checks.engine.workers import young_garbage_only
            from gate.checks.sast.taint_scan import scan_taint_files

            # In this process, under the collector regime of the pool's workers: without it,
            # collections triggered by the parse trees' allocations re-walk everything this
            # process holds, a quarter of the scan's CPU time on a 2,300-file tree.
            with young_garbage_only():
                taint = SastScan(*astuple_scan(scan_taint_files(target.root, files)))
            with young_garbage_only():
                scan = scan_files(target.root, files)
        from gate.checks.sast.downgrade import apply_dataflow

        findings = apply_dataflow((*scan.findings, *taint.findings))
        skipped = {n.path for n in scan.not_scanned}
        return CheckResult(
            check=self.name,
            tool=self.tool,
            tool_version=version,
            findings=tuple(sorted(findings, key=_order)),
            not_scanned=(*scan.not_scanned,
                         *(n for n in target.set_aside if python_files((n.path,)))),
            warnings=(*scan.warnings, *taint.warnings),
            duration=time.monotonic() - started,
            files_scanned=sum(1 for f in files if f not in skipped),
        )

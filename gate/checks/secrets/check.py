"""The ``secrets`` check: detect-secrets over every text file, values redacted at the source.

detect-secrets runs with its default plugins and filters, minus two: the
allowlist filter (``pragma: allowlist secret`` findings are reported as
inline suppressions, for the policy to judge) and network verification
(never enabled: the gate does not send a found credential anywhere).

The raw value lives only inside :func:`scan_files`: it is fingerprinted with
the keyed, slow :func:`~gate.findings.secret_fingerprint` and dropped. No
:class:`~gate.findings.Finding`, message, exception or log line carries it,
nor detect-secrets' unsalted SHA-1 ``hashed_secret``.
"""

from __future__ import annotations

import functools
import locale
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from gate.checks.interface import Check, CheckError, CheckResult, NotScanned, ScanTarget
from gate.checks.secrets.lines import inline_suppression, materials, split_lines
from gate.checks.secrets.plugins import configured_detect_secrets, held
from gate.findings import Finding, Location, secret_fingerprint
from gate.versions import PackageNotFoundError, installed_version

__all__ = ["SecretsCheck", "SecretsScan", "scan_files"]

CHECK = "secrets"
_YAML_REFUSED = ("YAML aliases expand past the gate's limit (an alias bomb?): scanned as plain "
                 "lines only, without detect-secrets' YAML view")


@dataclass(frozen=True)
class SecretsScan:
    """What :func:`scan_files` found in one batch of files (picklable, no secret values)."""

    findings: tuple[Finding, ...]
    not_scanned: tuple[NotScanned, ...]


def _skipped_by_name(path: str) -> bool:
    """Whether detect-secrets skips the file by its name alone (an image, a lock file...).

    Such a file is detect-secrets' deliberate choice, not a file it failed on.
    """
    from detect_secrets.core.scan import get_filters_with_parameter

    return any(bool(f(filename=path)) for f in get_filters_with_parameter("filename")
               if f.injectable_variables == {"filename"})


def _read(path: Path, rel: str, encoding: str) -> tuple[str, ...] | NotScanned | None:
    """The file's lines decoded as detect-secrets will decode them; ``None`` to stream it instead.

    detect-secrets silently skips a file it cannot decode; the gate streams it
    (:mod:`gate.checks.secrets.stream`).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return NotScanned(rel, f"could not read the file: {exc.strerror or type(exc).__name__}")
    try:
        return split_lines(data.decode(encoding))
    except (UnicodeDecodeError, LookupError):
        return None


def _scan_one(base: Path, rel: str, plugins: dict[str, Any],
              encoding: str) -> list[Finding] | NotScanned:
    """Scan one file; the raw values stay in this frame and are gone when it returns."""
    from gate.checks.secrets.rules import finding_fields, rank
    from gate.checks.secrets.scan import scan_with_detectors  # detect-secrets + our detectors
    from gate.checks.secrets.stream import Mode, scan_streamed, streamed

    mode = streamed(base / rel, rel, _skipped_by_name(str(base / rel)))
    if isinstance(mode, NotScanned):
        return mode
    lines = None if mode else _read(base / rel, rel, encoding)
    if isinstance(lines, NotScanned):
        return lines
    if lines is None:  # binary, large, not in the locale's encoding, or skipped by name
        return scan_streamed(base / rel, rel, mode or Mode.TEXT, plugins)
    # scan.scan_file rather than SecretsCollection: the collection keeps one
    # secret per (file, hash, type), hiding its other occurrences.
    hits: dict[tuple[int, str], list[str]] = defaultdict(list)
    on_line: dict[int, set[str]] = defaultdict(set)  # raw values, to redact from comments
    notes: dict[tuple[int, str], Any] = {}  # how the gate rated a value (rules.finding_fields)
    for secret in scan_with_detectors(str(base / rel), lines):
        number, value = int(secret.line_number), secret.secret_value or ""
        secret.secret_value = None
        on_line[number].add(value)
        for material in materials(secret.type, value, lines, number, plugins.get(secret.type)):
            hits[(number, material)].append(str(secret.type))
            on_line[number].add(material)
            note = getattr(secret, "gate_note", None)
            if note is not None and (note.detector is not None or (number, material) not in notes):
                notes[(number, material)] = note
    ordinals: dict[tuple[str, str], int] = defaultdict(int)
    findings: list[Finding] = []
    for (number, material), types in sorted(hits.items()):
        types = sorted(set(types), key=lambda t: (*(-r for r in rank(t)), t))  # deterministic
        kind = types[0]
        ordinal = ordinals[(kind, material)]
        ordinals[(kind, material)] += 1
        fingerprint = secret_fingerprint(CHECK, kind, rel,
                                         material if ordinal == 0 else f"{material}\x00{ordinal}")
        suppression = next(filter(None, (inline_suppression(rel, lines, number, t, on_line[number])
                                         for t in types)), None)
        findings.append(Finding(
            check=CHECK, location=Location(rel, number, number), fingerprint=fingerprint,
            suppression=suppression, **finding_fields(types, notes.get((number, material))),
        ))
    hits.clear()
    on_line.clear()
    notes.clear()
    return findings


def _scan_guarded(base: Path, rel: str, plugins: dict[str, Any],
                  encoding: str) -> list[Finding] | NotScanned:
    """:func:`_scan_one`, with a crash on one file turned into a :class:`NotScanned` for it."""
    try:
        return _scan_one(base, rel, plugins, encoding)
    except Exception as exc:  # its message could quote the line: keep only the type
        return NotScanned(rel, f"detect-secrets failed on this file ({type(exc).__name__})")


def scan_files(root: Path, files: Sequence[str], verify: Any = None) -> SecretsScan:
    """Scan ``files`` (repo-relative paths under ``root``) for secrets.

    ``verify`` (:class:`~gate.checks.secrets.verify.VerifySettings`) asks
    providers whether live-format tokens are live (``--verify-secrets``).

    A file that cannot be read, decoded or scanned is a :class:`NotScanned`
    (its reason never quotes the file); :class:`CheckError` when
    detect-secrets cannot be set up at all.
    """
    from gate.checks.secrets.scan import verifying
    from gate.yamlsafe import refused_yaml_files

    base = root.absolute()
    encoding = locale.getpreferredencoding(False)  # what detect-secrets' open() will use
    findings: list[Finding] = []
    not_scanned: list[NotScanned] = []
    try:
        with configured_detect_secrets() as plugins, verifying(verify):
            for rel in files:
                outcome = _scan_guarded(base, rel, plugins, encoding)
                if isinstance(outcome, NotScanned):
                    not_scanned.append(outcome)
                else:
                    findings.extend(outcome)
                if str(base / rel) in refused_yaml_files():  # gate.yamlsafe: alias bomb
                    not_scanned.append(NotScanned(rel, _YAML_REFUSED))
    except CheckError:
        raise
    except Exception as exc:  # per-file failures are caught below: this is detect-secrets itself
        raise CheckError(f"detect-secrets could not run: {type(exc).__name__}: {exc}") from exc
    return SecretsScan(tuple(findings), tuple(not_scanned))


_held_rules: dict[str, Any] | None = None


def _rules() -> dict[str, Any]:
    """The effective detect-secrets configuration (plugins, filters, decoding): in the cache
    key. Read once in a process that holds the configuration (a standby worker's:
    :func:`~gate.checks.secrets.plugins.hold_configuration`)."""
    global _held_rules
    if _held_rules is not None and held():
        return _held_rules
    with configured_detect_secrets() as plugins:
        from detect_secrets.settings import get_filters

        rules = {"plugins": sorted(f"{type(p).__module__}.{type(p).__qualname__}"
                                   for p in plugins.values()),
                 "filters": sorted(f.path for f in get_filters()),
                 "encoding": locale.getpreferredencoding(False)}
    if held():
        _held_rules = rules
    return rules


def _modules() -> tuple[str, ...]:
    """The gate modules that shape the findings (in the result cache's key)."""
    from gate.checks.secrets.detectors import DETECTOR_MODULES

    return ("gate.checks.secrets.check", "gate.checks.secrets.lines", "gate.checks.secrets.rules",
            "gate.checks.secrets.scan", "gate.checks.secrets.stream", "gate.checks.secrets.hits",
            "gate.checks.secrets.prefilter", "gate.findings", *DETECTOR_MODULES)


@functools.cache
def _version() -> str:
    """detect-secrets' installed version, read once per process (what is installed does not
    change while it runs; a standby reads it before its job): raises
    ``PackageNotFoundError``."""
    return installed_version("detect-secrets")


def _scan_cached(target: ScanTarget, version: str,
                 verify: Any = None) -> tuple[SecretsScan, tuple[str, ...]]:
    """:func:`scan_files` over the process pool, with unchanged files served from the cache.

    The pool's workers return :class:`SecretsScan` objects, which hold no values.
    """
    from gate.checks.engine.cached_scan import FileScanSpec, scan_with_cache

    spec = FileScanSpec(check=CHECK, tool_version=version, rules=_rules(),
                        scan=partial(scan_files, verify=verify) if verify else scan_files,
                        modules=_modules())
    if verify:  # a provider's answer is not a property of the file: never cached
        target = replace(target, cache_dir=None)
    scan = scan_with_cache(spec, target, target.files)
    return SecretsScan(scan.findings, scan.not_scanned), scan.warnings


class SecretsCheck(Check):
    """Hard-coded secrets in any text file, with detect-secrets."""

    name: ClassVar[str] = CHECK
    tool: ClassVar[str] = "detect-secrets"
    description: ClassVar[str] = "Hard-coded secrets (detect-secrets); values never leave the scan"
    identifies_files: ClassVar[bool] = True

    preload_modules: ClassVar[tuple[str, ...]] = (
        "detect_secrets.core.scan",
        "detect_secrets.settings",
        "detect_secrets.transformers.config",  # what reading any file loads (configparser)
        "detect_secrets.transformers.yaml",  # (yaml)
        "gate.checks.engine.cached_scan",
        "gate.checks.engine.digests",
        "gate.checks.secrets.detectors",
        "gate.checks.secrets.rules",
        "gate.checks.secrets.scan",
        "gate.checks.secrets.stream",
        "gate.yamlsafe",
        "platformdirs",  # the result cache's key file (gate.cache.mac), on the store's first use
        "sqlite3",  # the result cache's database (gate.cache.database), likewise
    )
    """What every run imports: loaded early in a standby worker (:mod:`gate.standby`)."""

    @classmethod
    def preload(cls) -> None:
        """:attr:`preload_modules`, detect-secrets first and without ``requests``
        (:func:`~gate.checks.secrets.deferred.import_detect_secrets`): importing
        ``detect_secrets.core.scan`` first would import ``requests`` for real.

        Then what the job would otherwise do first whatever its target, once: the
        gate's detect-secrets configuration, held for the rest of the process
        (:func:`~gate.checks.secrets.plugins.hold_configuration`: its plugins and
        filters, the scanner prepared for them), the cache key's parts (rules,
        version, the digests of the modules that shape the findings), and the one
        expression every scanned file meets first (the detectors' anchors). Every
        other expression compiles when a file needs it."""
        from gate.cache.keys import code_identity
        from gate.checks.secrets.deferred import import_detect_secrets
        from gate.checks.secrets.detectors.engine import compile_anchors
        from gate.checks.secrets.plugins import hold_configuration
        from gate.checks.secrets.scan import prepare_scanner

        import_detect_secrets()
        super().preload()
        hold_configuration()
        _rules()
        prepare_scanner()
        compile_anchors()
        _version()
        code_identity(_modules())

    def tool_version(self) -> str:
        """detect-secrets' version (from its metadata: detect-secrets is not imported); raises
        :class:`CheckError` when it is not installed."""
        try:
            return _version()
        except PackageNotFoundError as exc:
            raise CheckError(f"detect-secrets is not installed: {exc}") from exc

    def run(self, target: ScanTarget) -> CheckResult:
        """Scan every file of the target; detect-secrets decides per file what it understands."""
        started = time.monotonic()
        version = self.tool_version()
        warnings: tuple[str, ...] = ()
        verify = None
        if target.options.get("verify_secrets"):  # the HTTP client is imported only to verify
            from gate.checks.secrets.verify import VerifySettings

            verify = VerifySettings.from_env(os.environ)
        if target.jobs > 1 or target.cache_dir is not None:
            scan, warnings = _scan_cached(target, version, verify)
        else:
            scan = scan_files(target.root, target.files, verify)
        if target.history is not None:  # a base is known: also the lines each commit added
            from gate.checks.secrets.history import scan_history

            found = scan_history(target.root, target.history)
            scan = SecretsScan((*scan.findings, *found.findings),
                               (*scan.not_scanned, *found.not_scanned))
        return CheckResult(
            check=self.name,
            tool=self.tool,
            tool_version=version,
            findings=scan.findings,
            not_scanned=scan.not_scanned,
            warnings=warnings,
            duration=time.monotonic() - started,
            files_scanned=len(target.files) - len(scan.not_scanned),
        )

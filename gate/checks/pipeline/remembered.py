"""The pipeline check's verdict remembered under everything it was computed from.

The verdict (findings, not-scanned entries, warnings, files scanned) depends on the text
of every CI definition the check reads (and why the others could not be read), the
options (platforms, size bound, allowed hosts), the GitHub Actions advisories
(:func:`gate.cache.identity.path_identity` of the export, when workflows are there to match
against it) and the check's code: all of it goes into the key, so a warm run with
unchanged CI files parses nothing and imports no rule. A verdict with errors (a rule that
crashed) is never remembered.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gate.cache import open_cache
from gate.cache.codec import CodecError, decode_file_result, encode_file_result
from gate.cache.identity import path_identity
from gate.cache.keys import code_identity, key_for
from gate.checks.interface import CheckResult, NotScanned
from gate.checks.pipeline.interface import Platform
from gate.checks.pipeline.loader import Read

__all__ = ["judge_remembered"]

_VERSION = 1
_OWN = ("gate.findings", "gate.yamlsafe", "gate.cache.codec", "gate.checks.textfiles",
        "gate.checks.interface", "gate.checks.dependencies.vulndb.actions",
        "gate.checks.dependencies.vulndb.location")


def _code() -> str:
    """Every module of the pipeline package (rules included) and the gate modules it uses."""
    package = Path(__file__).parent
    h = hashlib.sha256()
    for current, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(n for n in names if n.endswith(".py")):
            path = Path(current) / name
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest() + ":" + code_identity(_OWN)


def _advisories(read: Sequence[Read | NotScanned], platforms: frozenset[Platform],
                vuln_db: Path | None) -> str | None:
    """The identity of the GitHub Actions advisories the verdict may use."""
    from gate.checks.dependencies.vulndb.location import actions_database

    if Platform.GITHUB not in platforms or not any(isinstance(r, Read) for r in read):
        return None
    path = actions_database(vuln_db)
    if path is None:
        return "none"
    with contextlib.suppress(OSError):
        return f"{path.resolve()}:{path_identity(path)}"
    return "unreadable"


def judge_remembered(cache_dir: Path, read: Sequence[Read | NotScanned],
                     platforms: frozenset[Platform], hosts: frozenset[str],
                     vuln_db: Path | None, judge: Callable[[], CheckResult]) -> CheckResult:
    """``judge()``'s verdict for ``read``, from the cache when it was remembered."""
    inputs: list[Any] = [
        [r.path, r.kind.value, hashlib.sha256(r.text.encode("utf-8", "surrogatepass"))
         .hexdigest()] if isinstance(r, Read) else [r.path, r.reason, r.line] for r in read]
    key = key_for("pipeline", {
        "version": _VERSION, "code": _code(), "inputs": inputs,
        "platforms": sorted(p.value for p in platforms), "hosts": sorted(hosts),
        "advisories": _advisories(read, platforms, vuln_db)})
    cache = open_cache(cache_dir)
    found = cache.get(key)
    if isinstance(found, dict) and found.get("version") == _VERSION:
        with contextlib.suppress(CodecError, KeyError, TypeError, ValueError):
            findings, not_scanned = decode_file_result(found["result"])
            warnings, scanned = found["warnings"], found["scanned"]
            if isinstance(warnings, list) and all(type(w) is str for w in warnings) \
                    and type(scanned) is int:
                return CheckResult(check="pipeline", tool="gate-pipeline", tool_version="",
                                   findings=findings, not_scanned=not_scanned,
                                   warnings=tuple(warnings), files_scanned=scanned)
    verdict = judge()
    if not verdict.errors:
        cache.put(key, {"version": _VERSION,
                        "result": encode_file_result(verdict.findings, verdict.not_scanned),
                        "warnings": list(verdict.warnings), "scanned": verdict.files_scanned})
        if cache.stats.writes:
            cache.prune()
    return verdict

"""Reading pins from TOML manifests: pyproject.toml, pylock.toml, poetry.lock and uv.lock.

Only data is read, never a build backend: a ``pyproject.toml`` whose
dependencies are ``dynamic`` (computed by ``setup.py``) is reported as not
audited rather than executed. ``tomllib`` gives no line numbers, so lines are
found again in the text; a line that cannot be found is left ``None``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from gate.checks.dependencies.model import ManifestScan, Pin, excerpt, not_audited
from gate.checks.interface import NotScanned

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["read_poetry_lock", "read_pylock", "read_pyproject", "read_uv_lock"]

_Entry = Pin | NotScanned
_UV_LOCAL = ("editable", "virtual", "directory", "path")
_POETRY_LOCAL = ("directory", "file")


def _load(path: Path, rel: str) -> tuple[dict[str, Any], list[str]] | NotScanned:
    """Parse a TOML file, or say why the whole file cannot be audited."""
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text.splitlines()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return not_audited(rel, f"TOML file could not be parsed: {exc}")


def _pin(rel: str, name: object, version: object, line: int | None) -> _Entry:
    """A pin from a lock entry's name and version strings, or why not."""
    if not isinstance(name, str) or not name:
        return not_audited(rel, "lock entry without a package name", line)
    if not isinstance(version, str) or not version:
        return not_audited(rel, f"{name}: no version recorded (VCS or URL source)", line)
    try:
        return Pin(name=name, version=Version(version), path=rel, line=line)
    except InvalidVersion:
        return not_audited(rel, f"{name}: version {version!r} is not PEP 440", line)


def _scan(rel: str, entries: list[_Entry], extra: tuple[NotScanned, ...] = ()) -> ManifestScan:
    """Split judged entries into pins and not-audited ones for a file that was read."""
    return ManifestScan(pins=tuple(e for e in entries if isinstance(e, Pin)),
                        not_scanned=extra + tuple(e for e in entries if isinstance(e, NotScanned)),
                        files_read=(rel,))


def _table_lines(lines: list[str], header: str, count: int) -> list[int | None]:
    """Line of each ``[[header]]`` entry's ``version =`` key (else ``name =``, else the header)."""
    head = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]\s*(#.*)?$")
    starts = [i for i, text in enumerate(lines) if head.match(text)]
    if len(starts) != count:  # inline-array form or a parse we do not follow: no lines
        return [None] * count
    found: list[int | None] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        keys: dict[str, int] = {}
        for i in range(start + 1, end):
            if lines[i].lstrip().startswith("["):
                break
            key = re.match(r"^\s*(version|name)\s*=", lines[i])
            if key:
                keys.setdefault(key.group(1), i + 1)
        found.append(keys.get("version") or keys.get("name") or start + 1)
    return found


def _read_tables(path: Path, rel: str, header: str,
                 judge: Callable[[Mapping[str, Any], int | None], _Entry]) -> ManifestScan:
    """Shared reader for lock files made of ``[[header]]`` tables."""
    loaded = _load(path, rel)
    if isinstance(loaded, NotScanned):
        return ManifestScan(not_scanned=(loaded,))
    data, lines = loaded
    entries = [e for e in data.get(header) or [] if isinstance(e, dict)]
    lines_of = _table_lines(lines, header, len(entries))
    return _scan(rel, [judge(entry, line) for entry, line in zip(entries, lines_of, strict=True)])


def read_pylock(root: Path, rel: str) -> ManifestScan:
    """PEP 751 ``pylock.toml``: ``[[packages]]`` with ``name`` and an optional ``version``."""
    def judge(entry: Mapping[str, Any], line: int | None) -> _Entry:
        if "directory" in entry:
            return not_audited(rel, f"{entry.get('name')}: local directory source", line)
        return _pin(rel, entry.get("name"), entry.get("version"), line)
    return _read_tables(root / rel, rel, "packages", judge)


def read_poetry_lock(root: Path, rel: str) -> ManifestScan:
    """``poetry.lock``: ``[[package]]`` name/version; local directory/file sources not audited."""
    def judge(entry: Mapping[str, Any], line: int | None) -> _Entry:
        source = entry.get("source")
        if isinstance(source, dict) and source.get("type") in _POETRY_LOCAL:
            return not_audited(rel, f"{entry.get('name')}: local {source.get('type')} source", line)
        return _pin(rel, entry.get("name"), entry.get("version"), line)
    return _read_tables(root / rel, rel, "package", judge)


def read_uv_lock(root: Path, rel: str) -> ManifestScan:
    """``uv.lock``: ``[[package]]`` name/version; editable, virtual, path sources not audited."""
    def judge(entry: Mapping[str, Any], line: int | None) -> _Entry:
        source = entry.get("source")
        local = [k for k in _UV_LOCAL if isinstance(source, dict) and k in source]
        if local:
            where = source[local[0]] if isinstance(source, dict) else ""
            return not_audited(rel, f"{entry.get('name')}: local {local[0]} source "
                                    f"{excerpt(str(where))!r}", line)
        return _pin(rel, entry.get("name"), entry.get("version"), line)
    return _read_tables(root / rel, rel, "package", judge)


def _find_line(lines: list[str], needle: str, start: int) -> int | None:
    """1-based line of the first quoted ``needle`` at or after ``start``."""
    for i in range(start, len(lines)):
        if f'"{needle}"' in lines[i] or f"'{needle}'" in lines[i]:
            return i + 1
    return None


def _pyproject_entry(rel: str, text: str, line: int | None) -> tuple[_Entry, str | None]:
    """One ``[project].dependencies`` string: only a single ``==``/``===`` pin is auditable.

    With the entry, the canonical name when it is a range a lock file could cover."""
    entry = _pyproject_requirement(rel, text, line)
    if isinstance(entry, NotScanned) and "is not pinned to an exact version" in entry.reason:
        return entry, canonicalize_name(Requirement(text).name)
    return entry, None


def _pyproject_requirement(rel: str, text: str, line: int | None) -> _Entry:
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        return not_audited(rel, f"unparseable requirement {excerpt(text)!r}: "
                                f"{excerpt(str(exc))}", line)
    if req.url:
        return not_audited(rel, f"{excerpt(text)!r} is a direct URL reference, "
                                "not a pinned release", line)
    specs = list(req.specifier)
    if len(specs) != 1 or specs[0].operator not in ("==", "===") or specs[0].version.endswith("*"):
        return not_audited(rel, f"{excerpt(text)!r} is not pinned to an exact version "
                                "(only == pins in pyproject.toml are auditable)", line)
    return _pin(rel, req.name, specs[0].version, line)


def read_pyproject(root: Path, rel: str) -> ManifestScan:
    """``pyproject.toml``: the ``[project].dependencies`` array (optional extras are not read)."""
    loaded = _load(root / rel, rel)
    if isinstance(loaded, NotScanned):
        return ManifestScan(not_scanned=(loaded,))
    data, lines = loaded
    project = data.get("project")
    if not isinstance(project, dict):
        return ManifestScan(files_read=(rel,))  # tool configuration only: nothing to audit
    if "dependencies" in (project.get("dynamic") or ()):
        return _scan(rel, [], (not_audited(
            rel, "[project].dependencies is dynamic: computing it would run the build backend"),))
    start = next((i for i, t in enumerate(lines) if re.match(r"^\s*\[project\]", t)), 0)
    entries: list[_Entry] = []
    ranges: list[tuple[str, NotScanned]] = []
    for dep in project.get("dependencies") or ():
        if isinstance(dep, str):
            entry, name = _pyproject_entry(rel, dep, _find_line(lines, dep, start))
            if name is not None and isinstance(entry, NotScanned):
                ranges.append((name, entry))
            else:
                entries.append(entry)
        else:
            entries.append(not_audited(rel, f"dependency {dep!r} is not a string"))
    return replace(_scan(rel, entries), ranges=tuple(ranges))

"""Reading pins from pip requirements files, following ``-r`` and ``-c`` includes.

pip-audit's own ``RequirementSource`` gives up on a whole file at the first
unpinned line, and without ``--disable-pip`` it installs the requirements
(running their build code). Here each line is judged on its own with
``pip_requirements_parser``, which only parses text: a pin becomes a
:class:`Pin`, anything else a ``not audited`` entry with its line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from gate.checks.dependencies.model import ManifestScan, Pin, excerpt, not_audited
from gate.checks.dependencies.repo_paths import resolve_in_repo
from gate.checks.interface import NotScanned

__all__ = ["read_requirements"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _judge(req: Any) -> Version | str:
    """The pinned version of one parsed requirement, or why it cannot be audited."""
    text = excerpt(str(req.line or req.req or ""))
    if req.is_editable:
        return f"editable requirement {text!r} is a local or VCS source, not a pinned release"
    if req.req is None or not req.name:
        return f"{text!r} is a URL or local path, not a named requirement"
    if req.link is not None or getattr(req.req, "url", None):
        return f"{text!r} is a direct URL reference, not a pinned release"
    specs = list(req.req.specifier)
    if len(specs) != 1 or specs[0].operator not in ("==", "==="):
        return f"{text!r} is not pinned to an exact version (use name==version)"
    raw = str(specs[0].version)
    if raw.endswith(".*"):
        return f"{text!r} is a wildcard, not an exact version"
    try:
        return Version(raw)
    except InvalidVersion:
        return f"{text!r} has a version that is not PEP 440"


class _Reader:
    """One pass over a set of requirements files; ``visited`` guards include cycles."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.visited: set[Path] = set()
        self.pins: list[Pin] = []
        self.not_scanned: list[NotScanned] = []
        self.files: list[str] = []

    def read(self, rel: str, absolute: Path) -> None:
        """Read one file (once) and recurse into its includes."""
        key = absolute.resolve()
        if key in self.visited:
            return  # already read: an include cycle or a file both included and discovered
        self.visited.add(key)
        from pip_requirements_parser import RequirementsFile  # ~70 ms: only with a requirements file

        try:
            parsed = RequirementsFile.from_file(str(absolute), include_nested=False)
        except Exception as exc:  # any parser failure makes the file, not the run, unreadable
            self.not_scanned.append(not_audited(rel, f"requirements file could not be read: "
                                                     f"{excerpt(str(exc))}"))
            return
        self.files.append(rel)
        for req in parsed.requirements:
            judged = _judge(req)
            line = req.line_number
            if isinstance(judged, Version):
                self.pins.append(Pin(name=str(req.name), version=judged, path=rel, line=line))
            else:
                self.not_scanned.append(not_audited(rel, judged, line))
        for bad in parsed.invalid_lines:
            first = str(bad.error_message).strip().splitlines()[:1] or ["invalid line"]
            self.not_scanned.append(
                not_audited(rel, f"unparseable line: {excerpt(first[0])}", bad.line_number))
        for option in parsed.options:
            for kind in ("requirements", "constraints"):
                for target in option.options.get(kind) or ():
                    self._include(rel, str(target), option.line_number)

    def _include(self, including: str, target: str, line: int | None) -> None:
        """Follow ``-r``/``-c target`` relative to the including file, inside the repo only."""
        if _URL.match(target):
            self.not_scanned.append(not_audited(
                including, f"remote include {excerpt(target)!r} is not fetched", line))
            return
        base = including.rpartition("/")[0]
        resolved = resolve_in_repo(self.root, f"{base}/{target}" if base else target)
        if resolved is None:
            self.not_scanned.append(not_audited(
                including, f"include {excerpt(target)!r} points outside the repository", line))
            return
        rel, absolute = resolved
        if not absolute.is_file():
            self.not_scanned.append(not_audited(
                including, f"included file {excerpt(target)!r} does not exist", line))
            return
        self.read(rel, absolute)


def read_requirements(root: Path, paths: Iterable[str]) -> ManifestScan:
    """Read the requirements files ``paths`` (repo-relative) and everything they include."""
    reader = _Reader(root)
    for path in paths:
        resolved = resolve_in_repo(root, path)
        if resolved is None or not resolved[1].is_file():
            reader.not_scanned.append(
                not_audited(path, "file is missing or outside the repository"))
            continue
        reader.read(*resolved)
    return ManifestScan(pins=tuple(reader.pins), not_scanned=tuple(reader.not_scanned),
                        files_read=tuple(reader.files))

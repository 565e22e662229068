"""Which manifests to read, and reading them all into one :class:`ManifestScan`.

By default manifests are discovered among the inventoried files by name; a
policy can instead list paths or globs (``checks.dependencies.files``). A
listed pattern that matches nothing is reported, not ignored: a typo in the
policy must not turn into an empty, passing audit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from gate.checks.dependencies.lockfiles import (
    read_poetry_lock,
    read_pylock,
    read_pyproject,
    read_uv_lock,
)
from gate.checks.dependencies.model import ManifestScan, Pin, not_audited
from gate.checks.dependencies.names import ManifestKind, manifest_kind
from gate.checks.dependencies.repo_paths import glob_matches, is_glob, resolve_in_repo
from gate.checks.dependencies.requirements import read_requirements
from gate.checks.interface import NotScanned

__all__ = [
    "ManifestKind", "discover_manifests", "manifest_kind", "read_manifests", "select_manifests",
]


def discover_manifests(files: Sequence[str]) -> list[tuple[str, ManifestKind]]:
    """Manifests among the inventoried files, found by name."""
    found = [(f, manifest_kind(f)) for f in sorted(files)]
    return [(f, kind) for f, kind in found if kind is not None]


def select_manifests(root: Path, files: Sequence[str], patterns: Sequence[str]
                     ) -> tuple[list[tuple[str, ManifestKind]], list[NotScanned]]:
    """Manifests named by the policy's ``files`` (paths or globs); patterns matching nothing."""
    chosen: dict[str, ManifestKind] = {}
    missing: list[NotScanned] = []
    for pattern in patterns:
        if is_glob(pattern):
            matched = [f for f in sorted(files) if glob_matches(pattern, f)]
        else:
            resolved = resolve_in_repo(root, pattern)
            matched = [resolved[0]] if resolved is not None and resolved[1].is_file() else []
        if not matched:
            missing.append(
                not_audited(pattern, "the policy lists this manifest but no file matches"))
        for path in matched:
            kind = manifest_kind(path, explicit=True)
            chosen.setdefault(path, kind or ManifestKind.REQUIREMENTS)
    return list(chosen.items()), missing


_READERS: dict[ManifestKind, Callable[[Path, str], ManifestScan]] = {
    ManifestKind.PYPROJECT: read_pyproject,
    ManifestKind.PYLOCK: read_pylock,
    ManifestKind.POETRY_LOCK: read_poetry_lock,
    ManifestKind.UV_LOCK: read_uv_lock,
}


def read_manifests(root: Path, manifests: Sequence[tuple[str, ManifestKind]]) -> ManifestScan:
    """Read every manifest; requirements files share one include-cycle guard."""
    scans = [read_requirements(root, [p for p, k in manifests if k is ManifestKind.REQUIREMENTS])]
    scans += [_READERS[k](root, p) for p, k in manifests if k is not ManifestKind.REQUIREMENTS]
    pins: dict[tuple[str, int | None, str, str], Pin] = {}
    for scan in scans:
        for pin in scan.pins:
            pins.setdefault((pin.path, pin.line, pin.canonical_name, str(pin.version)), pin)
    locked = {(_directory(p.path), p.canonical_name) for p in pins.values()
              if manifest_kind(p.path) in _LOCKS}
    uncovered = [entry for s in scans for name, entry in s.ranges
                 if not any((d, name) in locked for d in _ancestors(entry.path))]
    return ManifestScan(
        pins=tuple(pins.values()),
        not_scanned=tuple(dict.fromkeys([*(n for s in scans for n in s.not_scanned),
                                         *uncovered])),
        files_read=tuple(dict.fromkeys(f for s in scans for f in s.files_read)),
    )


_LOCKS = frozenset({ManifestKind.UV_LOCK, ManifestKind.POETRY_LOCK, ManifestKind.PYLOCK})


def _directory(path: str) -> str:
    return path.rpartition("/")[0]


def _ancestors(path: str) -> list[str]:
    """The directory of ``path`` and every directory above it, up to the root (``""``)."""
    parts = _directory(path).split("/") if "/" in path else []
    return ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]

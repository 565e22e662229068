"""Reading the target's CI files into a :class:`~gate.checks.pipeline.model.Repo`.

Each candidate file is read once (size cap, UTF-8) and parsed; what cannot be judged
becomes a :class:`~gate.checks.interface.NotScanned` with the reason and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gate.checks.interface import NotScanned
from gate.checks.pipeline.documents import candidate, parse
from gate.checks.pipeline.interface import PipelineError, PipelineFile, Platform
from gate.checks.textfiles import UnreadableText, read_bounded_text

__all__ = ["Loaded", "load_files"]


@dataclass(frozen=True)
class Loaded:
    """Parsed files, the files that could not be judged, and how many were read."""

    files: dict[str, PipelineFile]
    not_scanned: tuple[NotScanned, ...]
    files_scanned: int


def _read(root: Path, path: str, max_bytes: int) -> str:
    try:
        return read_bounded_text(root / path, max_bytes)
    except UnreadableText as exc:
        raise PipelineError(str(exc)) from None


def load_files(root: Path, paths: Sequence[str], platforms: frozenset[Platform],
               max_bytes: int) -> Loaded:
    """Parse every CI definition among ``paths`` for the chosen platforms."""
    files: dict[str, PipelineFile] = {}
    skipped: list[NotScanned] = []
    scanned = 0
    for path in paths:
        kind = candidate(path)
        if kind is None:
            continue
        platform = Platform.GITLAB if kind.value == "gitlab-ci" else Platform.GITHUB
        if platform not in platforms:
            continue
        try:
            parsed = parse(path, _read(root, path, max_bytes), kind)
        except PipelineError as exc:
            skipped.append(NotScanned(path, exc.reason, exc.line))
            continue
        except OSError as exc:
            skipped.append(NotScanned(path, f"cannot read: {exc.strerror or exc}"))
            continue
        if parsed is not None:
            scanned += 1
            files[path] = parsed
    return Loaded(files, tuple(skipped), scanned)

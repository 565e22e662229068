"""Reading the target's CI files into a :class:`~gate.checks.pipeline.model.Repo`.

Each candidate file is read once (size cap, UTF-8) and parsed; what cannot be judged
becomes a :class:`~gate.checks.interface.NotScanned` with the reason and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gate.checks.interface import NotScanned
from gate.checks.pipeline.interface import Kind, PipelineError, PipelineFile, Platform
from gate.checks.pipeline.names import candidate
from gate.checks.textfiles import UnreadableText, read_bounded_text

__all__ = ["Loaded", "Read", "load_files", "parse_files", "read_files"]


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


@dataclass(frozen=True)
class Read:
    """A CI definition as read: its path, kind and text."""

    path: str
    kind: Kind
    text: str


def read_files(root: Path, paths: Sequence[str], platforms: frozenset[Platform],
               max_bytes: int) -> list[Read | NotScanned]:
    """Read every CI definition among ``paths`` for the chosen platforms, in order, or say
    why it could not be read (nothing is parsed: :func:`parse_files` does)."""
    found: list[Read | NotScanned] = []
    for path in paths:
        kind = candidate(path)
        if kind is None:
            continue
        platform = Platform.GITLAB if kind.value == "gitlab-ci" else Platform.GITHUB
        if platform not in platforms:
            continue
        try:
            found.append(Read(path, kind, _read(root, path, max_bytes)))
        except PipelineError as exc:
            found.append(NotScanned(path, exc.reason, exc.line))
        except OSError as exc:
            found.append(NotScanned(path, f"cannot read: {exc.strerror or exc}"))
    return found


def parse_files(read: Sequence[Read | NotScanned]) -> Loaded:
    """Parse what :func:`read_files` read."""
    from gate.checks.pipeline.documents import parse

    files: dict[str, PipelineFile] = {}
    skipped: list[NotScanned] = []
    scanned = 0
    for item in read:
        if isinstance(item, NotScanned):
            skipped.append(item)
            continue
        try:
            parsed = parse(item.path, item.text, item.kind)
        except PipelineError as exc:
            skipped.append(NotScanned(item.path, exc.reason, exc.line))
            continue
        if parsed is not None:
            scanned += 1
            files[item.path] = parsed
    return Loaded(files, tuple(skipped), scanned)


def load_files(root: Path, paths: Sequence[str], platforms: frozenset[Platform],
               max_bytes: int) -> Loaded:
    """Parse every CI definition among ``paths`` for the chosen platforms."""
    return parse_files(read_files(root, paths, platforms, max_bytes))

"""The ``not_scanned`` policy: what a file nobody could read for secrets does to the verdict.

A credential in a file the gate could not read passes unseen, so the default
(``auto``) fails closed on such a file, with two exceptions that would fail
healthy repositories for nothing: a file whose name says it is binary (an
image, an archive, a font, model weights: over the 100 MiB hard cap, say),
and a symbolic link out of the tree (git stores only its target's path).
``fail`` makes those fail too; ``warn`` lists every such file and fails on
none. What counts: the files no check could read (the inventory's list) and
the files the secrets check could not scan. Other checks' not-scanned files
(a Python 2 file bandit cannot parse) are reported as before and never fail
the gate by themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from gate.checks.interface import NotScanned
from gate.inventory import SYMLINK_OUTSIDE
from gate.policy.model import NotScannedPolicy
from gate.result import CheckOutcome, Verdict

__all__ = ["BINARY_SUFFIXES", "Coverage", "blocks", "judge_coverage"]

_CHECK = "secrets"  # the check whose not-scanned files count
BINARY_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ico", ".psd", ".heic",
    ".mp3", ".mp4", ".m4a", ".mov", ".avi", ".mkv", ".webm", ".wav", ".flac", ".ogg",
    ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar", ".jar", ".whl", ".egg",
    ".iso", ".img", ".dmg", ".deb", ".rpm", ".msi", ".exe", ".dll", ".so", ".dylib", ".a", ".o",
    ".class", ".pyc", ".wasm", ".ttf", ".otf", ".woff", ".woff2", ".eot", ".pdf",
    ".bin", ".pt", ".pth", ".onnx", ".safetensors", ".h5", ".npy", ".npz", ".parquet",
    ".sqlite", ".db",
})
"""Suffixes that mark a file as binary by name, for ``not_scanned: auto``."""
_EXAMPLES = 3


def blocks(entry: NotScanned, setting: NotScannedPolicy) -> bool:
    """Whether this not-scanned file fails the gate under ``setting``."""
    if setting is NotScannedPolicy.WARN:
        return False
    if setting is NotScannedPolicy.FAIL:
        return True
    binary = PurePosixPath(entry.path).suffix.lower() in BINARY_SUFFIXES
    return not (binary or entry.reason == SYMLINK_OUTSIDE)


def _line(what: str, entries: Sequence[NotScanned], verdict: str, setting: NotScannedPolicy) -> str:
    shown = ", ".join(f"{n.path} ({n.reason})" for n in entries[:_EXAMPLES])
    more = f" and {len(entries) - _EXAMPLES} more" if len(entries) > _EXAMPLES else ""
    return f"{len(entries)} file(s) {what} {verdict} under not_scanned: {setting.value}: {shown}{more}"


@dataclass(frozen=True)
class Coverage:
    """The outcomes with the secrets check's gaps judged, and the run-level lines."""

    outcomes: tuple[CheckOutcome, ...]
    reasons: tuple[str, ...]
    """Set when a file no check read fails the gate (the run fails)."""
    warnings: tuple[str, ...]


def judge_coverage(setting: NotScannedPolicy, outcomes: Sequence[CheckOutcome],
                   unread: Sequence[NotScanned]) -> Coverage:
    """Apply ``setting`` to the secrets check's not-scanned files and to those no check read."""
    judged: list[CheckOutcome] = []
    warnings: list[str] = []
    for outcome in outcomes:
        if outcome.name == _CHECK and outcome.not_scanned:
            failing = [n for n in outcome.not_scanned if blocks(n, setting)]
            allowed = [n for n in outcome.not_scanned if not blocks(n, setting)]
            if failing:
                verdict = Verdict.ERROR if outcome.verdict == Verdict.ERROR else Verdict.FAIL
                outcome = replace(outcome, verdict=verdict, reasons=(*outcome.reasons, "secrets: " + _line(
                    "not scanned for secrets", failing, "fail", setting)))
            if allowed:
                warnings.append(_line("not scanned for secrets", allowed, "allowed", setting))
        judged.append(outcome)
    failing = [n for n in unread if blocks(n, setting)]
    allowed = [n for n in unread if not blocks(n, setting)]
    if allowed:
        warnings.append(_line("read by no check", allowed, "allowed", setting))
    reasons = (_line("read by no check", failing, "fail", setting),) if failing else ()
    return Coverage(tuple(judged), reasons, tuple(warnings))

"""The patch log of a commit range, streamed, and how many commits it holds."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gate.git.command import output, start

__all__ = ["commit_count", "start_patch_log"]


def commit_count(root: Path, base: str) -> int | None:
    """How many commits ``base..HEAD`` holds; ``None`` when git cannot say."""
    out = output(root, "rev-list", "--count", f"{base}..HEAD", timeout=60)
    text = out.decode("ascii", "replace").strip() if out is not None else ""
    return int(text) if text.isdigit() else None


def start_patch_log(root: Path, base: str) -> subprocess.Popen[bytes]:
    """``git log -p base..HEAD`` oldest first, zero context lines, each commit introduced by a
    NUL and its id; paths relative to ``root``, never through external diff or textconv
    drivers (the repository's attributes cannot run a program). Raises ``GitError``."""
    return start(root, "-c", "core.quotepath=off", "-c", "log.showSignature=false",
                 "log", "--no-color", "--no-ext-diff", "--no-textconv", "--text", "-M",
                 "--unified=0", "--relative", "--src-prefix=a/", "--dst-prefix=b/", "--reverse",
                 "--format=%x00%H", "-p", f"{base}..HEAD", "--")

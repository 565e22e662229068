"""How the gate runs git: one environment, one way to run a command, one way to stream one.

Everything goes through the ``git`` command line (no library): it is what CI
images have, and it honours the repository's own configuration (alternates,
partial clones, safe.directory). Output is read with ``-z`` wherever paths
appear, so odd file names cannot be misparsed. None of it may stop to ask for a
password, open a pager, take an optional lock on the index (a concurrent ``git``
of the user's would then fail), or answer in a language the gate does not parse.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gate.git.interface import GitError

__all__ = ["git", "git_env", "output", "split_z", "start"]

TIMEOUT = 600
"""Seconds one git command may take before it is stopped (a fetch of a big history)."""


def git_env() -> dict[str, str]:
    """The caller's environment, with prompts, pagers and optional locks switched off."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0",
                "LC_ALL": "C"})
    return env


def _argv(root: Path, args: tuple[str, ...]) -> list[str]:
    return ["git", "-C", str(root), *args]


def git(root: Path, *args: str, check: bool = True,
        timeout: float = TIMEOUT) -> subprocess.CompletedProcess[bytes]:
    """Run ``git -C root ARGS``; raise :class:`GitError` when git is missing or times out, and
    (``check``) when it fails."""
    try:
        done = subprocess.run(_argv(root, args), capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env=git_env(), check=False)
    except FileNotFoundError:
        raise GitError("git is not installed, and this run needs it") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args[:2])} timed out after {timeout:g}s") from None
    except OSError as exc:
        raise GitError(f"git could not run: {exc.strerror or type(exc).__name__}") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])} failed: {message[-1] if message else '?'}")
    return done


def output(root: Path, *args: str, timeout: float = TIMEOUT) -> bytes | None:
    """The standard output of a git command that succeeded; ``None`` on any failure.

    For the callers that have a fallback when git cannot answer (no git, not a
    repository, a timeout): they read the tree themselves instead.
    """
    try:
        done = git(root, *args, check=False, timeout=timeout)
    except GitError:
        return None
    return done.stdout if done.returncode == 0 else None


def start(root: Path, *args: str, stdin: bool = False) -> subprocess.Popen[bytes]:
    """Start a git command whose output is streamed (``stdout`` piped, ``stderr`` dropped).

    ``stdin``: pipe standard input too (``cat-file --batch``). The caller waits for it,
    and kills it on its own deadline. Raises :class:`GitError` when git cannot start.
    """
    try:
        return subprocess.Popen(_argv(root, args), stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL,
                                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                env=git_env())
    except OSError:
        raise GitError("git is not installed or could not start, and this run needs it") from None


def split_z(out: bytes) -> list[str]:
    """The non-empty fields of NUL-separated git output, as text (odd bytes kept)."""
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]

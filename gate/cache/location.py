"""Where the result cache lives, and whether a directory may be trusted as one.

The cache is an input to the verdict: an entry says "this file has these
findings". So it must never come from the change under review. By default
it lives outside the scanned tree: ``GATE_CACHE_DIR`` when set (CI wires a
CI-cache path there), else in GitHub Actions ``$RUNNER_TEMP/gate-cache`` (per
job: a job on a persistent self-hosted runner cannot leave entries for the
next one), else the user cache directory (``~/.cache/gate`` on Linux, via
platformdirs). A directory inside the scanned
root is used only when the user names it (``--cache-dir`` or
``GATE_CACHE_DIR``) *and* git tracks nothing in it: a committed cache is the
pull request speaking, and is never read (one warning line, no cache).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "default_cache_dir", "trusted_cache_dir"]

CACHE_DIR_ENV = "GATE_CACHE_DIR"


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$RUNNER_TEMP/gate-cache`` in GitHub Actions, else the user cache directory."""
    runner_temp = (env or {}).get("RUNNER_TEMP")
    if runner_temp:
        return Path(runner_temp) / "gate-cache"
    import platformdirs

    return platformdirs.user_cache_path("gate")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _tracked(root: Path, directory: Path) -> bool | None:
    """Whether git tracks anything under ``directory``; ``None`` when git cannot say."""
    from gate.git.files import tracks_under

    return tracks_under(root, directory.relative_to(root).as_posix() if directory != root else ".")


def trusted_cache_dir(root: Path, explicit: Path | None, env: Mapping[str, str],
                      warn: Callable[[str], None]) -> Path | None:
    """The cache directory to use for scanning ``root``, or ``None`` (run without a cache).

    ``explicit`` is ``--cache-dir``; ``GATE_CACHE_DIR`` counts as explicit too.
    """
    named = explicit if explicit is not None else (
        Path(env[CACHE_DIR_ENV]) if env.get(CACHE_DIR_ENV) else None)
    chosen = (named if named is not None else default_cache_dir(env)).absolute()
    real_root = root.resolve()
    plain, plain_root = Path(os.path.normpath(chosen)), Path(os.path.normpath(root.absolute()))
    # judged by its path as written too: a symlink in the tree pointing out is the tree's
    lexical = real_root / plain.relative_to(plain_root) if _inside(plain, plain_root) else None
    real = chosen.resolve()
    if lexical is None and not _inside(real, real_root):
        return chosen
    if named is None:
        warn(f"gate: the default cache directory {chosen} is inside the scanned tree; "
             "running without a cache (pass --cache-dir to choose one)")
        return None
    tracked = _tracked(real_root, lexical if lexical is not None else real)
    if tracked is None:
        warn(f"gate: cannot ask git whether {chosen} is tracked; running without a cache")
        return None
    if tracked:
        warn(f"gate: the cache directory {chosen} is tracked by git (committed by the change "
             "under review?); running without a cache")
        return None
    return chosen

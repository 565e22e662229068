"""Installed distributions, found as :mod:`importlib.metadata` finds them, without importing it.

Importing :mod:`importlib.metadata` costs 25-35 CPU-ms (``email``, ``zipfile``,
``csv``...), in the gate and in each worker, to learn a scanner's version string
and whether any distribution declares a ``gate.checks`` plugin. Where the
distributions lie as importlib.metadata's standard path finder sees them
(``*.dist-info`` and ``*.egg-info`` directories in the directories of
``sys.path``), this module reads the same files, in the same order, itself.
Anything else is no answer here (``None``): another meta-path finder that finds
distributions, a zip or ``.egg`` on the path, a file that cannot be read. The
caller then asks importlib.metadata, which is what it would have done anyway.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["entry_point_files", "metadata_text", "normalize"]


def normalize(name: str) -> str:
    """A distribution name as importlib.metadata compares it (PEP 503, dashes as underscores)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _plain_finders() -> bool:
    """Whether the standard path finder is the only meta-path finder that finds distributions."""
    from importlib.machinery import PathFinder

    return not any(getattr(finder, "find_distributions", None) is not None
                   and finder is not PathFinder for finder in sys.meta_path)


def _infos(path: Sequence[str]) -> Iterator[str | None]:
    """Each ``*.dist-info``/``*.egg-info`` entry along ``path``, in importlib.metadata's order;
    ``None`` (then stop) where that order cannot be known here. Strings, not paths: this
    runs for every installed distribution, and pathlib costs more than the reads."""
    for entry in path:
        directory = entry or os.curdir
        if Path(directory).name.lower().endswith(".egg"):
            yield None
            return
        try:
            names = os.listdir(directory)  # noqa: PTH208  (its order is importlib.metadata's)
        except NotADirectoryError:  # a zip, or a file it would try as one
            yield None
            return
        except OSError:  # not there: nothing is found there either
            continue
        for name in names:
            if name.lower().endswith((".dist-info", ".egg-info")):
                yield f"{directory}/{name}"


@functools.cache
def _by_name(path: tuple[str, ...]) -> tuple[dict[str, str], bool]:
    """The first ``*.dist-info``/``*.egg-info`` entry of each normalised name along ``path``,
    up to the first entry only importlib.metadata can read, and whether there was one (past
    it, a name not listed may still be installed). Listed once per process and path: what
    is installed does not change while the gate runs."""
    first: dict[str, str] = {}
    for info in _infos(path):
        if info is None:
            return first, True
        name = info.rpartition("/")[2].lower()
        first.setdefault(normalize(name.rpartition(".")[0].partition("-")[0]), info)
    return first, False


def metadata_text(name: str, path: Sequence[str] | None = None) -> str | None:
    """The core metadata (``METADATA``, else ``PKG-INFO``) of the first distribution called
    ``name`` along ``path`` (default ``sys.path``); ``""`` when none is installed; ``None``
    when only importlib.metadata can say."""
    if not _plain_finders():
        return None
    found, cut_short = _by_name(tuple(sys.path if path is None else path))
    info = found.get(normalize(name))
    if info is None:
        return None if cut_short else ""
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(f"{info}/{filename}", encoding="utf-8") as handle:  # noqa: PTH123
                text = handle.read()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except (OSError, UnicodeDecodeError):
            return None
        if text:
            return text
    return None  # found, but without readable metadata: importlib.metadata decides


def entry_point_files(path: Sequence[str] | None = None) -> list[bytes] | None:
    """The ``entry_points.txt`` of every distribution along ``path`` (default ``sys.path``);
    ``None`` when only importlib.metadata can say."""
    if not _plain_finders():
        return None
    found: list[bytes] = []
    for info in _infos(sys.path if path is None else path):
        if info is None:
            return None
        try:
            with open(f"{info}/entry_points.txt", "rb") as handle:  # noqa: PTH123
                found.append(handle.read())
        except (FileNotFoundError, NotADirectoryError):  # none: no entry points
            continue
        except OSError:
            return None
    return found

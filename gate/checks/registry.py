"""The explicit registry of checks: the built-ins, then plugins from the ``gate.checks``
entry-point group. Imports are lazy so that ``gate --help`` does not load bandit."""

from __future__ import annotations

import functools
import importlib
import sys
from typing import Any

from gate.checks.builtin import BUILTIN_CHECKS, STANDBY_CHECKS
from gate.checks.interface import Check, CheckError
from gate.distributions import entry_point_files

__all__ = ["BUILTIN_CHECKS", "STANDBY_CHECKS", "available_checks", "check_class", "load_check",
           "plugin_checks"]

ENTRY_POINT_GROUP = "gate.checks"


def plugin_checks() -> dict[str, str]:
    """Installed third-party checks: name -> ``module:attr`` (built-in names cannot be taken)."""
    return dict(_plugins(tuple(sys.path)))


@functools.cache
def _plugins(path: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The entry points found along ``path`` (``sys.path``): read once per process and path,
    since scanning every installed distribution's metadata is not free."""
    if not _may_declare(path, ENTRY_POINT_GROUP):
        return ()
    from importlib.metadata import entry_points  # zipfile, email, csv: ~25 ms to import

    return tuple((ep.name, ep.value) for ep in entry_points(group=ENTRY_POINT_GROUP)
                 if ep.name not in BUILTIN_CHECKS)


def _may_declare(path: tuple[str, ...], group: str) -> bool:
    """``False`` only when no distribution :mod:`importlib.metadata` can find along ``path``
    declares an entry point of ``group``, proven without importing it
    (:mod:`gate.distributions`; where that cannot say, ``True``)."""
    files = entry_point_files(path)
    return files is None or any(group.encode() in text for text in files)


def available_checks() -> dict[str, str]:
    """Built-ins first, in their fixed order, then plugins sorted by name."""
    plugins = plugin_checks()
    return {**BUILTIN_CHECKS, **dict(sorted(plugins.items()))}


def check_class(target: str) -> type[Any] | None:
    """The class at ``target`` (``module:Class``) without instantiating it; ``None`` when it
    cannot be imported (an unloadable plugin fails in its own worker, with its own message)."""
    module, _, attr = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except Exception:
        return None
    return cls if isinstance(cls, type) else None


def load_check(name: str, target: str | None = None) -> Check:
    """Import and instantiate a check by name; :class:`CheckError` if it cannot be loaded."""
    target = target or available_checks().get(name)
    if target is None:
        raise CheckError(f"unknown check {name!r}")
    module, _, attr = target.partition(":")
    try:
        obj = getattr(importlib.import_module(module), attr)
        check = obj()
    except Exception as exc:  # a broken plugin must not take the gate down with a traceback
        raise CheckError(f"cannot load check {name!r} from {target}: {exc}") from exc
    if not isinstance(check, Check):
        raise CheckError(f"{target} is not a gate Check")
    return check

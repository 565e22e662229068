"""detect-secrets as the gate configures it, for the working tree's scan and the history's.

Its own module so that the check (:mod:`.check`) and the history scan (:mod:`.history`),
which the check runs, both use it without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from gate.checks.interface import CheckError

__all__ = ["configured_detect_secrets", "held", "hold_configuration"]

_ALLOWLIST_FILTER = "detect_secrets.filters.allowlist.is_line_allowlisted"
_VERIFY_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"
_REPLACED_FILTERS = {
    "detect_secrets.filters.heuristic.is_indirect_reference":
        "gate.checks.secrets.lines.is_indirect_reference",
}

_held: ExitStack | None = None
"""The configuration :func:`hold_configuration` entered, for the rest of the process."""


@contextmanager
def configured_detect_secrets() -> Iterator[dict[str, Any]]:
    """detect-secrets configured for the gate; yields its plugins by secret type.

    Default plugins and filters, except: no allowlist filter (the pragma is
    reported instead), no verification filter (no network), and an
    indirect-reference filter that does not mistake ``gate:ignore[...]`` for code.

    Settings are process-global in detect-secrets; ``transient_settings``
    restores the previous ones on the way out. In a process that holds the
    configuration (:func:`hold_configuration`), the held one is used as it is.
    """
    if _held is not None:
        from detect_secrets.settings import get_plugins

        yield {plugin.secret_type: plugin for plugin in get_plugins()}
        return
    with _configured() as plugins:
        yield plugins


def held() -> bool:
    """Whether this process holds the configuration (:func:`hold_configuration`)."""
    return _held is not None


def hold_configuration() -> None:
    """Enter the gate's configuration for the rest of this process (a standby worker, before
    its one job): every :func:`configured_detect_secrets` after it uses the plugins, filters
    and compiled expressions it made, where each would otherwise build them anew (and
    detect-secrets' ``cache_bust`` drop them) on the way in and again on the way out.
    Raises as :func:`configured_detect_secrets` does, holding nothing then."""
    global _held
    if _held is not None:
        return
    stack = ExitStack()
    stack.enter_context(_configured())
    _held = stack


@contextmanager
def _configured() -> Iterator[dict[str, Any]]:
    from gate.checks.secrets.deferred import import_detect_secrets

    import_detect_secrets()  # without ``requests``, which only verification uses
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import Settings, get_filters, get_plugins, transient_settings

    classes: list[type[Any]] = list(get_mapping_from_secret_type_to_class().values())
    plugins = [{"name": cls.__name__} for cls in classes]
    filters = [{"path": _REPLACED_FILTERS.get(path, path)} for path in sorted(Settings().filters)
               if path not in {_ALLOWLIST_FILTER, _VERIFY_FILTER}]
    with transient_settings({"plugins_used": plugins, "filters_used": filters}) as settings:
        if _VERIFY_FILTER in settings.filters:  # pragma: no cover - a guard, not a branch
            raise CheckError("detect-secrets would verify secrets over the network; refusing")
        # detect-secrets only logs a filter it cannot import, then scans without it
        missing = {f["path"] for f in filters} - {f.path for f in get_filters()}
        if missing:
            raise CheckError(f"detect-secrets could not load filters: {', '.join(sorted(missing))}")
        yield {plugin.secret_type: plugin for plugin in get_plugins()}

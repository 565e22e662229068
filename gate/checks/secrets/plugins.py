"""detect-secrets as the gate configures it, for the working tree's scan and the history's.

Its own module so that the check (:mod:`.check`) and the history scan (:mod:`.history`),
which the check runs, both use it without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gate.checks.interface import CheckError

__all__ = ["configured_detect_secrets", "held", "hold_configuration"]

_ALLOWLIST_FILTER = "detect_secrets.filters.allowlist.is_line_allowlisted"
_VERIFY_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"
_REPLACED_FILTERS = {
    "detect_secrets.filters.heuristic.is_indirect_reference":
        "gate.checks.secrets.lines.is_indirect_reference",
}

_held = False
"""Whether :func:`hold_configuration` configured detect-secrets for the rest of the process."""


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
    configuration = None if _held else _configuration()  # detect-secrets imported first
    from detect_secrets.settings import get_plugins, transient_settings

    if configuration is None:
        yield {plugin.secret_type: plugin for plugin in get_plugins()}
        return
    with transient_settings(configuration) as settings:
        _check(settings, configuration)
        yield {plugin.secret_type: plugin for plugin in get_plugins()}


def held() -> bool:
    """Whether this process holds the configuration (:func:`hold_configuration`)."""
    return _held


def hold_configuration() -> None:
    """Configure detect-secrets for the rest of this process (a standby worker, before its
    one job), as ``transient_settings`` does on the way in, with no way out: every
    :func:`configured_detect_secrets` after it uses the plugins, filters and compiled
    expressions made here, where each would otherwise build them anew (and
    detect-secrets' ``cache_bust`` drop them) on the way in and again on the way out.
    Raises as :func:`configured_detect_secrets` does, with the settings it found put back."""
    global _held
    if _held:
        return
    configuration = _configuration()  # detect-secrets imported first
    from detect_secrets.settings import cache_bust, configure_settings_from_baseline, get_settings

    original = get_settings().json()
    cache_bust()
    try:
        _check(configure_settings_from_baseline(configuration), configuration)
    except BaseException:
        cache_bust()
        configure_settings_from_baseline(original)
        raise
    _held = True


def _configuration() -> dict[str, Any]:
    """The gate's detect-secrets settings, in the form ``transient_settings`` takes."""
    from gate.checks.secrets.deferred import import_detect_secrets

    import_detect_secrets()  # without ``requests``, which only verification uses
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import Settings

    classes: list[type[Any]] = list(get_mapping_from_secret_type_to_class().values())
    plugins = [{"name": cls.__name__} for cls in classes]
    filters = [{"path": _REPLACED_FILTERS.get(path, path)} for path in sorted(Settings().filters)
               if path not in {_ALLOWLIST_FILTER, _VERIFY_FILTER}]
    return {"plugins_used": plugins, "filters_used": filters}


def _check(settings: Any, configuration: dict[str, Any]) -> None:
    """Refuse settings that would verify over the network or lost a filter."""
    from detect_secrets.settings import get_filters

    if _VERIFY_FILTER in settings.filters:  # pragma: no cover - a guard, not a branch
        raise CheckError("detect-secrets would verify secrets over the network; refusing")
    # detect-secrets only logs a filter it cannot import, then scans without it
    wanted = {f["path"] for f in configuration["filters_used"]}
    missing = wanted - {f.path for f in get_filters()}
    if missing:
        raise CheckError(f"detect-secrets could not load filters: {', '.join(sorted(missing))}")

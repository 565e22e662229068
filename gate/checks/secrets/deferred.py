"""Import detect-secrets without importing ``requests``, which it needs only to verify.

detect-secrets imports ``requests`` at the top of its plugin base class, of
several plugins and of one filter module, for one use: asking a provider
whether a found secret is live. The gate never lets it verify (see
:mod:`.plugins`; ``--verify-secrets`` uses the gate's own client), yet
importing ``requests`` (``urllib3``, ``http.client``, ``charset_normalizer``,
``idna``...) was half of detect-secrets' import and the largest fixed cost of
the secrets worker on a warm re-run.

:func:`import_detect_secrets` imports those modules while ``sys.modules``
holds a stand-in for ``requests`` (a :class:`_Deferred` module), then takes
the stand-in out again, so every later ``import requests`` anywhere is the real
thing. The detect-secrets modules keep the stand-in as their ``requests``
name; the first attribute anyone reads from it (``requests.get``,
``requests.exceptions``) imports the real ``requests`` and answers from it.
One exception, during the import only: two plugins name ``requests.Response``
as a return annotation, which Python evaluates when it defines the function;
they get the annotation unevaluated (a :class:`typing.ForwardRef`).
Nothing is lost: code that touches ``requests`` gets it, code that does not
never pays for it. If ``requests`` or detect-secrets was imported before,
nothing is deferred.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any, ForwardRef

__all__ = ["import_detect_secrets"]

_NAME = "requests"

_MODULES = (
    # every detect-secrets module with a top-level ``import requests`` (1.x): the plugin base
    # and the plugins (all imported by the plugin registry), and the verification filter
    "detect_secrets.core.plugins.util",
    "detect_secrets.filters.common",
)

_ANNOTATIONS = frozenset({"Response"})
"""Names detect-secrets reads from ``requests`` at import time only as return annotations
(``ibm_cloud_iam``, ``ibm_cos_hmac``)."""

_lock = threading.Lock()
_done = False


class _Deferred(types.ModuleType):
    """Stands for ``requests``: any attribute read imports the real module and reads it there."""

    def __getattr__(self, name: str) -> Any:  # only for names the stand-in lacks: all but a few
        if name in _ANNOTATIONS and sys.modules.get(_NAME) is self:
            # while detect-secrets is being imported: ``-> requests.Response`` is evaluated when
            # the function is defined, and only stored; the unevaluated annotation is kept
            return ForwardRef(f"{_NAME}.{name}")
        return getattr(_real(self), name)

    def __repr__(self) -> str:
        loaded = sys.modules.get(_NAME)
        state = "loaded" if loaded is not None and loaded is not self else "not loaded"
        return f"<deferred module {_NAME!r} ({state})>"


def _real(stand_in: _Deferred) -> types.ModuleType:
    """The real ``requests``, imported now if it was not (the stand-in leaves ``sys.modules``)."""
    if sys.modules.get(_NAME) is stand_in:
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


def import_detect_secrets() -> None:
    """Import detect-secrets' modules and plugins with ``requests`` deferred (once per process)."""
    global _done
    with _lock:
        if _done:
            return
        stand_in: _Deferred | None = None
        if _NAME not in sys.modules and not any(m in sys.modules for m in _MODULES):
            stand_in = _Deferred(_NAME, "Deferred until first use (gate.checks.secrets.deferred)")
            sys.modules[_NAME] = stand_in
        try:
            for module in _MODULES:
                importlib.import_module(module)
            from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

            get_mapping_from_secret_type_to_class()  # imports every plugin module
        finally:
            if stand_in is not None and sys.modules.get(_NAME) is stand_in:
                del sys.modules[_NAME]
        _done = True

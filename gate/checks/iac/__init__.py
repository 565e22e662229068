"""The ``iac`` check: gate's own rule engine for infrastructure as code.

Importing the package (or one of its modules, e.g. ``interface`` or
``parsers.yamlnodes`` from the pipeline check) loads nothing but this file:
:class:`IacCheck` is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gate.checks.iac.check import IacCheck

__all__ = ["IacCheck"]


def __getattr__(name: str) -> Any:
    """:class:`IacCheck`, imported from :mod:`gate.checks.iac.check` on first use (PEP 562)."""
    if name != "IacCheck":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from gate.checks.iac.check import IacCheck

    globals()[name] = IacCheck
    return IacCheck

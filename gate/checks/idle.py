"""A check with nothing to read gets its result without a worker.

On a small repository most checks have nothing to do: a one-file Python
project has no manifest, no IaC file and no CI file. Starting a worker
process for each of them, to import its scanner and find nothing, costs more
than the scan that matters. The runner asks :func:`idle_result` first.

A check is idle only when its class says so for every file it was given:
it overrides :meth:`~gate.checks.interface.Check.reads` (the default reads
everything, so a check that keeps it is never idle), no file in ``files``
or ``set_aside`` satisfies it, and it has no history to read (the secrets
check scans the commits of a change; a check that never reads them says so
with ``reads_history = False``). Its result is then the check's own
:meth:`~gate.checks.interface.Check.nothing_to_read`, which must equal what
its ``run`` returns for such a target (tests hold every built-in check to
that). Anything unexpected (the class cannot be imported, ``reads`` raises)
means "not idle": the worker runs the check and reports what went wrong.
"""

from __future__ import annotations

from gate.checks.interface import Check, CheckResult, ScanTarget
from gate.checks.registry import check_class

__all__ = ["idle_result"]


def _reads_selectively(cls: type[Check]) -> bool:
    return getattr(cls.reads, "__func__", None) is not getattr(Check.reads, "__func__", None)


def idle_result(target: str, scan: ScanTarget) -> CheckResult | None:
    """The result of the check at ``target`` (``module:Class``) when it would read nothing in
    ``scan``; ``None`` when it has something to read (or that cannot be told here)."""
    cls = check_class(target)
    if cls is None or not issubclass(cls, Check) or not _reads_selectively(cls):
        return None
    if scan.history is not None and cls.reads_history:
        return None
    try:
        reads, options = cls.reads, scan.options
        for path in scan.files:  # a plain loop: this runs for every file of the tree
            if reads(path, options):
                return None
        for aside in scan.set_aside:
            if reads(aside.path, options):
                return None
        return cls().nothing_to_read(scan)
    except Exception:  # a check's own bug is reported by its worker, with its own message
        return None

"""The explicit list of report formats, imported lazily (``gate --help`` stays fast)."""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path

from gate.report.formats import FORMATS, SIZE_LIMITED
from gate.report.interface import Reporter, ReportError
from gate.result import RunResult

__all__ = ["FORMATS", "SIZE_LIMITED", "get_reporter", "render_report", "write_report"]

def get_reporter(name: str) -> Reporter:
    """Instantiate the reporter for a format name; :class:`ReportError` when unknown."""
    target = FORMATS.get(name)
    if target is None:
        raise ReportError(f"unknown report format {name!r} (choose from: {', '.join(FORMATS)})")
    module, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    reporter = cls()
    assert isinstance(reporter, Reporter)
    return reporter


def render_report(run: RunResult, name: str, scope: str | None = None) -> str:
    """Render ``run`` in format ``name``, holding only the findings of ``scope``.

    ``scope`` is ``failing``, ``code`` or ``all`` (:mod:`gate.report.scope`);
    ``None`` takes the format's default (``reports.scope`` in the policy).
    """
    from gate.policy.model import DEFAULT_REPORT_SCOPES
    from gate.report.budget import fit
    from gate.report.scope import scoped

    chosen = scope or DEFAULT_REPORT_SCOPES.get(name, "all")
    reporter = get_reporter(name)
    part = scoped(run, chosen)
    return fit(part, reporter.render) if name in SIZE_LIMITED else reporter.render(part)


def write_report(run: RunResult, name: str, path: Path, scope: str | None = None) -> None:
    """Render (see :func:`render_report`) and write atomically: a crash never leaves half a
    report behind."""
    text = render_report(run, name, scope)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except OSError as exc:
        raise ReportError(f"cannot write the {name} report to {path}: {exc.strerror}") from exc

"""A live progress display on stderr, only when stderr is a terminal.

``rich`` (about 45 ms to import) is imported only then: CI logs and pipes never load it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from gate.checks.interface import CheckResult

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

__all__ = ["Progress"]


class Progress:
    """One spinner line per check, ticked off as checks finish."""

    def __init__(self, console: Console) -> None:
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = RichProgress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TimeElapsedColumn(), console=console, transient=True)
        self._tasks: dict[str, TaskID] = {}
        self._progress.start()

    @classmethod
    def for_stderr(cls) -> Progress | None:
        """A display on an interactive stderr; ``None`` in CI logs and pipes."""
        if not sys.stderr.isatty():
            return None
        from rich.console import Console

        return cls(Console(stderr=True, highlight=False))

    def started(self, name: str) -> None:
        """A check was handed to a worker."""
        self._tasks[name] = self._progress.add_task(f"{name}: scanning", total=1)

    def done(self, result: CheckResult) -> None:
        """A check finished (or failed)."""
        task = self._tasks.get(result.check)
        if task is not None:
            status = "error" if result.errors else f"{len(result.findings)} findings"
            self._progress.update(task, completed=1, description=f"{result.check}: {status}")
        self._progress.console.print(f"  {result.check}: done in {result.duration:.1f}s "
                                     f"({'error' if result.errors else 'ok'})")

    def stop(self) -> None:
        """Remove the live display before the report is printed."""
        self._progress.stop()

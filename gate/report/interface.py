"""The report interface: one module per output format, each a :class:`Reporter`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from gate.errors import ReportError
from gate.result import RunResult

__all__ = ["ReportError", "Reporter"]


class Reporter(ABC):
    """Renders a :class:`RunResult` as text in one format.

    Reporters are pure: they never read the repository or the environment, so
    ``gate publish`` and ``gate merge`` can render a saved result anywhere.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @abstractmethod
    def render(self, run: RunResult) -> str:
        """The whole report as a string."""

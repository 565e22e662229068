"""What the analysis of one function needs from its module and its repository, as protocols.

:class:`~gate.checks.sast.taint.project.ModuleScope` and
:class:`~gate.checks.sast.taint.project.Project` fill these roles; the
expression evaluator, the frame and the sink checks depend on the roles only,
so ``project.py`` can build frames without an import cycle.
"""

from __future__ import annotations

import ast
from typing import Any, Protocol

from gate.checks.sast.taint.interface import SinkSpec
from gate.checks.sast.taint.resolve import ModuleInfo
from gate.checks.sast.taint.summaries import FuncSummary
from gate.checks.sast.taint.values import Flow, Val

__all__ = ["FrameRole", "FunctionNode", "ProjectRole", "ScopeRole"]

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class ProjectRole(Protocol):
    """The repository: resolves a qualified callee to (module, local name, kind)."""

    def resolve(self, scope: Any, fq: str, depth: int = 0,
                needs_source: bool = False) -> tuple[ScopeRole, str, str] | None:
        """What a qualified callee is, or ``None``."""


class ScopeRole(Protocol):
    """One module: its bindings, summaries and (for the scanned module) its results."""

    info: ModuleInfo
    primary: bool
    level: int
    """Import hops from the scanned file (0: the scanned file)."""
    globals: dict[str, Val]

    @property
    def project(self) -> ProjectRole:
        """The repository the module belongs to."""

    def tick(self) -> None:
        """Count one evaluation step."""

    def absolute(self, module: str | None, level: int) -> str:
        """The absolute name of a ``from`` import's module."""

    def add_local(self, qual: str, node: FunctionNode, closure: dict[str, Val]) -> None:
        """Register a nested function."""

    def function_node(self, local: str) -> FunctionNode | None:
        """A function of the module by local name."""

    def summary(self, local: str, requests: frozenset[int] = frozenset(),
                endpoint: bool = False) -> FuncSummary | None:
        """A function's summary."""

    def attribute_setters(self, owner: str) -> dict[str, tuple[str, ...]]:
        """The methods of a class that assign each attribute of ``self``."""

    def report(self, spec: SinkSpec, sink: str, line: int, flows: list[Flow]) -> None:
        """Sources reaching a sink."""

    def mark(self, kind: str, line: int, status: str, scope: tuple[int, int],
             proof: str = "") -> None:
        """A sink's verdict."""


class FrameRole(Protocol):
    """One run over a function, as the sink checks of ``special.py`` see it."""

    @property
    def scope(self) -> ScopeRole:
        """The module being analysed."""

    def sink(self, spec: SinkSpec, name: str, line: int, values: list[Val],
             report: bool = True, proven_by: str = "") -> None:
        """Record a sink call and the values reaching it."""

    def setting(self, spec: SinkSpec, line: int, message: str) -> None:
        """Record a finding about a call's settings."""

    def rebind(self, target: ast.expr, value: Val) -> None:
        """Replace what a name holds after a method changed it."""

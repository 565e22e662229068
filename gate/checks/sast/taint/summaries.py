"""Function summaries: what a function returns and which of its parameters reach a sink.

A function is analysed once with each parameter bound to a placeholder flow
(``Flow.param``). What comes back tells a caller how its arguments propagate:
the return value's flows (placeholders are replaced by the caller's
arguments, real sources stay), its constant and type, and the sinks a
parameter reaches inside the function (reported at the call, with the path
continuing into the callee).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from gate.checks.sast.taint.interface import SinkSpec, Step
from gate.checks.sast.taint.values import UNRESOLVED, Flow, Val, member, union_flows

__all__ = ["FuncSummary", "ParamSink", "apply_attrs", "apply_return"]


@dataclass(frozen=True)
class ParamSink:
    """A parameter of the summarised function reaching a sink."""

    param: int
    spec: SinkSpec
    sink: str
    """How the sink is named: ``cursor.execute``."""
    steps: tuple[Step, ...]
    """From the parameter to the sink, in the callee's file."""
    cleared: frozenset[str]
    attr: str = ""
    """The attribute of the parameter that reaches the sink (``self.text``), if only one does."""


@dataclass(frozen=True)
class FuncSummary:
    """What callers need to know about one function."""

    name: str
    ret: Val
    sinks: tuple[ParamSink, ...] = ()
    params: int = 0
    attrs: tuple[tuple[str, Val], ...] = ()
    """What the function leaves on its first parameter (``self.text = escape(text)`` in
    ``__init__``): attribute name and value."""


def _substitute(flow: Flow, args: Sequence[Val], call: Step) -> list[Flow]:
    """A flow of the callee's return value, seen from the caller."""
    if flow.param < 0:
        return [flow.step(call)]
    if flow.param >= len(args):  # a parameter left to its default: not resolved here
        return [Flow(f"unresolved: default of parameter {flow.param}", "none", (),
                     flow.cleared, UNRESOLVED, flow.by)]
    out = []
    for outer in member(args[flow.param], flow.attr).every_flow():
        merged = outer.step(call)
        for item in flow.steps:
            merged = merged.step(item)
        out.append(replace(merged, cleared=merged.cleared | flow.cleared, by=merged.by | flow.by))
    return out


def apply_return(summary: FuncSummary, args: Sequence[Val], call: Step) -> Val:
    """The value a call returns, given the caller's arguments (``self`` first for a method)."""
    flows: list[Flow] = []
    for flow in summary.ret.every_flow():
        flows.extend(_substitute(flow, args, call))
    out = union_flows([Val(tuple(flows))])
    return replace(out, const=summary.ret.const, qual=summary.ret.qual, flags=summary.ret.flags)


def apply_attrs(summary: FuncSummary, args: Sequence[Val], call: Step) -> tuple[tuple[str, Val], ...]:
    """The attributes a constructor leaves on the new object, seen from the caller."""
    out = []
    for name, value in summary.attrs:
        flows: list[Flow] = []
        for flow in value.every_flow():
            flows.extend(_substitute(flow, args, call))
        out.append((name, replace(union_flows([Val(tuple(flows))]), const=value.const,
                                  qual=value.qual, flags=value.flags)))
    return tuple(out)

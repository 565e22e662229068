"""Helpers shared by the rules: flows from taints, SHA pins, step walking."""

from __future__ import annotations

import re

from gate.checks.pipeline.interface import AttrPath, Hop, PipelineFile
from gate.checks.pipeline.model import Job, Step, Taint
from gate.findings import Severity

__all__ = ["SHA", "flow", "sink_hop", "worst"]

SHA = re.compile(r"^[0-9a-f]{40}$")


def worst(taints: list[Taint]) -> Taint | None:
    """The most severe taint (the first on a tie)."""
    best: Taint | None = None
    for taint in taints:
        if best is None or taint.severity > best.severity:
            best = taint
    return best


def sink_hop(file: PipelineFile, at: AttrPath, offset: int, what: str) -> Hop:
    """The sink as the last flow step."""
    return Hop(file.path, file.line_of(at) + offset, what)


def flow(taint: Taint, job: Job, sink: Hop) -> tuple[Hop, ...]:
    """Trigger -> job -> (env / callers) -> sink."""
    first, *rest = taint.hops
    return (first, job.hop(), *rest, sink)


def cap(severity: Severity, limit: Severity) -> Severity:
    """``severity`` no higher than ``limit``."""
    return min(severity, limit)


def step_at(step: Step, *keys: str | int) -> AttrPath:
    """A path below a step."""
    return (*step.path, *keys)

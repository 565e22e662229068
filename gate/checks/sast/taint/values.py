"""Abstract values: what the analysis knows about an expression.

A :class:`Val` carries the flows of user input it may hold (each with its
path so far and the sink kinds it was sanitised for), a constant when the
value is known (for folding ``7 * 18 + num > 200``), the qualified name of
what it refers to (a module, a function, an instance of a known class), and,
for containers, the values at constant keys or indexes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from gate.checks.sast.taint.interface import Step

__all__ = ["MAX_FLOWS", "NO_CONST", "Flow", "Val", "join", "join_all"]

MAX_FLOWS = 4
MAX_STEPS = 10


class _NoConst:
    """Marker: the value is not a known constant."""

    def __repr__(self) -> str:
        return "NO_CONST"


NO_CONST: Any = _NoConst()


@dataclass(frozen=True)
class Flow:
    """One way user input (or, while summarising, a parameter) reaches a value."""

    label: str
    """What it came from: ``request.args.get('f')``."""
    confidence: str
    steps: tuple[Step, ...]
    cleared: frozenset[str] = frozenset()
    """Sink kinds a sanitiser made it safe for (``*``: all)."""
    param: int = -1
    """While summarising a function: the parameter it stands for (-1: a real source)."""

    def step(self, item: Step) -> Flow:
        """This flow with one more step (long paths keep their start and their end)."""
        if self.steps and self.steps[-1] == item:
            return self
        steps = (*self.steps, item)
        if len(steps) > MAX_STEPS:
            steps = (*steps[:2], *steps[-(MAX_STEPS - 2):])
        return Flow(self.label, self.confidence, steps, self.cleared, self.param)

    def clear(self, kinds: frozenset[str]) -> Flow:
        """This flow, sanitised for ``kinds`` too."""
        return replace(self, cleared=self.cleared | kinds)

    def reaches(self, kind: str) -> bool:
        """Whether this flow is still dangerous for a sink of ``kind``."""
        return "*" not in self.cleared and kind not in self.cleared


@dataclass(frozen=True)
class Val:
    """What is known about a value."""

    flows: tuple[Flow, ...] = ()
    const: Any = NO_CONST
    qual: str | None = None
    """A module, function or class (``flask.request``), an instance (``ldap3.Connection()``)."""
    items: tuple[tuple[Any, Val], ...] | None = None
    """Values at constant keys (dict) or positions (list, tuple): ``None`` when unknown."""
    choices: frozenset[Any] = field(default=frozenset())
    """Constants the value may be when it is not one known constant (branches joined)."""
    flags: frozenset[str] = frozenset()
    """Facts about an object (an XML parser resolving external entities: ``xxe``)."""

    @property
    def known(self) -> bool:
        """Whether the value is a known constant."""
        return self.const is not NO_CONST

    def every_flow(self) -> tuple[Flow, ...]:
        """Its own flows and those of everything it contains."""
        if not self.items:
            return self.flows
        found = list(self.flows)
        for _, item in self.items:
            found.extend(item.every_flow())
        return _dedupe(found)

    def stepped(self, item: Step) -> Val:
        """Every flow (contained ones included) takes one more step."""
        if not self.flows and not self.items:
            return self
        items = None if self.items is None else tuple((k, v.stepped(item)) for k, v in self.items)
        return Val(tuple(f.step(item) for f in self.flows), self.const, self.qual, items,
                   self.choices, self.flags)

    def cleared(self, kinds: frozenset[str]) -> Val:
        """Sanitised for ``kinds``: every flow, contained ones included."""
        if not kinds:
            return self
        items = None if self.items is None else tuple((k, v.cleared(kinds)) for k, v in self.items)
        return replace(self, flows=tuple(f.clear(kinds) for f in self.flows), items=items)

    def flat(self) -> Val:
        """A value holding every contained flow directly (a container used as a whole)."""
        return Val(flows=self.every_flow(), const=self.const, qual=self.qual, flags=self.flags)


def _dedupe(flows: list[Flow]) -> tuple[Flow, ...]:
    seen: dict[tuple[str, int, frozenset[str]], Flow] = {}
    for flow in flows:
        seen.setdefault((flow.label, flow.param, flow.cleared), flow)
    return tuple(seen.values())[:MAX_FLOWS]


def _choices(v: Val) -> frozenset[Any]:
    if v.known:
        try:
            return frozenset({v.const})
        except TypeError:
            return frozenset()
    return v.choices


def join(a: Val, b: Val) -> Val:
    """The value that may be ``a`` or ``b`` (two branches meeting)."""
    if a is b or a == b:
        return a
    flows = _dedupe([*a.flows, *b.flows])
    const = a.const if a.known and b.known and type(a.const) is type(b.const) \
        and a.const == b.const else NO_CONST
    items: tuple[tuple[Any, Val], ...] | None = None
    if a.items is not None and b.items is not None:
        keys_a = [k for k, _ in a.items]
        keys_b = [k for k, _ in b.items]
        if keys_a == keys_b:
            items = tuple((k, join(va, vb)) for (k, va), (_, vb) in zip(a.items, b.items,
                                                                      strict=True))
    if items is None and (a.items or b.items):
        flows = _dedupe([*flows, *a.every_flow(), *b.every_flow()])
    choices = frozenset() if const is not NO_CONST else _choices(a) | _choices(b)
    if len(choices) > 8 or not (_choices(a) and _choices(b)):
        choices = frozenset()
    return Val(flows, const, a.qual if a.qual == b.qual else None, items, choices,
               a.flags | b.flags)


def join_all(values: list[Val]) -> Val:
    """Join a list of values (an empty list: nothing known)."""
    if not values:
        return Val()
    out = values[0]
    for v in values[1:]:
        out = join(out, v)
    return out


def union_flows(values: list[Val]) -> Val:
    """A fresh value carrying the flows of all ``values`` (an operation's result)."""
    flows: list[Flow] = []
    for v in values:
        flows.extend(v.every_flow())
    return Val(_dedupe(flows)) if flows else Val()

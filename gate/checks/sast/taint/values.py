"""Abstract values: what the analysis knows about an expression.

A :class:`Val` carries the flows of user input it may hold (each with its
path so far and the sink kinds it was sanitised for), a constant when the
value is known (for folding ``7 * 18 + num > 200``), the qualified name of
what it refers to (a module, a function, an instance of a known class), and,
for containers, the values at constant keys or indexes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from gate.checks.sast.taint.interface import Step

__all__ = [
    "INPUT",
    "MAX_FLOWS",
    "NO_CONST",
    "PROOF",
    "UNRESOLVED",
    "Flow",
    "Val",
    "element_of",
    "item_at",
    "join",
    "join_all",
    "proof",
    "unresolved",
]

MAX_FLOWS = 6
MAX_STEPS = 10
INPUT = -1
"""``Flow.param`` of a real source of outside input."""
UNRESOLVED = -2
"""``Flow.param`` of a value the analysis could not resolve (an unknown call, an attribute of an
unknown object, a name from a module it did not load): never a finding, never a proof."""
PROOF = -3
"""``Flow.param`` of a proof-only flow: a value made safe for every sink (``int()``), kept so a
sink can say which proof it used."""
OPAQUE_EXEMPT = frozenset({"pathlib.Path()", "jinja2.Environment()", "jinja2.Template()",
                           "lxml.etree.XMLParser()", "xml.sax.make_parser()",
                           "xml.sax.expatreader.create_parser()"})
"""Qualified values whose contents the analysis tracks in their flows (not opaque references)."""


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
    param: int = INPUT
    """While summarising a function: the parameter it stands for (:data:`INPUT`: a real source,
    :data:`UNRESOLVED`: an unresolved value, :data:`PROOF`: a proof record)."""
    by: frozenset[str] = frozenset()
    """The sanitisers, casts and guards that cleared it (named in the proof of a safe sink)."""
    attr: str = ""
    """For a parameter: the attribute of it that was read (``self.text``), if any."""

    @property
    def is_input(self) -> bool:
        """A real source of outside input (reported when it reaches a sink)."""
        return self.param == INPUT

    @property
    def is_param(self) -> bool:
        """A placeholder for a parameter of the function being summarised."""
        return self.param >= 0

    def step(self, item: Step) -> Flow:
        """This flow with one more step (long paths keep their start and their end)."""
        if self.param < INPUT or (self.steps and self.steps[-1] == item):
            return self  # unresolved values and proofs carry no path
        steps = (*self.steps, item)
        if len(steps) > MAX_STEPS:
            steps = (*steps[:2], *steps[-(MAX_STEPS - 2):])
        return Flow(self.label, self.confidence, steps, self.cleared, self.param, self.by,
                    self.attr)

    def clear(self, kinds: frozenset[str], by: str = "") -> Flow:
        """This flow, sanitised for ``kinds`` too (by the sanitiser or guard ``by``)."""
        return replace(self, cleared=self.cleared | kinds,
                       by=self.by | {by} if by else self.by)

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
    mapping: bool = False
    """A dict (its ``items`` are keys and values; iterating it yields the keys)."""

    @property
    def known(self) -> bool:
        """Whether the value is a known constant."""
        return self.const is not NO_CONST

    @property
    def opaque(self) -> bool:
        """A reference the analysis cannot see into: an imported name, an object, a call result.

        Its text is unknown, so wherever it is used as data it stands for an
        unresolved value (:func:`Val.every_flow` adds one).
        """
        return self.qual is not None and not self.flows and not self.known \
            and self.qual not in OPAQUE_EXEMPT

    def every_flow(self) -> tuple[Flow, ...]:
        """Its own flows and those of everything it contains (an opaque value: unresolved)."""
        if self.opaque and not self.items:
            return (_opaque_flow(self.qual or ""),)
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
                   self.choices, self.flags, self.mapping)

    def cleared(self, kinds: frozenset[str], by: str = "") -> Val:
        """Sanitised for ``kinds``: every flow, contained ones included (an opaque value too)."""
        if not kinds:
            return self
        if self.opaque and not self.items:
            return Val(flows=tuple(f.clear(kinds, by) for f in self.every_flow()))
        items = None if self.items is None else tuple((k, v.cleared(kinds, by))
                                                       for k, v in self.items)
        return replace(self, flows=tuple(f.clear(kinds, by) for f in self.flows), items=items)

    def flat(self) -> Val:
        """A value holding every contained flow directly (a container used as a whole)."""
        return Val(flows=self.every_flow(), const=self.const, qual=self.qual, flags=self.flags)


@lru_cache(maxsize=4096)
def _opaque_flow(qual: str) -> Flow:
    return Flow(f"unresolved: {qual[:80]}", "none", (), param=UNRESOLVED)


@lru_cache(maxsize=4096)
def unresolved(label: str) -> Val:
    """A value the analysis cannot resolve (never proven safe, never a finding by itself)."""
    return Val(flows=(Flow(f"unresolved: {label[:80]}", "none", (), param=UNRESOLVED),))


@lru_cache(maxsize=1024)
def proof(label: str) -> Val:
    """A value of a safe type (the result of ``int()``): safe for every sink, by ``label``."""
    return Val(flows=(Flow(label, "none", (), frozenset({"*"}), PROOF, frozenset({label})),))


_RANK = {INPUT: 0, UNRESOLVED: 2, PROOF: 3}


def _order(flow: Flow) -> tuple[int, int, int]:
    """Dangerous flows first: input, parameters, unresolved, then sanitised, then proofs."""
    return ("*" in flow.cleared, _RANK.get(flow.param, 1), len(flow.cleared))


def _dedupe(flows: list[Flow]) -> tuple[Flow, ...]:
    """Distinct flows, at most :data:`MAX_FLOWS`: what does not fit is merged, never dropped.

    The flows past the limit become one unresolved flow cleared only for the
    kinds all of them were cleared for, so a sink can never be proven safe by
    a flow that was cut.
    """
    seen: dict[tuple[str, int, frozenset[str], str], Flow] = {}
    for flow in flows:
        seen.setdefault((flow.label, flow.param, flow.cleared, flow.attr), flow)
    if len(seen) <= MAX_FLOWS:
        return tuple(seen.values())
    ordered = sorted(seen.values(), key=_order)
    kept, rest = ordered[:MAX_FLOWS - 1], ordered[MAX_FLOWS - 1:]
    cleared = frozenset.intersection(*(f.cleared for f in rest))
    by = frozenset().union(*(f.by for f in rest)) if cleared else frozenset()
    param = PROOF if "*" in cleared else UNRESOLVED
    return (*kept, Flow("unresolved: more inputs", "none", (), cleared, param, by))


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
    if a.qual != b.qual and (a.opaque or b.opaque):
        flows = _dedupe([*a.every_flow(), *b.every_flow()])
    else:
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
               a.flags | b.flags, a.mapping and b.mapping and items is not None)


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


def _same_key(a: Any, b: Any) -> bool:
    return bool(a == b and type(a) is type(b))


def item_at(base: Val, index: Val) -> Val | None:
    """``base[index]`` for a container with known items and a constant index, or one drawn
    from a few known constants (``crit[k]`` while ``k`` walks a constant list): ``None``
    when it cannot be told."""
    if base.items is None:
        return None
    keys = [k for k, _ in base.items]
    wanted: list[Any]
    if index.known:
        wanted = [index.const]
    elif index.choices and not index.flows:
        wanted = list(index.choices)
    else:
        return None
    found: list[Val] = []
    for key in wanted:
        if isinstance(key, int) and not isinstance(key, bool) and not base.mapping \
                and keys == list(range(len(keys))) and -len(keys) <= key < 0:
            key += len(keys)
        match = [v for k, v in base.items if _same_key(k, key)]
        if not match:
            if base.flows or not base.mapping:
                return None
            continue  # a key the dict does not hold (KeyError or a default)
        found.append(match[0])
    if not found:
        return None
    out = join_all(found)
    return replace(out, flows=_dedupe([*out.flows, *base.flows])) if base.flows else out


def element_of(iterable: Val) -> Val:
    """What a loop over ``iterable`` binds: a dict's keys, a list's elements, else its flows."""
    if iterable.items and iterable.mapping:
        keys = [Val(const=k) for k, _ in iterable.items]
        element = join_all(keys)
    elif iterable.items:
        element = join_all([v for _, v in iterable.items])
    else:
        return Val(flows=iterable.every_flow())
    if iterable.flows:
        element = replace(element, flows=_dedupe([*element.every_flow(), *iterable.flows]),
                          items=None)
    return element


def member(value: Val, attr: str) -> Val:
    """The attribute ``attr`` of an object a repository constructor built, else the object."""
    if attr and value.items and not value.mapping:
        for key, item in value.items:
            if key == f".{attr}":
                return item
    return value

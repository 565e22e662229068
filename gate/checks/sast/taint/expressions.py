"""Evaluating expressions to abstract values (the expression half of the analysis).

:class:`ExprEval` is mixed into :class:`~gate.checks.sast.taint.propagate.Frame`,
which supplies the environment, the statements and the sink bookkeeping.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import gate.checks.sast.taint.folding as folding
import gate.checks.sast.taint.special as special
from gate.checks.sast.taint.calls import CallModels
from gate.checks.sast.taint.interface import SinkSpec, Step
from gate.checks.sast.taint.sanitisers import guard_kinds, positive, sanitiser_for
from gate.checks.sast.taint.sources import (
    REQUEST_OBJECTS,
    attribute_source,
    call_source,
    request_attribute,
)
from gate.checks.sast.taint.values import (
    NO_CONST,
    Flow,
    Val,
    element_of,
    item_at,
    join,
    join_all,
    proof,
    union_flows,
    unresolved,
)

if TYPE_CHECKING:
    from gate.checks.sast.taint.roles import ScopeRole

__all__ = ["REQUEST", "ExprEval", "is_request"]

REQUEST = "<request>"
"""The qualified name given to a request object recognised by its name."""
_BUILTINS = frozenset(dir(builtins))
MAX_ITEMS = 64
"""Containers with more literal elements are tracked as a whole (data tables, not state)."""
class BudgetExceeded(Exception):
    """The file needs more evaluation steps than the analysis allows."""


def is_request(v: Val) -> bool:
    """Whether a value is the current request object."""
    return v.qual == REQUEST or v.qual in REQUEST_OBJECTS


_SQL_TEXT = re.compile(r"(select\s.*from\s|delete\s+from\s|insert\s+into\s.*values[\s(]?|"
                       r"update\s.*set\s)", re.IGNORECASE | re.DOTALL)
"""Text that reads like SQL (bandit's B608 pattern): strings built around it get a verdict."""
TEXT_KIND = "sql-text"
"""The mark kind of a string built with ``+``, ``%``, an f-string or ``.format`` around SQL."""


def _sql_parts(node: ast.expr) -> bool:
    """Whether a string-building expression holds SQL-like literal text."""
    parts: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            parts.append(item.value)
        elif isinstance(item, ast.BinOp):
            stack.extend((item.left, item.right))
        elif isinstance(item, ast.JoinedStr):
            stack.extend(item.values)
        elif isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute):
            stack.append(item.func.value)
    return bool(_SQL_TEXT.search(" ".join(parts)))


class ExprEval(CallModels):
    """Expression evaluation; the frame provides ``env``, ``scope`` and ``sink``."""

    env: dict[str, Val]
    scope: ScopeRole
    closure: dict[str, Val]
    fixed_path: bool = False
    """Inside a view whose every route is a fixed path: ``request.path`` is that path."""
    building: int = 0
    """Depth inside a string-building expression (only the outermost gets a text verdict)."""

    def text_mark(self, node: ast.expr, value: Val) -> None:  # pragma: no cover - abstract
        """Record the verdict on a string built around SQL text (provided by the frame)."""
        raise NotImplementedError

    def _built(self, node: ast.expr, evaluate: Callable[[], Val]) -> Val:
        """Evaluate a string-building node; the outermost one around SQL text gets a verdict."""
        self.building += 1
        try:
            value = evaluate()
        finally:
            self.building -= 1
        if self.building == 0 and self.scope.primary and _sql_parts(node):
            self.text_mark(node, value)
        return value

    # -- provided by the frame ------------------------------------------------
    def rebind(self, target: ast.expr, value: Val) -> None:  # pragma: no cover - abstract
        """Replace what a name holds after a method changed it."""
        raise NotImplementedError

    def self_attribute(self, attr: str) -> Val | None:
        """What the class's other methods store in ``self.attr`` (provided by the frame)."""
        return None

    def sink(self, spec: SinkSpec, name: str, line: int, values: list[Val],
             report: bool = True, proven_by: str = "") -> None:  # pragma: no cover - abstract
        """Record a sink call and the values reaching it."""
        raise NotImplementedError

    def setting(self, spec: SinkSpec, line: int, message: str) -> None:  # pragma: no cover
        """Record a finding about a call's settings (cookie flags)."""
        raise NotImplementedError

    def call_repo(self, fq: str | None, name: str, recv: Val | None, args: list[Val],
                  kwargs: dict[str, Val], line: int,
                  self_call: bool = False) -> Val | None:  # pragma: no cover
        """A call into the repository, through the callee's summary (``None``: not one)."""
        raise NotImplementedError

    # -- helpers ----------------------------------------------------------------
    def step(self, line: int, message: str) -> Step:
        """A step in this file."""
        return Step(self.scope.info.rel, line, message)

    def source(self, label: str, confidence: str, line: int, qual: str | None = None) -> Val:
        """A fresh flow of user input."""
        flow = Flow(label, confidence, (self.step(line, f"user input: {label}"),))
        return Val(flows=(flow,), qual=qual)

    def lookup(self, name: str) -> Val:
        """A name: local, enclosing, module-level, builtin, or ``request`` by convention."""
        for table in (self.env, self.closure, self.scope.globals):
            found = table.get(name)
            if found is not None:
                return found
        if name in _BUILTINS:
            return Val(qual=f"builtins.{name}")
        if name == "request" and self.scope.info.web:
            return Val(qual=REQUEST)
        return unresolved(f"name '{name}'")

    # -- dispatch ---------------------------------------------------------------
    def ev(self, node: ast.expr | None) -> Val:
        """The abstract value of ``node``."""
        if node is None:
            return Val()
        self.scope.tick()
        handler = getattr(self, f"ev_{type(node).__name__}", None)
        if handler is None:  # yield (a value sent in), a template string...: not resolved
            return unresolved(type(node).__name__)
        result: Val = handler(node)
        return result

    def ev_Constant(self, node: ast.Constant) -> Val:
        return Val(const=node.value)

    def ev_Name(self, node: ast.Name) -> Val:
        return self.lookup(node.id)

    def ev_Attribute(self, node: ast.Attribute) -> Val:
        if isinstance(node.value, ast.Name):
            stored = self.env.get(f"{node.value.id}.{node.attr}")
            if stored is not None:
                return stored
            if node.value.id == "self":
                elsewhere = self.self_attribute(node.attr)
                if elsewhere is not None:
                    return elsewhere
        if node.attr in {"kwargs", "args"} and isinstance(node.value, ast.Name) \
                and node.value.id == "self" and self.scope.info.django:
            return self.source(f"self.{node.attr}", "medium", node.lineno)  # a view's URL kwargs
        base = self.ev(node.value)
        if base.items and not base.mapping:
            for key, value in base.items:
                if key == f".{node.attr}":
                    return value  # an attribute a repository constructor set
        if is_request(base):
            if node.attr == "path" and self.fixed_path:
                return proof("request.path of a fixed route")
            spec = request_attribute(node.attr)
            if spec is not None:
                return self.source(spec.label, spec.confidence, node.lineno,
                                   qual=f"{REQUEST}.{node.attr}")
            return Val(qual=f"{REQUEST}.{node.attr}")
        if node.attr == "request" and self.scope.info.web \
                and (base.qual is None or base.qual.endswith("()")):
            return Val(qual=REQUEST)
        qual = f"{base.qual}.{node.attr}" if base.qual else None
        if qual:
            spec = attribute_source(qual)
            if spec is not None:
                return self.source(spec.label, spec.confidence, node.lineno, qual=qual)
        flows = tuple(replace(f, attr=node.attr) if f.is_param and not f.attr else f
                      for f in base.every_flow())  # ``self.text``: that attribute of a parameter
        return Val(flows=flows, qual=qual)

    def ev_Call(self, node: ast.Call) -> Val:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                and isinstance(node.func.value, ast.Constant):
            return self._built(node, lambda: self._call(node))
        return self._call(node)

    def _call(self, node: ast.Call) -> Val:
        func = node.func
        recv: Val | None = None
        if isinstance(func, ast.Attribute):
            recv = self.ev(func.value)
            name = func.attr
            fq = f"{recv.qual}.{name}" if recv.qual else None
        else:
            name = func.id if isinstance(func, ast.Name) else ""
            fq = self.ev(func).qual
        args = [self.ev(a.value if isinstance(a, ast.Starred) else a) for a in node.args]
        kwargs: dict[str, Val] = {}
        for kw in node.keywords:
            kwargs[kw.arg or f"**{len(kwargs)}"] = self.ev(kw.value)
        everything = [*([recv] if recv is not None else []), *args, *kwargs.values()]
        line = node.lineno
        if recv is not None and is_request(recv):
            spec = request_attribute(name)
            if spec is not None:
                return self.source(spec.label, spec.confidence, line)
        if fq:
            spec = call_source(fq)
            if spec is not None:
                return self.source(spec.label, spec.confidence, line)
        overriding = special.check_call(self, node, fq, name, recv, args, kwargs)
        if overriding is not None:
            return overriding
        kinds = sanitiser_for(fq, name)
        if kinds:
            if "*" in kinds:
                return proof(f"{name}()")
            data = [*args, *kwargs.values()]
            if recv is not None and (recv.flows or not recv.opaque):
                data.append(recv)  # a method of the value itself (``s.escape()``), not a module
            return union_flows(data).cleared(kinds, by=f"{name}()")
        self_call = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "self"
        repo = self.call_repo(fq, name, recv, args, kwargs, line, self_call)
        if repo is not None:
            return repo
        return self.model_call(node, fq, name, recv, args, kwargs, everything)

    def ev_BinOp(self, node: ast.BinOp) -> Val:
        if isinstance(node.op, (ast.Add, ast.Mod)):
            return self._built(node, lambda: self._binop(node))
        return self._binop(node)

    def _binop(self, node: ast.BinOp) -> Val:
        left, right = self.ev(node.left), self.ev(node.right)
        if left.known and right.known:
            folded = folding.fold_binop(node.op, left.const, right.const)
            if folded is not NO_CONST:
                return Val(const=folded)
        result = union_flows([left, right])
        if isinstance(node.op, ast.Div) and left.qual == "pathlib.Path()":
            return replace(result, qual="pathlib.Path()")
        if isinstance(node.op, ast.Add) and left.items is not None and right.items is not None:
            merged = [v for _, v in left.items] + [v for _, v in right.items]
            return replace(result, flows=(), items=tuple(enumerate(merged)))
        return result

    def ev_UnaryOp(self, node: ast.UnaryOp) -> Val:
        operand = self.ev(node.operand)
        if operand.known:
            folded = folding.fold_unary(node.op, operand.const)
            if folded is not NO_CONST:
                return Val(const=folded)
        return Val() if isinstance(node.op, ast.Not) else union_flows([operand])

    def ev_BoolOp(self, node: ast.BoolOp) -> Val:
        values: list[Val] = []
        for item in node.values:
            v = self.ev(item)
            truth = folding.truth(v.const)
            if truth is not None:
                if truth == isinstance(node.op, ast.Or):
                    return v if not values else join_all([*values, v])
                continue
            values.append(v)
        return join_all(values) if values else Val(const=not isinstance(node.op, ast.Or))

    def ev_Compare(self, node: ast.Compare) -> Val:
        values = [self.ev(node.left), *[self.ev(c) for c in node.comparators]]
        if all(v.known for v in values):
            return Val(const=folding.fold_compare(node.ops, [v.const for v in values]))
        return Val()

    def ev_IfExp(self, node: ast.IfExp) -> Val:
        truth = folding.truth(self.ev(node.test).const)
        if truth is True:
            return self.ev(node.body)
        if truth is False:
            return self.ev(node.orelse)
        body, orelse = self.ev(node.body), self.ev(node.orelse)
        kinds = guard_kinds(node.test)
        if kinds:
            if positive(node.test):
                body = body.cleared(kinds)
            else:
                orelse = orelse.cleared(kinds)
        return join(body, orelse)

    def ev_JoinedStr(self, node: ast.JoinedStr) -> Val:
        return self._built(node, lambda: self._joined(node))

    def _joined(self, node: ast.JoinedStr) -> Val:
        parts = [self.ev(v) for v in node.values]
        if all(p.known and isinstance(p.const, str) for p in parts):
            text = "".join(p.const for p in parts)
            return Val(const=text) if len(text) <= folding.MAX_TEXT else Val()
        return union_flows(parts)

    def ev_FormattedValue(self, node: ast.FormattedValue) -> Val:
        value = self.ev(node.value)
        if node.format_spec is not None:
            self.ev(node.format_spec)
            return union_flows([value])
        if value.known and isinstance(value.const, (str, int)) and node.conversion in (-1, 115):
            return Val(const=str(value.const))
        return union_flows([value])

    def ev_Subscript(self, node: ast.Subscript) -> Val:
        base = self.ev(node.value)
        index = self.ev(node.slice)
        if base.known and index.known:
            folded = folding.fold_subscript(base.const, index.const)
            if folded is not NO_CONST:
                return Val(const=folded)
        if base.items is not None and not isinstance(node.slice, ast.Slice):
            found = item_at(base, index)
            if found is not None:
                return found
        if isinstance(node.slice, ast.Slice):
            return union_flows([base])
        return replace(base.flat(), const=NO_CONST, qual=None)

    def ev_Slice(self, node: ast.Slice) -> Val:
        parts = [self.ev(p) for p in (node.lower, node.upper, node.step)]
        if all(p.known or p == Val() for p in parts):
            bounds = [p.const if p.known else None for p in parts]
            if all(b is None or isinstance(b, int) for b in bounds):
                return Val(const=slice(*bounds))
        return Val()

    def _sequence(self, elts: list[ast.expr]) -> Val:
        if len(elts) > MAX_ITEMS:
            return union_flows([self.ev(e) for e in elts if not isinstance(e, ast.Constant)])
        values = [self.ev(e.value if isinstance(e, ast.Starred) else e) for e in elts]
        if any(isinstance(e, ast.Starred) for e in elts):
            return union_flows(values)
        return Val(items=tuple(enumerate(values)))

    def ev_List(self, node: ast.List) -> Val:
        return self._sequence(node.elts)

    def ev_Tuple(self, node: ast.Tuple) -> Val:
        value = self._sequence(node.elts)
        if value.items is not None and all(v.known for _, v in value.items) and len(node.elts) <= 64:
            return replace(value, const=tuple(v.const for _, v in value.items))
        return value

    def ev_Set(self, node: ast.Set) -> Val:
        return union_flows([self.ev(e) for e in node.elts])

    def ev_Dict(self, node: ast.Dict) -> Val:
        if len(node.keys) > MAX_ITEMS:
            return union_flows([self.ev(e) for e in [*node.keys, *node.values]
                                if e is not None and not isinstance(e, ast.Constant)])
        items: list[tuple[Any, Val]] = []
        loose: list[Val] = []
        for key, value in zip(node.keys, node.values, strict=True):
            k = self.ev(key) if key is not None else Val()
            v = self.ev(value)
            if key is not None and k.known and not k.flows:
                items.append((k.const, v))
            else:
                loose.extend([k, v])
        return Val(flows=union_flows(loose).flows, items=tuple(items), mapping=True)

    def _comprehension(self, generators: list[ast.comprehension], elts: list[ast.expr]) -> Val:
        saved = dict(self.env)
        for gen in generators:
            self.bind_target(gen.target, element_of(self.ev(gen.iter)), gen.iter.lineno)
            for cond in gen.ifs:
                self.ev(cond)
        values = [self.ev(e) for e in elts]
        self.env = saved
        return union_flows(values)

    def bind_target(self, target: ast.expr, value: Val, line: int) -> None:  # pragma: no cover
        """Assign a value to a target (provided by the frame)."""
        raise NotImplementedError

    def ev_ListComp(self, node: ast.ListComp) -> Val:
        return self._comprehension(node.generators, [node.elt])

    def ev_SetComp(self, node: ast.SetComp) -> Val:
        return self._comprehension(node.generators, [node.elt])

    def ev_GeneratorExp(self, node: ast.GeneratorExp) -> Val:
        return self._comprehension(node.generators, [node.elt])

    def ev_DictComp(self, node: ast.DictComp) -> Val:
        return self._comprehension(node.generators, [node.key, node.value])

    def ev_Await(self, node: ast.Await) -> Val:
        return self.ev(node.value)

    def ev_Starred(self, node: ast.Starred) -> Val:
        return self.ev(node.value)

    def ev_NamedExpr(self, node: ast.NamedExpr) -> Val:
        value = self.ev(node.value)
        self.bind_target(node.target, value, node.lineno)
        return value

    def ev_Lambda(self, node: ast.Lambda) -> Val:
        """A lambda's body is checked where it is written (its sinks get their verdicts), with
        its parameters unresolved: nobody is followed into calling it."""
        saved = dict(self.env)
        args = node.args
        for param in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                      *([args.vararg] if args.vararg else []),
                      *([args.kwarg] if args.kwarg else [])]:
            self.env[param.arg] = unresolved(f"parameter '{param.arg}' of a lambda")
        self.ev(node.body)
        self.env = saved
        return Val(qual="<lambda>")

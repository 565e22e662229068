"""Intra-procedural propagation: one function (or a module's top level) statement by statement.

:class:`Frame` binds the parameters, runs the body (control flow in
:mod:`gate.checks.sast.taint.control`, expressions in
:mod:`gate.checks.sast.taint.expressions`), records what reaches a sink and
summarises the function for its callers; calls into the repository go
through the callee's summary.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import gate.checks.sast.taint.folding as folding
import gate.checks.sast.taint.sinks as sinks
from gate.checks.sast.taint.control import ControlFlow
from gate.checks.sast.taint.expressions import REQUEST, TEXT_KIND, is_request
from gate.checks.sast.taint.interface import LOCAL, SAFE, TAINTED, UNPROVEN, SinkSpec
from gate.checks.sast.taint.roles import FunctionNode
from gate.checks.sast.taint.sources import dependency, request_annotation, safe_annotation
from gate.checks.sast.taint.special import SESSIONS
from gate.checks.sast.taint.summaries import FuncSummary, ParamSink, apply_attrs, apply_return
from gate.checks.sast.taint.values import (
    NO_CONST,
    Flow,
    Val,
    join,
    member,
    proof,
    union_flows,
    unresolved,
)

if TYPE_CHECKING:
    from gate.checks.sast.taint.roles import ScopeRole

__all__ = ["Frame", "Unit"]



@dataclass
class Unit:
    """What is being analysed: a function (or the module body) and how it is called."""

    qual: str
    name: str
    body: list[ast.stmt]
    span: tuple[int, int]
    node: FunctionNode | None = None
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Parameters that are user input: name -> (label, confidence)."""
    html_route: bool = False
    """A Flask view: the text it returns is the HTML response body."""
    fixed_path: bool = False
    """A view whose every route is a fixed path (no variable part)."""
    requests: frozenset[int] = frozenset()
    """Positional parameters every analysed caller passes the current request object to."""
    owner: str | None = None
    """The class of a method (``self.helper()`` calls resolve to its methods)."""
    injected: dict[str, Val] = field(default_factory=dict)
    """Parameters a decorator of the repository fills in (``f(request.get_json(), ...)``)."""


_CONSOLE = frozenset({"input()", "raw_input()"})
"""Console input: anyone can pipe it in, unlike the invoking user's environment or argv."""


class Frame(ControlFlow):
    """One run over one unit; collects returns, parameter sinks and (via the scope) findings."""

    def __init__(self, scope: ScopeRole, unit: Unit, closure: dict[str, Val]) -> None:
        self.scope = scope
        self.unit = unit
        self.closure = closure
        self.env: dict[str, Val] = {}
        self.derived: dict[str, ast.expr] = {}
        self.returns: list[Val] = []
        self.param_sinks: list[ParamSink] = []
        self.fixed_path = unit.fixed_path

    # -- running ----------------------------------------------------------------
    def run(self) -> FuncSummary:
        """Bind the parameters, run the body, summarise."""
        params = self._bind_parameters()
        self.block(self.unit.body)
        ret = Val()
        for value in self.returns:
            ret = join(ret, value) if ret != Val() else value
        node = self.unit.node
        first = [*node.args.posonlyargs, *node.args.args][:1] if node is not None else []
        attrs: tuple[tuple[str, Val], ...] = ()
        if first and (self.unit.name == "__init__" or self.unit.owner):
            prefix = f"{first[0].arg}."
            attrs = tuple((k[len(prefix):], v) for k, v in sorted(self.env.items())
                          if k.startswith(prefix))
        return FuncSummary(self.unit.name, ret, tuple(self.param_sinks), params, attrs)

    def _bind_parameters(self) -> int:
        node = self.unit.node
        if node is None:
            return 0
        args = node.args
        params = [*args.posonlyargs, *args.args]
        defaults = [None] * (len(params) - len(args.defaults)) + list(args.defaults)
        for index, param in enumerate(params):
            typed = safe_annotation(param) if param.arg in self.unit.sources else None
            provider = dependency(defaults[index])
            if param.arg in self.unit.injected:
                self.env[param.arg] = self.unit.injected[param.arg]
            elif typed:
                self.env[param.arg] = proof(f"{param.arg}: {typed}")
            elif provider is not None:
                self.env[param.arg] = self._provided(provider, node.lineno)
            elif param.arg in self.unit.sources:
                label, confidence = self.unit.sources[param.arg]
                self.env[param.arg] = self.source(label, confidence, node.lineno)
            elif index in self.unit.requests or (self.scope.info.web and (
                    param.arg == "request" or request_annotation(param))):
                self.env[param.arg] = Val(qual=REQUEST)
            else:
                self.env[param.arg] = Val((Flow(f"parameter '{param.arg}'", "high", (), param=index),))
        for param, default in zip([*args.kwonlyargs, *([args.vararg] if args.vararg else []),
                                   *([args.kwarg] if args.kwarg else [])],
                                  [*args.kw_defaults, None, None], strict=False):
            provider = dependency(default)
            typed = safe_annotation(param) if param.arg in self.unit.sources else None
            if typed:
                self.env[param.arg] = proof(f"{param.arg}: {typed}")
            elif provider is not None:
                self.env[param.arg] = self._provided(provider, node.lineno)
            elif param.arg in self.unit.sources:
                label, confidence = self.unit.sources[param.arg]
                self.env[param.arg] = self.source(label, confidence, node.lineno)
            else:  # keyword-only and starred parameters: not followed from callers
                self.env[param.arg] = unresolved(f"parameter '{param.arg}'")
        return len(params)

    def self_attribute(self, attr: str) -> Val | None:
        """``self.attr`` read in a method of a web module's class and not set in it: what the
        class's other methods store there (``setup()`` storing ``request.GET['q']``).

        Only when some method stores input there: the input, plus an unresolved value (the
        attribute may also be set from outside the class), so it reports the flow and never
        proves one safe. Otherwise ``None``: an attribute of the ``self`` parameter.
        """
        owner = self.unit.owner
        if owner is None or not self.scope.info.web or attr == "request":
            return None
        setters = self.scope.attribute_setters(owner).get(attr, ())
        values: list[Val] = []
        for method in setters:
            if method == self.unit.name:
                continue
            summary = self.scope.summary(f"{owner}.{method}")
            if summary is None:
                continue
            for name, value in summary.attrs:
                if name == attr:
                    values.append(value)
        flows = [f for v in values for f in v.every_flow() if f.is_input]
        if not flows:
            return None  # as any attribute of a parameter: the caller's object decides
        return Val(flows=(*flows[:3], *unresolved(f"self.{attr}").flows))

    def _construct(self, module: ScopeRole, local: str, args: list[Val], line: int) -> Val:
        """A new object of a repository class: the attributes its ``__init__`` sets, each
        tracked apart (``self.text = escape(text)`` stays escaped); without an ``__init__`` the
        object carries its arguments' flows."""
        qual = f"{module.info.name}.{local}()"
        carried = any(f.is_input or f.is_param for v in args for f in v.every_flow())
        summary = module.summary(f"{local}.__init__") \
            if carried and module.function_node(f"{local}.__init__") is not None else None
        if summary is None:
            return Val(flows=union_flows(list(args)).flows, qual=qual)
        attrs = apply_attrs(summary, [Val(), *args], self.step(line, f"stored by {local}()"))
        items = tuple((f".{name}", value) for name, value in attrs)
        return Val(flows=union_flows([v for _, v in attrs]).flows, qual=qual, items=items)

    def _provided(self, provider: ast.expr, line: int) -> Val:
        """What a ``Depends(provider)`` parameter holds: the provider's return value, with the
        provider's own parameters taken from the request (FastAPI fills them in)."""
        fq = self.ev(provider).qual
        found = self.scope.project.resolve(self.scope, fq) if fq else None
        if found is None or found[2] != "function":
            return unresolved(f"Depends({fq or '?'})")
        summary = found[0].summary(found[1], endpoint=True)
        if summary is None:
            return unresolved(f"Depends({fq})")
        return apply_return(summary, [], self.step(line, f"provided by Depends({found[1]})"))

    def sink(self, spec: SinkSpec, name: str, line: int, values: list[Val],
             report: bool = True, proven_by: str = "") -> None:
        """A sink call: report sources reaching it, record parameters reaching it, mark it.

        The mark is ``safe`` only on proof: every flow into the sink was
        cleared for its kind (a sanitiser, a safe type, a guard) and every
        other part is a constant. A parameter or an unresolved value leaves it
        ``unproven``; input, ``tainted``. With ``report`` false (an XML parser
        that resolves no entities) input is marked but not reported.
        """
        status = SAFE
        arrive = self.step(line, f"reaches {name}")
        inputs: list[Flow] = []
        proofs: set[str] = {proven_by} if proven_by else set()
        unproven = False
        for value in values:
            flows = value.every_flow()
            if not flows:
                proofs.add("constant" if value.known else "built from constants")
            for flow in flows:
                if not flow.reaches(spec.kind):
                    proofs.update(flow.by or {"sanitised"})
                    continue
                if flow.is_param:
                    status, unproven = TAINTED if status == TAINTED else UNPROVEN, True
                    self.param_sinks.append(ParamSink(flow.param, spec, name,
                                                      (*flow.steps, arrive), flow.cleared,
                                                      flow.attr))
                elif flow.is_input and report:
                    status = TAINTED
                    inputs.append(flow.step(arrive))
                    if self.unit.requests and not self.scope.primary:  # the caller reports it
                        self.param_sinks.append(ParamSink(min(self.unit.requests), spec, name,
                                                          (*flow.steps, arrive), flow.cleared))
                else:
                    status, unproven = TAINTED if status == TAINTED else UNPROVEN, True
        if inputs:
            self.scope.report(spec, name, line, inputs)
            if not unproven and all(f.confidence == "low" and f.label not in _CONSOLE
                                    for f in inputs):
                status = LOCAL  # the invoking user's own environment/arguments, all else proven
                proofs = {f"only the invoking user's {', '.join(sorted({f.label for f in inputs}))}"}
        proof = ", ".join(sorted(proofs)) if status in (SAFE, LOCAL) else ""
        self.scope.mark(spec.kind, line, status, self.unit.span,
                        (proof or "no value reaches it") if status in (SAFE, LOCAL) else "")

    def text_mark(self, node: ast.expr, value: Val) -> None:
        """A string built around SQL text: safe only when every part is proven (bandit's B608)."""
        status, proofs = SAFE, set()
        flows = value.every_flow()
        if not flows:
            proofs.add("constant" if value.known else "built from constants")
        for flow in flows:
            if not flow.reaches("sql"):
                proofs.update(flow.by or {"sanitised"})
            elif flow.is_input:
                status = TAINTED
            elif status != TAINTED:
                status = UNPROVEN
        self.scope.mark(TEXT_KIND, node.lineno, status, (node.lineno, node.end_lineno or node.lineno),
                        ", ".join(sorted(proofs)) if status == SAFE else "")

    def setting(self, spec: SinkSpec, line: int, message: str) -> None:
        """A finding about a call's settings rather than its data (cookie flags)."""
        self.scope.report(spec, message, line, [Flow(message, "high", (self.step(line, message),))])

    def through(self, inner: ParamSink, arg: Val, name: str, line: int) -> None:
        """An argument passed to a function whose parameter reaches a sink inside."""
        status = SAFE
        call = self.step(line, f"passed to {name}()")
        inputs: list[Flow] = []
        arg = member(arg, inner.attr)
        flows = arg.every_flow()
        if is_request(arg):  # the request object itself: the callee read input from it
            first = inner.steps[0].message.removeprefix("user input: ") if inner.steps else ""
            flows = (Flow(first or "request", "high", ()),)
        for flow in flows:
            if not flow.reaches(inner.spec.kind) or not (flow.cleared | inner.cleared).isdisjoint(
                    {inner.spec.kind, "*"}):
                continue
            path = flow.step(call)
            for item in inner.steps:
                path = path.step(item)
            if flow.is_param:
                status = TAINTED if status == TAINTED else UNPROVEN
                self.param_sinks.append(ParamSink(flow.param, inner.spec, inner.sink, path.steps,
                                                  flow.cleared))
            elif flow.is_input:
                status = TAINTED
                inputs.append(path)
            else:
                status = TAINTED if status == TAINTED else UNPROVEN
        if inputs:
            self.scope.report(inner.spec, f"{inner.sink} in {name}()", line, inputs)
        self.scope.mark(inner.spec.kind, line, status, self.unit.span,
                        "the argument is constant or sanitised" if status == SAFE else "")

    def call_repo(self, fq: str | None, name: str, recv: Val | None, args: list[Val],
                  kwargs: dict[str, Val], line: int, self_call: bool = False) -> Val | None:
        """A call to a function or class of the repository, through its summary."""
        if self_call and self.unit.owner and self.scope.info.web \
                and f"{self.unit.owner}.{name}" in self.scope.info.functions:
            fq = f"{self.scope.info.name}.{self.unit.owner}.{name}"
        else:
            self_call = False
        if not fq:
            return None
        tainted = any(is_request(v) or any(f.is_input or f.is_param for f in v.flows)
                      for v in [*([recv] if recv else []), *args, *kwargs.values()])
        found = self.scope.project.resolve(self.scope, fq, needs_source=not tainted or self.scope.level > 0)
        if found is None:
            return None
        module, local, kind = found
        if kind == "function" and self_call and recv is not None:
            kind = "method"  # self.helper(): the method of this class, self passed first
        if kind == "class":
            return self._construct(module, local, args, line)
        node = module.function_node(local)
        if node is None:
            return None
        full = ([recv] if kind == "method" and recv is not None else []) + list(args)
        names = [p.arg for p in [*node.args.posonlyargs, *node.args.args]]
        for key, value in kwargs.items():
            if key in names:
                index = names.index(key)
                full += [unresolved(f"default of {p}") for p in names[len(full):index + 1]]
                full[index] = value
        requests = frozenset(i for i, v in enumerate(full) if is_request(v))
        summary = module.summary(local, requests)
        if summary is None:
            return None
        step = self.step(line, f"through {name}()")
        for inner in summary.sinks:
            if inner.param < len(full):
                self.through(inner, full[inner.param], name, line)
        return apply_return(summary, full, step)

    # -- binding ------------------------------------------------------------------
    def bind_target(self, target: ast.expr, value: Val, line: int) -> None:
        """Assign ``value`` to a target (name, unpacking, item, attribute)."""
        if isinstance(target, ast.Name):
            self.env[target.id] = value.stepped(self.step(line, f"assigned to {target.id}"))
        elif isinstance(target, (ast.Tuple, ast.List)):
            elts = target.elts
            if value.items is not None and len(value.items) == len(elts) \
                    and not any(isinstance(e, ast.Starred) for e in elts):
                for elt, (_, item) in zip(elts, value.items, strict=True):
                    self.bind_target(elt, item, line)
            else:
                for elt in elts:
                    self.bind_target(elt, value.flat(), line)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, value.flat(), line)
        elif isinstance(target, ast.Subscript):
            self._store_item(target, value, line)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            self.env[f"{target.value.id}.{target.attr}"] = value

    def _store_item(self, target: ast.Subscript, value: Val, line: int) -> None:
        base = self.ev(target.value)
        key = self.ev(target.slice)
        if base.qual in SESSIONS:
            self.sink(sinks.TRUST, "session[...]", line, [key, value])
            return
        if not isinstance(target.value, (ast.Name, ast.Attribute)):
            return
        if base.items is not None and key.known and not isinstance(target.slice, ast.Slice):
            kept = tuple((k, v) for k, v in base.items if not (k == key.const and type(k) is type(key.const)))
            self.rebind(target.value, replace(base, items=(*kept, (key.const, value))))
        elif base.items is not None and base.mapping and key.choices and not key.flows:
            items = dict(base.items)  # a key drawn from a few constants: each may be the one
            for choice in key.choices:
                items[choice] = join(items[choice], value) if choice in items else value
            self.rebind(target.value, replace(base, items=tuple(items.items())))
        else:
            self.rebind(target.value, replace(base, flows=union_flows([base, key, value]).flows))

    def rebind(self, target: ast.expr, value: Val) -> None:
        """Replace what a name (or ``name.attr``) holds, after a method changed it."""
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            self.env[f"{target.value.id}.{target.attr}"] = value

    # -- statements ---------------------------------------------------------------
    def st_Expr(self, node: ast.Expr) -> bool:
        self.ev(node.value)
        return False

    def st_Assign(self, node: ast.Assign) -> bool:
        value = self.ev(node.value)
        for target in node.targets:
            self.bind_target(target, value, node.lineno)
            if isinstance(target, ast.Name):
                self.derived[target.id] = node.value
        return False

    def st_AnnAssign(self, node: ast.AnnAssign) -> bool:
        if node.value is not None:
            self.bind_target(node.target, self.ev(node.value), node.lineno)
        return False

    def st_AugAssign(self, node: ast.AugAssign) -> bool:
        current = self.ev(node.target) if isinstance(node.target, ast.Name) else Val()
        value = self.ev(node.value)
        if current.known and value.known:
            folded = folding.fold_binop(node.op, current.const, value.const)
            if folded is not NO_CONST:
                self.bind_target(node.target, Val(const=folded), node.lineno)
                return False
        if current.items is not None and value.items is not None and isinstance(node.op, ast.Add):
            merged = [v for _, v in current.items] + [v for _, v in value.items]
            self.bind_target(node.target, Val(items=tuple(enumerate(merged))), node.lineno)
            return False
        self.bind_target(node.target, union_flows([current, value]), node.lineno)
        return False

    def st_Return(self, node: ast.Return) -> bool:
        value = self.ev(node.value)
        if self.unit.html_route and not isinstance(node.value, (ast.Dict, ast.List, ast.ListComp,
                                                                ast.DictComp)):
            body = value.items[0][1] if value.items and isinstance(node.value, ast.Tuple) \
                else value
            if body.qual is None and not (body.items and not isinstance(node.value, ast.Tuple)):
                self.sink(sinks.XSS, "the response body", node.lineno, [body])
        self.returns.append(value)
        return True

    def st_Raise(self, node: ast.Raise) -> bool:
        self.ev(node.exc)
        return True

    def st_Delete(self, node: ast.Delete) -> bool:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.env[target.id] = Val()
        return False

    def st_FunctionDef(self, node: FunctionNode) -> bool:
        for decorator in node.decorator_list:
            self.ev(decorator)
        if self.unit.node is None:
            self.env[node.name] = Val(qual=f"{self.scope.info.name}.{node.name}")
            return False
        qual = f"{self.unit.qual}.<locals>.{node.name}"
        self.scope.add_local(qual, node, {**self.closure, **self.env})
        self.env[node.name] = Val(qual=qual)
        return False

    st_AsyncFunctionDef = st_FunctionDef

    def st_ClassDef(self, node: ast.ClassDef) -> bool:
        if self.unit.node is None:
            self.env[node.name] = Val(qual=f"{self.scope.info.name}.{node.name}")
        return False

    def st_Import(self, node: ast.Import) -> bool:
        for alias in node.names:
            if alias.asname:
                self.env[alias.asname] = Val(qual=alias.name)
            else:
                top = alias.name.split(".")[0]
                self.env[top] = Val(qual=top)
        return False

    def st_ImportFrom(self, node: ast.ImportFrom) -> bool:
        base = self.scope.absolute(node.module, node.level)
        for alias in node.names:
            if alias.name == "*":
                continue
            self.env[alias.asname or alias.name] = Val(qual=f"{base}.{alias.name}" if base
                                                       else alias.name)
        return False

    def st_Assert(self, node: ast.Assert) -> bool:
        self.ev(node.test)
        return False

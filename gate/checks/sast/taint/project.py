"""The repository as the analysis sees it: modules, their top-level bindings, function summaries.

A :class:`Project` lives for one worker's lifetime: modules imported by many
files are parsed and summarised once. The module being scanned is "primary":
its findings and sink marks are kept; an imported module only contributes
summaries.
"""

from __future__ import annotations

import ast
import re
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from gate.checks.sast.taint.expressions import BudgetExceeded
from gate.checks.sast.taint.interface import SinkMark, SinkSpec, Step, TaintFinding
from gate.checks.sast.taint.mentions import Mentions
from gate.checks.sast.taint.propagate import Frame, Unit
from gate.checks.sast.taint.resolve import ModuleInfo, locate, module_name, parse_module
from gate.checks.sast.taint.roles import FunctionNode
from gate.checks.sast.taint.sources import route_parameters
from gate.checks.sast.taint.summaries import FuncSummary
from gate.checks.sast.taint.values import Flow, Val, join

__all__ = ["ModuleScope", "Project"]

_IMPORT_LINE = re.compile(rb"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import|import[ \t]+([\w.]+))",
                          re.MULTILINE)
MAX_LEVEL = 2
"""Import hops followed from the scanned file: its imports' summaries may use their own imports'
summaries, and those only their own module's functions."""
MAX_MODULES = 96
"""Imported modules (run, with their summaries) a worker keeps (least recently used evicted
first)."""
MAX_PARSED = 256
"""Parse trees of imported modules a worker keeps (least recently used evicted first): parsing
is a third of the pass, and a module evicted from :data:`MAX_MODULES`, or scanned after being
imported, is not parsed again while its tree is here. On Saleor's 4,300 files this takes the
pass's parses from 1,803 to about 1,270, for some 40 MB more per worker."""
MAX_PARSED_BYTES = 3_000_000
"""...and at most this much source text behind them: a tree takes some twenty times its text,
and imported modules may be up to :data:`~gate.checks.sast.taint.resolve.MAX_MODULE_BYTES`."""
SOURCE_TEXT = Mentions((b"request", b"argv", b"environ", b"getenv", b"input(", b".route(", b"ldap",
                        b"Session(", b"Client(", b"make_parser", b"XMLParser", b"Path(",
                        b"Environment("))
"""What a module's text must mention for its functions to return user input (or a client
the sinks recognise) when called with clean arguments."""
REQUEST_TEXT = re.compile(rb"request")
"""What a module two import hops away must mention to be followed (a web request's helpers)."""


class ModuleScope:
    """One module: its bindings, its functions' summaries and, when primary, its results."""

    def __init__(self, project: Project, info: ModuleInfo, primary: bool, budget: int,
                 level: int = 0) -> None:
        self.project = project
        self.info = info
        self.primary = primary
        self.level = level
        """Import hops from the scanned file (0: the scanned file itself)."""
        self.budget = budget
        self.globals: dict[str, Val] = {}
        self.summaries: dict[str, FuncSummary | None] = {}
        self.setters: dict[str, dict[str, tuple[str, ...]]] = {}
        self.locals: dict[str, tuple[FunctionNode, dict[str, Val]]] = {}
        self.findings: dict[tuple[str, int], TaintFinding] = {}
        self.marks: list[SinkMark] = []
        self.flask = False
        self.relevant: Callable[[int, int], bool] = lambda first, last: True
        """Whether lines first..last mention a source or a sink (set for the scanned module)."""
        self.views = "views" in info.rel.rsplit("/", 1)[-1] or "/views/" in f"/{info.rel}"

    def tick(self) -> None:
        """Count one evaluation step; raise when the file's budget is spent."""
        self.budget -= 1
        if self.budget < 0:
            raise BudgetExceeded

    def absolute(self, module: str | None, level: int) -> str:
        """The absolute name of a (possibly relative) ``from`` import's module."""
        if level == 0:
            return module or ""
        parts = self.info.name.split(".")
        package = parts if self.info.is_package else parts[:-1]
        package = package[: len(package) - (level - 1)] if level > 1 else package
        return ".".join([*package, *([module] if module else [])])

    # -- running ------------------------------------------------------------------
    def run_module(self) -> None:
        """Run the top level; its final environment becomes the module's globals."""
        self.flask = self.info.flask
        for name in self.info.functions:
            if "." not in name:
                self.globals[name] = Val(qual=f"{self.info.name}.{name}")
        for name in self.info.classes:
            self.globals[name] = Val(qual=f"{self.info.name}.{name}")
        lines = (1, max(self.info.lines, 1))
        frame = Frame(self, Unit(f"{self.info.name}.<module>", "<module>", self.info.tree.body,
                                 lines), {})
        frame.env = self.globals
        frame.block(self.info.tree.body)
        self.globals = frame.env

    def _worth(self, node: FunctionNode) -> bool:
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        return self.relevant(first, node.end_lineno or node.lineno)

    def analyse_all(self) -> None:
        """Summarise every function that mentions a source or a sink (findings come along).

        A function mentioning neither can produce no finding and no sink
        verdict of its own; it is still summarised when a caller needs it.
        Nested functions are registered as their parent runs.
        """
        for name, node in list(self.info.functions.items()):
            if self._worth(node):
                self.summary(name)
        done: set[str] = set()
        while True:
            pending = [q for q in self.locals if q not in done]
            if not pending:
                break
            for qual in pending:
                done.add(qual)
                if self._worth(self.locals[qual][0]):
                    self.summary(qual)

    def function_node(self, local: str) -> FunctionNode | None:
        """The node of a top-level function, method (``C.m``) or nested function."""
        if local in self.locals:
            return self.locals[local][0]
        return self.info.functions.get(local)

    def add_local(self, qual: str, node: FunctionNode, closure: dict[str, Val]) -> None:
        """Register a function defined inside another (analysed later, or when called)."""
        if qual not in self.locals:
            self.locals[qual] = (node, closure)

    def summary(self, local: str, requests: frozenset[int] = frozenset(),
                endpoint: bool = False) -> FuncSummary | None:
        """The summary of a function of this module (``None`` while it is being computed).

        ``requests``: the positional parameters a caller passes the current
        request object to; the function is summarised once per such set (the
        request's attributes are sources inside it, ``req.args.get('h')``).
        """
        key = local if not requests else f"{local}#{sorted(requests)}"
        key = f"{key}#endpoint" if endpoint else key
        if key in self.summaries:
            return self.summaries[key]
        node = self.function_node(local)
        if node is None:
            return None
        self.summaries[key] = None
        closure = self.locals[local][1] if local in self.locals else {}
        sources = route_parameters(node, self.views, endpoint)
        owner = local.split(".")[0] if "." in local and local not in self.locals else None
        if not self.primary:  # each summary of an imported module gets its own budget
            self.budget = self.project.budget
        try:
            unit = Unit(f"{self.info.name}.{local}" if local not in self.locals else local,
                        node.name, node.body, (node.lineno, node.end_lineno or node.lineno), node,
                        {k: (v.label, v.confidence) for k, v in sources.items()},
                        html_route=self.flask and any(_is_route(d) for d in node.decorator_list),
                        fixed_path=_fixed_routes(node), requests=requests, owner=owner,
                        injected=self._injected(node))
            result = Frame(self, unit, closure).run()
        except (BudgetExceeded, RecursionError):
            if self.primary:
                raise  # the scanned file: reported as too big to analyse, nothing downgraded
            return None
        self.summaries[key] = result
        return result

    def attribute_setters(self, owner: str) -> dict[str, tuple[str, ...]]:
        """The methods of class ``owner`` that assign each ``self.<attr>`` (read once)."""
        if owner not in self.setters:
            found: dict[str, list[str]] = {}
            cls = self.info.classes.get(owner)
            for item in cls.body if cls is not None else []:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                params = [*item.args.posonlyargs, *item.args.args]
                me = params[0].arg if params else None
                for sub in ast.walk(item):
                    targets = sub.targets if isinstance(sub, ast.Assign) else \
                        [sub.target] if isinstance(sub, (ast.AnnAssign, ast.AugAssign)) else []
                    for target in targets:
                        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                                and target.value.id == me:
                            found.setdefault(target.attr, []).append(item.name)
            self.setters[owner] = {k: tuple(dict.fromkeys(v)) for k, v in found.items()}
        return self.setters[owner]

    def _injected(self, node: FunctionNode) -> dict[str, Val]:
        """Parameters a decorator of the repository fills in from the request.

        ``@with_payload`` whose wrapper calls ``f(request.get_json(), *a)``:
        the decorated function's first parameter is that value. Each
        argument is evaluated in the decorator's module (its names, the
        wrapper's locals unresolved).
        """
        found: dict[str, Val] = {}
        params = [p.arg for p in [*node.args.posonlyargs, *node.args.args]]
        for decorator in node.decorator_list:
            if not isinstance(decorator, (ast.Name, ast.Attribute)) or not params:
                continue
            bound = self.globals.get(decorator.id) if isinstance(decorator, ast.Name) else None
            qual = bound.qual if bound is not None else None
            resolved = self.project.resolve(self, qual) if qual else None
            if resolved is None or resolved[2] != "function":
                continue
            module, local, _ = resolved
            deco = module.function_node(local)
            if deco is None or not (deco.args.posonlyargs or deco.args.args):
                continue
            wrapped = (deco.args.posonlyargs or deco.args.args)[0].arg
            for call in ast.walk(deco):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                        and call.func.id == wrapped:
                    frame = Frame(module, Unit(f"{module.info.name}.{local}", local, [],
                                               (deco.lineno, deco.lineno)), {})
                    frame.env = dict(module.globals)
                    for index, arg in enumerate(call.args):
                        if isinstance(arg, ast.Starred) or index >= len(params):
                            break
                        value = frame.ev(arg)
                        previous = found.get(params[index])
                        found[params[index]] = value if previous is None else join(previous, value)
        return found

    # -- results ------------------------------------------------------------------
    def report(self, spec: SinkSpec, sink: str, line: int, flows: list[Flow]) -> None:
        """Sources reaching a sink (kept only for the primary module, once per rule and line).

        The most dangerous source leads (a request before the environment
        before configuration: by confidence); every other distinct source is
        named in the message and listed in the path.
        """
        if not self.primary or not flows:
            return
        previous = self.findings.get((spec.rule_id, line))
        flows = sorted(flows, key=lambda f: _RANK.get(f.confidence, 3))
        if previous is not None \
                and _RANK.get(previous.confidence, 3) <= _RANK.get(flows[0].confidence, 3):
            return
        flow = flows[0]
        severity = "low" if flow.confidence == "low" else spec.severity
        others = list(dict.fromkeys(f.label for f in flows[1:] if f.label != flow.label))
        message = (f"{spec.title}: {self._origin(flow)} reaches {sink} (line {line})"
                   if spec.kind != "cookie" else f"{spec.title}: {sink}")
        steps = flow.steps
        if others:
            message += f"; also from {', '.join(others)}"
            extra = tuple(Step(s.path, s.line, f"also: {s.message}")
                          for f in flows[1:] if f.label in others for s in f.steps[:1])
            steps = (*steps, *extra[:3])
        self.findings[(spec.rule_id, line)] = TaintFinding(
            spec.rule_id, spec.cwe, spec.kind, spec.title, severity, flow.confidence, line,
            message, steps)

    def _origin(self, flow: Flow) -> str:
        first = flow.steps[0] if flow.steps else None
        return f"{flow.label} (line {first.line})" if first and first.path == self.info.rel \
            else flow.label

    def mark(self, kind: str, line: int, status: str, scope: tuple[int, int],
             proof: str = "") -> None:
        """Record the verdict on one sink call (primary module only), with its proof if safe."""
        if self.primary:
            self.marks.append(SinkMark(kind, line, status, scope, proof))


_RANK = {"high": 0, "medium": 1, "low": 2}
"""Sources by danger: a request (high), URL kwargs (medium), environment/argv/console (low)."""


def _fixed_routes(node: FunctionNode) -> bool:
    """Whether a function is a view of fixed paths only (``@app.route('/a/b')``, no ``<x>``)."""
    routes = [d for d in node.decorator_list if _is_route(d)]
    return bool(routes) and all(
        isinstance(d, ast.Call) and d.args and isinstance(d.args[0], ast.Constant)
        and isinstance(d.args[0].value, str) and not set(d.args[0].value) & set("<{:*")
        for d in routes)


def _is_route(decorator: ast.expr) -> bool:
    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
        return decorator.func.attr in {"route", "get", "post", "put", "delete", "patch"}
    return False


class Project:
    """The modules of one repository (root) that the analysis has looked at."""

    def __init__(self, root: Path | None, budget: int) -> None:
        self.root = root
        self.budget = budget
        self.located: dict[tuple[str, str], str | None] = {}
        self.lookups: dict[tuple[str, str], str | None] = {}
        """Every module lookup made for the primary file being analysed, memo hits included:
        what its results depend on besides its own text (reset by :meth:`begin`)."""
        self.modules: OrderedDict[tuple[str, int], ModuleScope | None] = OrderedDict()
        self.sourceful: dict[str, bool] = {}
        self.requestful: dict[str, bool] = {}
        self.imports_request: dict[str, bool] = {}
        self.parsed: OrderedDict[str, tuple[bytes, ModuleInfo | None]] = OrderedDict()
        """Parsed modules and the text each was parsed from (``None``: it does not parse), shared
        by the hop levels and the scanned file (least recently used evicted first)."""
        self.parsed_bytes = 0
        self.seen_from: dict[str, dict[tuple[str, str], str | None]] = {}
        """Every lookup ever made from each file (as the importer), for the dependency closure:
        a summary cached while analysing one file may be used by the next."""

    def begin(self) -> None:
        """Start analysing a new primary file: forget the previous one's lookups."""
        self.lookups = {}

    def dependencies(self) -> dict[tuple[str, str], str | None]:
        """The primary file's lookups and, transitively, those of every module they found:
        everything its results may depend on (summaries cross up to :data:`MAX_LEVEL` hops)."""
        out = dict(self.lookups)
        pending = [rel for rel in out.values() if rel]
        done: set[str] = set()
        while pending:
            rel = pending.pop()
            if rel in done:
                continue
            done.add(rel)
            for key, found in self.seen_from.get(rel, {}).items():
                if key not in out:
                    out[key] = found
                    if found:
                        pending.append(found)
        return out

    def _locate(self, importer: ModuleScope, dotted: str) -> str | None:
        """Where module ``dotted`` is for ``importer`` (its directory matters: siblings).

        Recorded in :attr:`lookups` whether or not the answer was memoised:
        with the located modules' contents, the lookups are everything a
        primary file's results depend on (one hop: an imported module's
        summaries use its own functions only).
        """
        key = (dotted, importer.info.rel.rpartition("/")[0])
        if key not in self.located:
            self.located[key] = None if self.root is None else locate(self.root, key[1], dotted)
        self.lookups[key] = self.located[key]
        self.seen_from.setdefault(importer.info.rel, {})[key] = self.located[key]
        return self.located[key]

    def module(self, importer: ModuleScope, dotted: str,
               needs_source: bool = False) -> ModuleScope | None:
        """The repository module ``dotted`` (parsed and run once), or ``None``.

        With ``needs_source``, a module whose text mentions no source of user
        input (nor a typed client the sinks recognise) is not even parsed:
        its functions cannot return any, for a call whose arguments carry
        none. Parsed modules are kept least-recently-used first; an evicted
        one is parsed again when needed, so results never depend on the
        order files are analysed in.
        """
        if dotted == importer.info.name:
            return importer
        rel = self._locate(importer, dotted)
        if rel is None or self.root is None:
            return None
        level = importer.level + 1
        if needs_source and not self._sourceful(rel, level < MAX_LEVEL):
            return None
        if level > 1 and not self._requestful(rel):
            return None  # the second hop only for a module that handles the request
        if (rel, level) in self.modules:
            self.modules.move_to_end((rel, level))
            return self.modules[(rel, level)]
        scope = self._load(rel, level)
        self.modules[(rel, level)] = scope
        while len(self.modules) > MAX_MODULES:
            self.modules.popitem(last=False)
        return scope

    def _text(self, rel: str) -> bytes:
        try:
            return (self.root or Path()).joinpath(rel).read_bytes()
        except OSError:
            return b""

    def _requestful(self, rel: str) -> bool:
        """Whether a module's text mentions the request (memoised per worker)."""
        if rel not in self.requestful:
            self.requestful[rel] = bool(REQUEST_TEXT.search(self._text(rel)))
        return self.requestful[rel]

    def _sourceful(self, rel: str, through_imports: bool) -> bool:
        """Whether a module's functions may return input for clean arguments: its text names a
        source, or (``through_imports``) a repository module it imports names the request."""
        if rel not in self.sourceful:
            self.sourceful[rel] = SOURCE_TEXT.search(self._text(rel))
        if self.sourceful[rel] or not through_imports:
            return self.sourceful[rel]
        if rel not in self.imports_request:
            self.imports_request[rel] = self._imports_request(rel)
        return self.imports_request[rel]

    def _imports_request(self, rel: str) -> bool:
        name = module_name(rel)
        package = name.split(".") if rel.endswith("__init__.py") else name.split(".")[:-1]
        for match in _IMPORT_LINE.finditer(self._text(rel)):
            dots = match.group(1) or b""
            dotted = (match.group(2) or match.group(3) or b"").decode("ascii", "replace")
            if not dotted and not dots:
                continue
            if dots:
                base = package[: len(package) - (len(dots) - 1)] if len(dots) > 1 else package
                dotted = ".".join([*base, *([dotted] if dotted else [])])
            key = (dotted, rel.rpartition("/")[0])
            if key not in self.located:
                self.located[key] = None if self.root is None else locate(self.root, key[1], dotted)
            self.lookups[key] = self.located[key]
            self.seen_from.setdefault(rel, {})[key] = self.located[key]
            found = self.located[key]
            if found and found != rel and self._requestful(found):
                return True
        return False

    def _parse(self, rel: str) -> ModuleInfo | None:
        if rel in self.parsed:
            self.parsed.move_to_end(rel)
            return self.parsed[rel][1]
        try:
            data = (self.root or Path()).joinpath(rel).read_bytes()
        except OSError:
            return self._keep(rel, b"", None)
        try:
            info: ModuleInfo | None = parse_module(rel, data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            info = None
        return self._keep(rel, data, info)

    def _keep(self, rel: str, data: bytes, info: ModuleInfo | None) -> ModuleInfo | None:
        """Remember a parse, evicting the least recently used beyond the bounds."""
        previous = self.parsed.pop(rel, None)
        if previous is not None:
            self.parsed_bytes -= len(previous[0])
        self.parsed[rel] = (data, info)
        self.parsed_bytes += len(data)
        while len(self.parsed) > 1 and (len(self.parsed) > MAX_PARSED
                                        or self.parsed_bytes > MAX_PARSED_BYTES):
            _, (dropped, _) = self.parsed.popitem(last=False)
            self.parsed_bytes -= len(dropped)
        return info

    def parse_scanned(self, rel: str, data: bytes) -> ModuleInfo:
        """The scanned file's module: the tree already parsed from this very text, if kept.

        Parsed otherwise (and not kept: the files scanned would push out the
        modules they import); raises what
        :func:`~gate.checks.sast.taint.resolve.parse_module` raises. A tree is
        reused only when the text it was parsed from is byte for byte ``data``,
        and nothing analyses a tree by writing to it: the result is the one a
        fresh parse gives.
        """
        kept = self.parsed.get(rel)
        if kept is not None and kept[1] is not None and kept[0] == data:
            self.parsed.move_to_end(rel)
            return kept[1]
        return parse_module(rel, data)

    def _load(self, rel: str, level: int) -> ModuleScope | None:
        info = self._parse(rel)
        if info is None:
            return None
        scope = ModuleScope(self, info, primary=False, budget=self.budget, level=level)
        try:
            scope.run_module()
        except (BudgetExceeded, RecursionError):
            return None
        return scope

    def resolve(self, scope: ModuleScope, fq: str, depth: int = 0,
                needs_source: bool = False) -> tuple[ModuleScope, str, str] | None:
        """What a qualified callee is: (module, local name, ``function|method|class``)."""
        if fq in scope.locals:
            return scope, fq, "function"
        if fq.startswith("<"):  # the request object, a lambda: never a module
            return None
        if depth > 4:
            return None
        if "()." in fq:
            owner, method = fq.rsplit("().", 1)
            found = self.resolve(scope, owner, depth + 1, needs_source)
            if found and found[2] == "class" and "." not in method:
                local = f"{found[1]}.{method}"
                if local in found[0].info.functions:
                    return found[0], local, "method"
            return None
        parts = fq.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            dotted = ".".join(parts[:cut])
            if scope.level >= MAX_LEVEL and dotted != scope.info.name:
                continue  # the last hop: its summaries use its own module's functions only
            module = self.module(scope, dotted, needs_source)
            if module is None:
                continue
            rest = parts[cut:]
            if len(rest) == 1:
                name = rest[0]
                if name in module.info.functions:
                    return module, name, "function"
                if name in module.info.classes:
                    return module, name, "class"
                alias = module.globals.get(name)
                if alias is not None and alias.qual and alias.qual != fq:
                    return self.resolve(module, alias.qual, depth + 1, needs_source)
            elif len(rest) == 2 and f"{rest[0]}.{rest[1]}" in module.info.functions:
                return module, f"{rest[0]}.{rest[1]}", "function"
            return None
        return None

"""Where user input enters a Python web application (or a command-line program).

Request objects are recognised by where they come from (``from flask import
request``, ``quart.request``...) or, for Django, Starlette and FastAPI, by the
name ``request`` (a view's parameter, ``self.request``). Only the parts of a
request the client controls are sources: ``request.path`` is not, since a view
only runs when the path matched its route (the variable parts arrive as route
parameters, which are sources).
"""

from __future__ import annotations

import ast

from gate.checks.sast.taint.interface import SourceSpec

__all__ = [
    "REQUEST_OBJECTS",
    "attribute_source",
    "call_source",
    "dependency",
    "request_annotation",
    "request_attribute",
    "route_parameters",
    "safe_annotation",
]

REQUEST_OBJECTS = frozenset({
    "flask.request", "flask.globals.request", "werkzeug.local.request", "quart.request",
    "bottle.request", "sanic.request",
})
"""Qualified names that are the current request."""

_REQUEST_ATTRIBUTES = {
    # Flask / Werkzeug / Quart
    "args": "request.args", "form": "request.form", "values": "request.values",
    "cookies": "request.cookies", "headers": "request.headers", "json": "request.json",
    "data": "request.data", "files": "request.files", "view_args": "request.view_args",
    "get_json": "request.get_json()", "get_data": "request.get_data()",
    "query_string": "request.query_string", "url": "request.url", "full_path": "request.full_path",
    "stream": "request.stream", "input_stream": "request.input_stream",
    "referrer": "request.referrer", "user_agent": "request.user_agent",
    # Django
    "GET": "request.GET", "POST": "request.POST", "COOKIES": "request.COOKIES",
    "META": "request.META", "body": "request.body", "FILES": "request.FILES",
    "read": "request.read()", "get_full_path": "request.get_full_path()",
    # Starlette / FastAPI / DRF
    "query_params": "request.query_params", "path_params": "request.path_params",
    # aiohttp
    "query": "request.query", "match_info": "request.match_info", "post": "request.post()",
    "text": "request.text()", "content": "request.content", "rel_url": "request.rel_url",
    "raw_path": "request.raw_path", "query_string_bytes": "request.query_string",
}


def request_attribute(attr: str) -> SourceSpec | None:
    """The source an attribute of a request object stands for, if any."""
    label = _REQUEST_ATTRIBUTES.get(attr)
    return SourceSpec(attr, label) if label else None


_ATTRIBUTES = {
    "sys.argv": SourceSpec("sys.argv", "sys.argv", "low"),
    "os.environ": SourceSpec("os.environ", "os.environ", "low"),
}
_CALLS = {
    "builtins.input": SourceSpec("builtins.input", "input()", "low"),
    "builtins.raw_input": SourceSpec("builtins.raw_input", "raw_input()", "low"),
    "os.getenv": SourceSpec("os.getenv", "os.getenv()", "low"),
    "os.environ.get": SourceSpec("os.environ.get", "os.environ.get()", "low"),
}


def attribute_source(qual: str) -> SourceSpec | None:
    """A module attribute that holds outside input (``sys.argv``, ``os.environ``)."""
    return _ATTRIBUTES.get(qual)


def call_source(qual: str) -> SourceSpec | None:
    """A function whose result is outside input (``input()``, ``os.getenv()``)."""
    return _CALLS.get(qual)


_FLASK_ROUTES = frozenset({"route"})
_HTTP_METHODS = frozenset({"get", "post", "put", "delete", "patch", "head", "options",
                           "api_route", "websocket"})
_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch"})
"""Methods of a class-based view that receive the URL kwargs."""
_NOT_INPUT_ANNOTATIONS = frozenset({"Request", "WebSocket", "Response", "BackgroundTasks",
                                    "Session", "AsyncSession", "HTTPConnection", "SecurityScopes"})


def _decorator_kind(decorator: ast.expr) -> str | None:
    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
            and decorator.func.attr in {"argument", "option"} \
            and isinstance(decorator.func.value, ast.Name) and decorator.func.value.id == "click":
        return "cli"
    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
        name = decorator.func.attr
        if name in _FLASK_ROUTES:
            return "route"
        if name in _HTTP_METHODS and decorator.args and isinstance(decorator.args[0], ast.Constant) \
                and isinstance(decorator.args[0].value, str) and decorator.args[0].value.startswith("/"):
            return "endpoint"
    return None


def _annotation_name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _annotation_name(node.value)
    return ""


def _is_dependency(default: ast.expr | None) -> bool:
    """``Depends(...)`` / ``Security(...)``: FastAPI injects these, the client does not."""
    return isinstance(default, ast.Call) and _annotation_name(default.func) in {"Depends", "Security"}


SAFE_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "Decimal", "date", "datetime",
                              "PositiveInt", "NonNegativeInt", "conint", "UUID4"})
"""Annotations a framework converts a parameter to before the handler runs (no text left)."""


def safe_annotation(param: ast.arg) -> str | None:
    """The safe type a route parameter is converted to (``item_id: int``), if any."""
    name = _annotation_name(param.annotation)
    return name if name in SAFE_ANNOTATIONS else None


_REQUEST_ANNOTATIONS = frozenset({"Request", "HttpRequest", "WSGIRequest", "ASGIRequest",
                                  "HTTPConnection", "BaseRequest"})


def request_annotation(param: ast.arg) -> bool:
    """A parameter annotated as the framework's request (``req: Request``)."""
    return _annotation_name(param.annotation) in _REQUEST_ANNOTATIONS


def dependency(default: ast.expr | None) -> ast.expr | None:
    """The provider of a ``Depends(provider)`` / ``Security(provider)`` default, if any."""
    if _is_dependency(default) and isinstance(default, ast.Call) and default.args:
        return default.args[0]
    return None


def route_parameters(func: ast.FunctionDef | ast.AsyncFunctionDef,
                     views: bool = False, endpoint: bool = False) -> dict[str, SourceSpec]:
    """Parameters of a route handler that the client controls, with how to name them.

    Flask routes (``@app.route``) receive URL variables; FastAPI endpoints
    (``@app.get("/...")``) receive query, path and body parameters except
    injected ones (``Request``, ``Depends(...)``); in a views module
    (``views`` true), a Django-style view (first parameter ``request``, or
    ``self, request``) receives URL kwargs.
    """
    kinds = {_decorator_kind(d) for d in func.decorator_list} - {None}
    if endpoint:  # a FastAPI dependency provider: its parameters come from the request too
        kinds.add("endpoint")
    args = func.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    defaults: list[ast.expr | None] = [None] * (len(args.posonlyargs) + len(args.args)
                                              - len(args.defaults))
    defaults += [*args.defaults, *args.kw_defaults]
    names = [p.arg for p in params]
    found: dict[str, SourceSpec] = {}
    if kinds == {"cli"}:  # a click command: its arguments and options come from argv
        return {name: SourceSpec(name, f"command-line argument '{name}'", "low")
                for name in names if name not in {"self", "ctx"}}
    kinds.discard("cli")
    if kinds:
        for param, default in zip(params, defaults, strict=False):
            if param.arg in {"self", "cls", "request"}:
                continue
            if _annotation_name(param.annotation) in _NOT_INPUT_ANNOTATIONS or _is_dependency(default):
                continue
            found[param.arg] = SourceSpec(param.arg, f"route parameter '{param.arg}'")
        return found
    if not views:
        return found
    handler = func.name in _VIEW_METHODS
    start = 1 if names[:1] == ["request"] else 2 if names[:2] == ["self", "request"] and handler \
        else 0
    if start:
        for name in names[start:]:
            found[name] = SourceSpec(name, f"URL parameter '{name}'", "medium")
    return found

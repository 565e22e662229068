"""Sink checks that need more than the callee's name.

``subprocess`` with ``shell=True`` (or a ``sh -c`` argument list), YAML
loaders, XML parsers configured to resolve external entities, cookie flags,
the session, Flask responses and ``pathlib`` paths.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

import gate.checks.sast.taint.sinks as sinks
from gate.checks.sast.taint.interface import SAFE, UNPROVEN, SinkSpec
from gate.checks.sast.taint.values import Val, union_flows

if TYPE_CHECKING:
    from gate.checks.sast.taint.roles import FrameRole as Frame

__all__ = ["SESSIONS", "check_call"]

_SUBPROCESS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call",
                         "subprocess.check_output", "subprocess.Popen",
                         "asyncio.create_subprocess_exec"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "cmd", "cmd.exe", "powershell",
                     "pwsh", "/bin/sh", "/bin/bash", "/usr/bin/env"})
_SAFE_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
_XML_PARSE = frozenset({"parse", "parseString", "fromstring", "XML", "feed", "iterparse"})
_PATH_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "open",
                           "exists", "unlink", "rmdir", "mkdir", "touch", "iterdir", "is_file",
                           "is_dir", "rename", "replace", "glob", "rglob", "stat", "chmod"})
_DATA_FROM_SERVER = frozenset({"sql", "path", "xpath", "ldap"})
"""Sinks whose result is the server's data (rows, file contents), not the input that chose it."""
SESSIONS = frozenset({"flask.session", "<request>.session", "quart.session"})


def _arg(args: list[Val], kwargs: dict[str, Val], index: int, keyword: str) -> Val | None:
    if index < len(args):
        return args[index]
    return kwargs.get(keyword)


def _selected(spec: SinkSpec, args: list[Val], kwargs: dict[str, Val]) -> list[Val]:
    chosen = list(args) if not spec.args else [args[i] for i in spec.args if i < len(args)]
    chosen += [kwargs[k] for k in spec.keywords if k in kwargs]
    if spec.args == (0,) and not args:
        chosen += [v for k, v in kwargs.items() if k in {"sql", "query", "url", "file", "path",
                                                          "location", "source", "cmd", "args"}]
    return chosen


def _shell_list(value: Val) -> list[Val] | None:
    """The values of a ``[shell, '-c', ...]`` list (or one whose program is tainted)."""
    if not value.items:
        return None
    first = value.items[0][1]
    names = {first.const} if first.known else set(first.choices)
    if first.every_flow():
        return [first]
    if names and all(isinstance(n, str) and n.rsplit("/", 1)[-1] in _SHELLS for n in names):
        return [v for _, v in value.items[1:]]
    return None


def _subprocess(frame: Frame, line: int, fq: str, args: list[Val], kwargs: dict[str, Val]) -> None:
    command = _arg(args, kwargs, 0, "args")
    if command is None:
        return
    shell = kwargs.get("shell")
    if shell is not None and shell.const is True:
        frame.sink(sinks.SHELL, fq, line, [command])
        return
    if fq.endswith("create_subprocess_exec"):
        frame.sink(sinks.SHELL, fq, line, args[:1])
        return
    listed = _shell_list(command)
    if listed is not None:
        frame.sink(sinks.SHELL, fq, line, listed)
    elif command.items is None and not command.known:
        frame.sink(sinks.SHELL, fq, line, [Val(flows=command.every_flow())])


def _yaml(frame: Frame, line: int, fq: str, args: list[Val], kwargs: dict[str, Val]) -> None:
    loader = _arg(args, kwargs, 1, "Loader")
    name = (loader.qual or "") if loader is not None else ""
    if name.endswith(_SAFE_LOADERS):
        frame.sink(sinks.DESERIAL, fq, line, [], proven_by=f"safe loader {name.rsplit('.', 1)[-1]}")
        return
    frame.sink(sinks.DESERIAL, fq, line, args[:1] or list(kwargs.values())[:1])


def _cookie(frame: Frame, line: int, kwargs: dict[str, Val]) -> None:
    if any(k.startswith("**") for k in kwargs):
        return  # flags passed through **options: not visible here
    for flag, spec in (("secure", sinks.COOKIE_SECURE), ("httponly", sinks.COOKIE_HTTPONLY)):
        value = kwargs.get(flag)
        if value is None:
            frame.setting(spec, line, f"set_cookie() without {flag}=True")
        elif value.known and not value.const:
            frame.setting(replace(spec, severity="medium"), line, f"set_cookie() with {flag}=False")


def _xml_parser(fq: str, kwargs: dict[str, Val]) -> Val:
    flags: frozenset[str] = frozenset()
    if fq.endswith("XMLParser"):
        resolve = kwargs.get("resolve_entities")
        network = kwargs.get("no_network")
        dtd = kwargs.get("load_dtd")
        if (resolve is not None and resolve.const is True) \
                or (network is not None and network.const is False) \
                or (dtd is not None and dtd.const is True):
            flags = frozenset({"xxe"})
    return Val(qual=f"{fq}()", flags=flags)


_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tpl", ".tmpl", ".template")
_PLAIN_EXTENSIONS = frozenset({"json", "yaml", "yml", "toml", "ini", "cfg", "conf", "txt", "sql",
                               "py", "sh", "md", "rst", "csv", "env", "dockerfile", "tf", "hcl"})
"""Extensions of templates that render no markup (``schema.json.j2``: the part before the
template suffix); anything else (``.html``, ``.xml``, a bare ``.j2``) may render markup."""


def _plain_template(name: str) -> bool:
    """Whether a template's name says it renders something other than markup."""
    base = name.lower().rsplit("/", 1)[-1]
    while base.endswith(_TEMPLATE_SUFFIXES):
        base = base[: base.rindex(".")]
    return "." in base and base.rsplit(".", 1)[-1] in _PLAIN_EXTENSIONS
_TAR_FILTERS = frozenset({"data", "tar"})


def _autoescapes(kwargs: dict[str, Val]) -> bool:
    value = kwargs.get("autoescape")
    if value is None:
        return False
    if value.known:
        return bool(value.const)
    return (value.qual or "").endswith("select_autoescape()")


def _jinja_environment(frame: Frame, line: int, kwargs: dict[str, Val]) -> Val:
    flags = {f"env:{line}"}
    if _autoescapes(kwargs):
        flags.add("autoescape")
    return Val(qual="jinja2.Environment()", flags=frozenset(flags))


def _template_use(frame: Frame, line: int, name: str, recv: Val, args: list[Val]) -> Val:
    """``env.get_template(name)`` / ``env.from_string(text)``: a verdict on the environment's
    markup (B701) and the template it returns (autoescaping or not)."""
    env_lines = [int(f[4:]) for f in recv.flags if f.startswith("env:")]
    first = args[0] if args else Val()
    markup = not (name == "get_template" and first.known and isinstance(first.const, str)
                  and _plain_template(first.const))
    for env_line in env_lines:
        frame.scope.mark("template", env_line, UNPROVEN if markup else SAFE, (line, line),
                         "" if markup else f"renders the non-HTML template {first.const!r}")
    return Val(qual="jinja2.Template()", flags=recv.flags - {f"env:{n}" for n in env_lines})


def _tar_filter(frame: Frame, line: int, kwargs: dict[str, Val]) -> None:
    """``extractall(filter=...)``: Python's data/tar filter or a function that applies it."""
    chosen = kwargs.get("filter")
    proof = ""
    if chosen is not None and chosen.known and chosen.const in _TAR_FILTERS:
        proof = f"filter={chosen.const!r}"
    elif chosen is not None and chosen.qual in {"tarfile.data_filter", "tarfile.tar_filter"}:
        proof = f"filter={chosen.qual}"
    elif chosen is not None and chosen.qual:
        found = frame.scope.project.resolve(frame.scope, chosen.qual)
        node = found[0].function_node(found[1]) if found and found[2] == "function" else None
        if node is not None and any(
                isinstance(n, ast.Call) and callee_text(n.func).rsplit(".", 1)[-1]
                in {"data_filter", "tar_filter"} for n in ast.walk(node)):
            proof = f"filter={node.name} (applies tarfile's data filter)"
    frame.scope.mark("tar", line, SAFE if proof else UNPROVEN, (line, line), proof)


def callee_text(func: ast.expr) -> str:
    """How the source names the callee (``cursor.execute``), for messages; at most 60 chars."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    elif parts:
        parts.append("...")
    return ".".join(reversed(parts))[:60]


def check_call(frame: Frame, node: ast.Call, fq: str | None, name: str, recv: Val | None,
               args: list[Val], kwargs: dict[str, Val]) -> Val | None:
    """Record the sinks this call is; return a value when the call's result needs modelling."""
    line = node.lineno
    every = [*([recv] if recv is not None else []), *args, *kwargs.values()]
    label = callee_text(node.func) or fq or name
    if fq in _SUBPROCESS:
        _subprocess(frame, line, label, args, kwargs)
        return None
    if fq in {"yaml.load", "yaml.load_all"}:
        _yaml(frame, line, label, args, kwargs)
        return None
    if fq in {"flask.make_response", "quart.make_response"}:
        body = args[0] if args else Val()
        if body.items:
            body = body.items[0][1]
        frame.sink(sinks.XSS, label, line, [body] if body.qual is None else [])
        return Val(qual=f"{fq}()")
    if fq == "builtins.compile":
        frame.sink(sinks.CODE, label, line, args[:1])
        return Val(flows=args[0].every_flow()) if args else Val()
    if fq in {"flask.render_template", "django.shortcuts.render", "flask.jsonify",
              "flask.url_for"}:
        return Val(qual=f"{fq}()")
    if fq in {"jinja2.Environment", "jinja2.environment.Environment"}:
        return _jinja_environment(frame, line, kwargs)
    if recv is not None and recv.qual == "jinja2.Environment()" \
            and name in {"get_template", "from_string", "select_template"}:
        if name == "from_string":
            frame.sink(sinks.TEMPLATE, label, line, args[:1])
        return _template_use(frame, line, name, recv, args)
    if recv is not None and recv.qual == "jinja2.Template()" and name in {"render",
                                                                          "render_async"}:
        value = union_flows([*args, *kwargs.values()])
        return value.cleared(frozenset({"xss"}), by="autoescaping Jinja environment") \
            if "autoescape" in recv.flags else value
    if name in {"extractall", "extract"} and recv is not None \
            and (recv.qual or "").startswith("zipfile.ZipFile("):
        frame.scope.mark("tar", line, SAFE, (line, line),
                         "zipfile drops absolute paths and '..' from member names")
    elif name in {"extractall", "extract"} and "filter" in kwargs:
        _tar_filter(frame, line, kwargs)
    if fq in {"xml.sax.make_parser", "lxml.etree.XMLParser", "xml.sax.expatreader.create_parser"}:
        return _xml_parser(fq, kwargs)
    if fq in {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath"}:
        return replace(union_flows(args), qual="pathlib.Path()")
    if recv is not None and name == "setFeature" and len(args) == 2 \
            and (args[0].qual or "").endswith(("feature_external_ges", "feature_external_pes")) \
            and args[1].const is True and isinstance(node.func, ast.Attribute):
        frame.rebind(node.func.value, replace(recv, flags=recv.flags | {"xxe"}))
        return Val()
    if (name in _XML_PARSE and (fq or "").startswith(("xml.", "lxml."))) \
            or (name in _XML_PARSE and recv is not None and "xxe" in recv.flags):
        resolving = any("xxe" in v.flags for v in every)
        frame.sink(sinks.XXE, label, line, args[:1] or list(kwargs.values())[:1],
                   report=resolving)
    if recv is not None and name == "set_cookie":
        _cookie(frame, line, kwargs)
        return None
    if recv is not None and recv.qual in SESSIONS and name in {"update", "setdefault", "__setitem__"}:
        frame.sink(sinks.TRUST, label, line, args)
        return None
    if recv is not None and recv.qual == "pathlib.Path()" and name in _PATH_METHODS:
        frame.sink(sinks.PATH, label, line, [recv])
        return None
    spec = sinks.QUALIFIED_SINKS.get(fq or "")
    if spec is None and recv is not None and recv.qual:
        spec = sinks.RECEIVER_SINKS.get((recv.qual, name))
    if spec is None and recv is not None and name in sinks.METHOD_SINKS:
        spec = sinks.METHOD_SINKS[name]
    if spec is not None:
        frame.sink(spec, label, line, _selected(spec, args, kwargs))
        if spec.kind in _DATA_FROM_SERVER:
            return Val(qual=f"{fq}()" if fq else None)
        if spec.kind == "xss" and spec.rule_id == sinks.XSS.rule_id:
            return union_flows(args)  # Markup/mark_safe/HttpResponse: the same text, marked
    return None


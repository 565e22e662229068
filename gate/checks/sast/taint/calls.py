"""Calls nobody summarised: containers, strings, paths, constructors, then "taint in, taint out".

Lists, dicts, ``ConfigParser`` and ``StringIO`` are read and written by
constant keys and indexes (``l.append(x)``, ``l.pop(0)``, ``c.set(s, k, v)``),
``str`` methods on constants are folded, methods that return no text
(``find``, ``startswith``) return clean values, and any other call passes the
taint of its receiver and arguments to its result.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

import gate.checks.sast.taint.folding as folding
from gate.checks.sast.taint.sanitisers import replace_clears
from gate.checks.sast.taint.values import (
    NO_CONST,
    Val,
    item_at,
    join,
    join_all,
    proof,
    union_flows,
    unresolved,
)

__all__ = ["CallModels"]

_NOT_TEXT = frozenset({"find", "rfind", "index", "rindex", "count", "startswith", "endswith",
                       "isdigit", "isnumeric", "isdecimal", "isalnum", "isalpha", "isspace",
                       "islower", "isupper", "isidentifier", "__len__", "exists",
                       "is_file", "is_dir", "close", "flush", "bit_length"})
_PURE_BUILTINS = frozenset({
    "str", "repr", "ascii", "format", "list", "tuple", "dict", "set", "frozenset", "sorted",
    "reversed", "min", "max", "sum", "enumerate", "zip", "range", "chr", "hex", "oct", "bin",
    "bytes", "bytearray", "iter", "next", "any", "all", "divmod", "pow", "print", "filter"})
"""Builtins whose result is made of their arguments only (anything else: unresolved)."""
_PURE = frozenset({
    "os.path.join", "os.path.dirname", "os.path.normpath", "os.path.splitext", "os.path.split",
    "posixpath.join", "base64.b64encode", "base64.b64decode", "base64.urlsafe_b64encode",
    "base64.urlsafe_b64decode", "base64.b32encode", "base64.b16encode", "binascii.hexlify",
    "binascii.unhexlify", "urllib.parse.unquote", "urllib.parse.unquote_plus",
    "urllib.parse.urlencode", "urllib.parse.urljoin", "urllib.parse.urlparse",
    "urllib.parse.urlsplit", "urllib.parse.urlunparse", "urllib.parse.urlunsplit",
    "urllib.parse.parse_qs", "urllib.parse.parse_qsl", "html.unescape", "json.dumps",
    "codecs.encode", "codecs.decode", "textwrap.dedent", "textwrap.indent", "textwrap.fill",
    "shlex.split", "re.escape", "re.sub", "string.Template", "copy.copy", "copy.deepcopy",
    "operator.itemgetter", "functools.reduce", "itertools.chain", "collections.OrderedDict",
    "collections.defaultdict", "collections.deque", "io.StringIO", "io.BytesIO",
    "typing.cast", "configparser.ConfigParser", "configparser.RawConfigParser"})
"""Standard-library functions whose result is made of their arguments only."""
_SAFE_TYPED = frozenset({"uuid.uuid1", "uuid.uuid4", "time.time", "time.monotonic",
                         "os.getpid", "random.randint", "secrets.token_hex",
                         "secrets.token_urlsafe"})
"""Calls returning a value no sink can be attacked with (a number, a UUID, random hex)."""
_PATH_KEEPING = frozenset({"resolve", "absolute", "joinpath", "with_name", "with_suffix",
                           "expanduser", "relative_to"})



class CallModels:
    """Mixed into the expression evaluator: models of calls without a summary."""

    def rebind(self, target: ast.expr, value: Val) -> None:  # pragma: no cover - abstract
        """Replace what a name holds (provided by the frame)."""
        raise NotImplementedError

    def model_call(self, node: ast.Call, fq: str | None, name: str, recv: Val | None,
                   args: list[Val], kwargs: dict[str, Val], everything: list[Val]) -> Val:
        """Calls nobody summarised: containers, strings, constructors, then "taint in, taint out"."""
        consts = [a.const for a in args]
        if recv is not None:
            if recv.known and all(c is not NO_CONST for c in consts):
                folded = folding.fold_method(recv.const, name, consts)
                if folded is not NO_CONST:
                    return Val(const=folded)
            container = self.container_call(node, name, recv, args)
            if container is not None:
                return container
            if name in _NOT_TEXT:
                return Val()
            if name == "replace" and len(args) >= 2:
                kinds = replace_clears(args[0].const, args[1].const)
                return union_flows(everything).cleared(kinds)
            if recv.qual == "pathlib.Path()" and name in _PATH_KEEPING:
                return replace(union_flows(everything), qual="pathlib.Path()")
        elif fq == "builtins.str" and len(args) == 1 and args[0].known \
                and isinstance(args[0].const, (str, int)):
            return Val(const=str(args[0].const))
        if fq in _SAFE_TYPED:
            return proof(f"{fq}()")
        data = [*args, *kwargs.values()]
        if fq in _PURE or (fq or "").removeprefix("builtins.") in _PURE_BUILTINS:
            result = union_flows(data)
            return replace(result, qual=f"{fq}()") if fq in _PURE and "Parser" in fq else result
        if recv is not None and recv.qual is None:
            return union_flows(everything)  # a method of a value the analysis built itself
        unknown = f"{fq}()" if fq else f"{name}()"
        result = union_flows([*everything, unresolved(unknown)])
        return replace(result, qual=f"{fq}()") if fq else result

    def container_call(self, node: ast.Call, name: str, recv: Val, args: list[Val]) -> Val | None:
        """Lists, dicts, ``ConfigParser`` and ``StringIO`` read and written by constant keys."""
        target = node.func.value if isinstance(node.func, ast.Attribute) else None
        if target is None:
            return None
        items = list(recv.items) if recv.items is not None else None
        consts = [a.const for a in args]
        if name == "append" and len(args) == 1:
            if items is not None and [k for k, _ in items] == list(range(len(items))):
                self.rebind(target, replace(recv, items=(*items, (len(items), args[0]))))
            else:
                self.rebind(target, union_flows([recv, args[0]]))
            return Val()
        if name == "pop" and items is not None:
            keys = [k for k, _ in items]
            key = consts[0] if consts else -1
            if keys == list(range(len(keys))) and isinstance(key, int) and -len(keys) <= key < len(keys):
                taken = items.pop(key)
                self.rebind(target, replace(recv, items=tuple((i, v) for i, (_, v) in
                                                               enumerate(items))))
                return taken[1]
            if key in keys:
                taken = items.pop(keys.index(key))
                self.rebind(target, replace(recv, items=tuple(items)))
                return taken[1]
            return union_flows([recv])
        if recv.mapping and items is not None and name in {"keys", "values", "items"} \
                and not args:
            parts = [Val(const=k) if name == "keys" else v if name == "values"
                     else Val(items=((0, Val(const=k)), (1, v))) for k, v in items]
            return Val(flows=recv.flows, items=tuple(enumerate(parts)))
        if name in {"get", "getint", "getboolean"} and items is not None and recv.mapping \
                and args:
            found = item_at(recv, args[0])
            if found is not None:
                return join(found, args[1]) if len(args) > 1 else found
        if name in {"get", "getint", "getboolean"} and items is not None:
            wanted: Any = tuple(consts[:2]) if recv.qual and recv.qual.startswith("configparser.") \
                else (consts[0] if consts else NO_CONST)
            for k, v in items:
                if k == wanted:
                    return v
            return join_all([Val(), *args[1:2]]) if wanted is not NO_CONST else recv.flat()
        if name == "set" and recv.qual and recv.qual.startswith("configparser.") and len(args) == 3 \
                and consts[0] is not NO_CONST and consts[1] is not NO_CONST:
            pair = (consts[0], consts[1])
            kept = tuple((k, v) for k, v in (items or []) if k != pair)
            self.rebind(target, replace(recv, items=(*kept, (pair, args[2]))))
            return Val()
        if name in {"extend", "insert", "update", "add", "setdefault", "write", "writelines",
                    "appendleft", "put"} and args:
            self.rebind(target, replace(recv, flows=union_flows([recv, *args]).flows))
            return Val()
        if name == "clear":
            self.rebind(target, replace(recv, flows=(), items=() if items is not None else None))
            return Val()
        return None

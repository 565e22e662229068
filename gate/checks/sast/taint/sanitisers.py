"""What makes user input safe for a sink family: sanitising calls and validating guards.

A sanitiser clears some sink kinds from a value (``shlex.quote`` makes it safe
for a shell, not for SQL); ``*`` clears them all (``int()`` leaves no text to
inject). A guard is an ``if`` that tests a value and leaves the function when
the test fails (``if '..' in name: abort(400)``); after it, the tested value
is safe for the kinds the test's shape protects against.
"""

from __future__ import annotations

import ast
import re

from gate.checks.sast.taint.interface import SanitiserSpec

__all__ = ["ALL", "guard_kinds", "positive", "replace_clears", "sanitiser_for"]

ALL = frozenset({"*"})


def _spec(name: str, *kinds: str) -> SanitiserSpec:
    return SanitiserSpec(name, frozenset(kinds))


_SANITISERS = {s.name: s for s in (
    _spec("builtins.int", "*"), _spec("builtins.float", "*"), _spec("builtins.bool", "*"),
    _spec("builtins.len", "*"), _spec("builtins.hash", "*"), _spec("builtins.isinstance", "*"),
    _spec("builtins.id", "*"), _spec("builtins.ord", "*"), _spec("builtins.abs", "*"),
    _spec("builtins.round", "*"), _spec("builtins.complex", "*"), _spec("uuid.UUID", "*"),
    _spec("decimal.Decimal", "*"), _spec("datetime.date.fromisoformat", "*"),
    _spec("shlex.quote", "shell"), _spec("pipes.quote", "shell"), _spec("shlex.join", "shell"),
    _spec("html.escape", "xss"), _spec("markupsafe.escape", "xss"), _spec("flask.escape", "xss"),
    _spec("jinja2.escape", "xss"), _spec("django.utils.html.escape", "xss"),
    _spec("django.utils.html.strip_tags", "xss"), _spec("bleach.clean", "xss"),
    _spec("cgi.escape", "xss"), _spec("xml.sax.saxutils.escape", "xss", "xpath"),
    _spec("urllib.parse.quote", "xss"), _spec("urllib.parse.quote_plus", "xss", "path"),
    _spec("werkzeug.utils.secure_filename", "path"), _spec("werkzeug.secure_filename", "path"),
    _spec("os.path.basename", "path"), _spec("werkzeug.utils.safe_join", "path"),
    _spec("werkzeug.security.safe_join", "path"), _spec("flask.safe_join", "path"),
    _spec("yaml.safe_load", "code", "deserial"), _spec("ast.literal_eval", "code", "deserial"),
    _spec("json.loads", "code", "deserial"), _spec("json.load", "code", "deserial"),
    _spec("ldap3.utils.conv.escape_filter_chars", "ldap"),
    _spec("ldap.filter.escape_filter_chars", "ldap"), _spec("ldap.dn.escape_dn_chars", "ldap"),
    _spec("django.utils.http.url_has_allowed_host_and_scheme", "redirect", "ssrf"),
)}

_ESCAPE_NAME = re.compile(r"(?:^|_)(?:html_?)?(?:escape|sanitize|sanitise)(?:_|$)", re.IGNORECASE)


def sanitiser_for(qual: str | None, name: str) -> frozenset[str] | None:
    """The kinds a call clears, from its qualified name or, failing that, its own name.

    A function of the repository called ``escape_for_html`` or
    ``sanitize_html`` counts as an HTML escaper (for cross-site scripting
    only): hand-written escapers are common and summaries cannot tell a loop
    that escapes from one that copies.
    """
    if qual:
        if qual.startswith("defusedxml."):
            return frozenset({"xxe"})
        spec = _SANITISERS.get(qual)
        if spec:
            return spec.clears
    if name == "secure_filename":
        return frozenset({"path"})
    if _ESCAPE_NAME.search(name):
        return frozenset({"xss"})
    return None


_QUOTES = frozenset({"'", '"'})


def replace_clears(old: object, new: object) -> frozenset[str]:
    """``s.replace(old, new)``: replacing a quote by something without it protects XPath."""
    if isinstance(old, str) and old in _QUOTES and isinstance(new, str) and old not in new:
        return frozenset({"xpath"})
    return frozenset()


def _const_str(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _membership(node: ast.Compare) -> frozenset[str]:
    """``'..' in name``, ``"'" in name``, ``name in ALLOWED``."""
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.In, ast.NotIn)):
        return frozenset()
    needle = _const_str(node.left)
    if needle is not None:
        kinds: set[str] = set()
        if ".." in needle or "/" in needle or "\\" in needle:
            kinds.add("path")
        if set(needle) & _QUOTES:
            kinds |= {"sql", "xpath", "ldap"}
        if set(needle) & set("<>"):
            kinds.add("xss")
        if set(needle) & set(";|&$`"):
            kinds.add("shell")
        return frozenset(kinds)
    haystack = node.comparators[0]
    if isinstance(haystack, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Name, ast.Attribute)):
        if isinstance(node.left, ast.Attribute) and node.left.attr in {"netloc", "hostname", "host"}:
            return frozenset({"redirect", "ssrf"})
        return ALL
    return frozenset()


_VALIDATORS = frozenset({"isdigit", "isnumeric", "isdecimal", "isalnum", "isalpha",
                         "isidentifier", "fullmatch", "match"})


def guard_kinds(test: ast.expr) -> frozenset[str]:
    """The kinds a validating test protects against (empty: not a recognised validation)."""
    kinds: set[str] = set()
    starts_and_ends: set[str] = set()
    for node in ast.walk(test):
        if isinstance(node, ast.Compare):
            kinds |= _membership(node)
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr in {"netloc", "hostname", "scheme"}:
                    kinds |= {"redirect", "ssrf"}
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in _VALIDATORS:
                kinds.add("*")
            elif name in {"startswith", "endswith"}:
                arg = _const_str(node.args[0]) if node.args else None
                if arg is not None and arg in _QUOTES:
                    starts_and_ends.add(name)
                else:
                    kinds.add("path")
            elif name in {"commonpath", "is_relative_to", "relative_to"}:
                kinds.add("path")
            elif name in {"url_has_allowed_host_and_scheme", "is_safe_url"}:
                kinds |= {"redirect", "ssrf"}
    if starts_and_ends == {"startswith", "endswith"}:
        kinds.add("code")
    return ALL if "*" in kinds else frozenset(kinds)


def positive(test: ast.expr) -> bool:
    """Whether a validating test holds for a good value.

    ``x in ALLOWED``, ``x.isdigit()``, ``path.startswith(base)`` and
    ``'..' not in x`` hold for a good value; ``x not in ALLOWED``,
    ``'..' in x`` and ``not x.isdigit()`` for a bad one. A chain of ``or`` /
    ``and`` takes the polarity of its first test.
    """
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return not positive(test.operand)
    if isinstance(test, ast.BoolOp) and test.values:
        return positive(test.values[0])
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op = test.ops[0]
        if _const_str(test.left) is not None and isinstance(op, (ast.In, ast.NotIn)):
            return isinstance(op, ast.NotIn)  # a forbidden needle: present means bad
        return not isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot))
    return True

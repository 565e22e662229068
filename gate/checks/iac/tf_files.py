"""Parsed Terraform files remembered under their exact text, so a warm run parses only the
files that changed.

Parsing (python-hcl2 on Lark) is nearly all of a Terraform project's cost; instantiating
its modules and evaluating the rules is a small rest. A parsed file
(:class:`~gate.checks.iac.parsers.terraform_files.TfFile`: the serialised blocks, their
spans, the ignore comments) is stored in the result cache under its path, the digest of
its text and the check's code (:func:`gate.checks.iac.judged.code_identity`), in a tagged
form that gives back equal objects: mappings keep their order, tuples stay tuples, floats
keep every bit. A file that does not parse is remembered with its error. A value of a type
the form does not know is not remembered (the file is parsed on every run).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from gate.cache.interface import ResultCache
from gate.cache.keys import key_for
from gate.checks.iac.interface import InlineIgnore, ParseError
from gate.checks.iac.parsers.hcl_lines import BlockSpan
from gate.checks.iac.parsers.terraform_files import TfFile, parse_file

__all__ = ["decode", "encode", "remembering_parser"]

_VERSION = 1


class _Unknown(TypeError):
    """A value the tagged form has no tag for."""


def encode(value: Any) -> Any:
    """``value`` in the tagged form; raises ``TypeError`` for a type it does not know."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return ["f", repr(value)]
    if type(value) is dict:
        return ["d", [[encode(k), encode(v)] for k, v in value.items()]]
    if type(value) is list:
        return ["l", [encode(v) for v in value]]
    if type(value) is tuple:
        return ["t", [encode(v) for v in value]]
    if type(value) is BlockSpan:
        return ["s", value.start, value.end, encode(value.lines)]
    if type(value) is InlineIgnore:
        return ["i", encode(value.rule_ids), value.reason, value.line]
    raise _Unknown(type(value).__name__)


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`; raises ``TypeError``/``ValueError`` on anything else."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is not list or not value:
        raise TypeError("not a tagged value")
    tag = value[0]
    if tag == "f" and len(value) == 2 and type(value[1]) is str:
        return float(value[1])
    if tag == "d" and len(value) == 2 and type(value[1]) is list:
        return {decode(k): decode(v) for k, v in value[1]}
    if tag == "l" and len(value) == 2 and type(value[1]) is list:
        return [decode(v) for v in value[1]]
    if tag == "t" and len(value) == 2 and type(value[1]) is list:
        return tuple(decode(v) for v in value[1])
    if tag == "s" and len(value) == 4 and type(value[1]) is int and type(value[2]) is int:
        lines = decode(value[3])
        if type(lines) is not dict:
            raise TypeError("bad span")
        return BlockSpan(value[1], value[2], lines)
    if tag == "i" and len(value) == 4:
        ids, reason, line = decode(value[1]), value[2], value[3]
        if type(ids) is not tuple or not (reason is None or type(reason) is str) \
                or not (line is None or type(line) is int):
            raise TypeError("bad ignore")
        return InlineIgnore(ids, reason, line)
    raise TypeError("unknown tag")


def _file(value: Any, path: str) -> TfFile | ParseError | None:
    """The remembered outcome, or ``None`` when the entry is not exactly as written."""
    if not isinstance(value, dict) or value.get("version") != _VERSION:
        return None
    try:
        if "error" in value:
            reason, line = value["error"]
            if type(reason) is str and (line is None or type(line) is int):
                return ParseError(reason, line)
            return None
        data, spans, comments = (decode(v) for v in value["file"])
    except (KeyError, TypeError, ValueError, RecursionError):
        return None
    if type(data) is not dict or type(spans) is not dict or type(comments) is not dict:
        return None
    return TfFile(path, data, spans, comments)


def remembering_parser(cache: ResultCache, code: str) -> Callable[[str, str], TfFile]:
    """:func:`~gate.checks.iac.parsers.terraform_files.parse_file`, each outcome remembered
    in ``cache`` under the file's path and text and ``code``."""

    def parse(path: str, text: str) -> TfFile:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        key = key_for("iac-tf-file", {"version": _VERSION, "code": code, "path": path,
                                      "text": digest})
        found = _file(cache.get(key), path)
        if isinstance(found, ParseError):
            raise found
        if found is not None:
            return found
        try:
            parsed = parse_file(path, text)
        except ParseError as exc:
            if "recursion" not in exc.reason:  # a stack limit depends on the caller's depth
                cache.put(key, {"version": _VERSION, "error": [exc.reason, exc.line]})
            raise
        try:
            value = {"version": _VERSION,
                     "file": [encode(parsed.data), encode(parsed.spans), encode(parsed.comments)]}
            cache.put(key, value)
        except (_Unknown, RecursionError):  # an odd type, or nesting too deep to store
            pass
        return parsed

    return parse

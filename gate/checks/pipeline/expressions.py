"""``${{ ... }}`` expressions: where they are in a string, and which context values they yield.

Only the references whose *value* can end up in the expanded text count: an operand of a
comparison, of ``!`` or of a boolean function (``contains``, ``startsWith``...) only
yields ``true``/``false``, and ``hashFiles`` yields a digest. ``a && b || c`` yields one
of its operands, so each operand is looked at on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Expression", "expressions", "normalise", "value_refs"]

_REF = re.compile(
    r"(?<![\w.'\"])(github|inputs|env|steps|needs|matrix|secrets|vars|job|jobs|runner|strategy)"
    r"((?:\.[A-Za-z_*][\w\-*]*|\[\s*(?:'[^'\]]{0,200}'|\"[^\"\]]{0,200}\"|\*|\d+)\s*\])*)")
_BOOLEAN_CALL = re.compile(r"^\s*!?\s*(contains|startswith|endswith|success|failure|always|"
                           r"cancelled|hashfiles)\s*\(", re.IGNORECASE)
_COMPARISON = re.compile(r"==|!=|<=|>=|(?<![-=])>|<|^\s*!(?!=)")
_STRING = re.compile(r"'(?:[^']|''){0,2000}'")


@dataclass(frozen=True)
class Expression:
    """One ``${{ }}`` span: its text inside the braces and its offset in the string."""

    text: str
    start: int
    end: int


def expressions(value: str) -> Iterator[Expression]:
    """Every ``${{ ... }}`` in ``value``, in order; an opening without its ``}}`` before the
    next ``${{`` is not an expression (GitHub rejects it). Linear in the length of ``value``:
    a hostile file of unclosed openings costs one pass, not one pass per opening."""
    pos, end = 0, -1
    while True:
        start = value.find("${{", pos)
        if start < 0:
            return
        if end < start + 3:
            end = value.find("}}", start + 3)
            if end < 0:
                return
        following = value.find("${{", start + 3, end)
        if following >= 0:
            pos = following
            continue
        yield Expression(value[start + 3:end], start, end + 2)
        pos = end + 2


def normalise(ref: str) -> str:
    """``github.event.pull_request['title']`` -> ``github.event.pull_request.title``;
    indexes and ``[*]`` become ``*``; lower case (contexts are case-insensitive)."""
    out = re.sub(r"\[\s*['\"]([^'\"]*)['\"]\s*\]", r".\1", ref)
    out = re.sub(r"\[\s*(\*|\d+)\s*\]", ".*", out)
    return out.lower()


def _split_top(text: str, separators: tuple[str, ...]) -> list[str]:
    """Split at ``&&``/``||`` outside parentheses and string literals."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char == "'":
            end = text.find("'", i + 1)
            i = len(text) if end < 0 else end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and text[i:i + 2] in separators:
            parts.append(text[start:i])
            start = i + 2
            i += 2
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        inner = text[1:-1]
        depth = 0
        balanced = True
        for char in inner:
            depth += char == "("
            depth -= char == ")"
            if depth < 0:
                balanced = False
                break
        if not balanced:
            break
        text = inner.strip()
    return text


def value_refs(expression: str) -> list[str]:
    """The normalised context references whose value the expression can yield."""
    found: list[str] = []
    for operand in _split_top(expression, ("&&", "||")):
        operand = _strip_parens(operand)
        if not operand:
            continue
        if "&&" in operand or "||" in operand:
            found.extend(value_refs(operand))
            continue
        bare = _STRING.sub("''", operand)
        if _BOOLEAN_CALL.match(bare) or _COMPARISON.search(bare):
            continue
        for match in _REF.finditer(operand):
            found.append(normalise(match.group(0)))
    return found

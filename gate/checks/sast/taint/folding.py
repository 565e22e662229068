"""Constant folding, bounded: enough to see that ``7 * 18 + num > 200`` is always true.

Only small strings, bytes and numbers are folded; anything that could grow
large or raise becomes "not a constant".
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from gate.checks.sast.taint.values import NO_CONST

__all__ = ["fold_binop", "fold_compare", "fold_method", "fold_subscript", "fold_unary", "truth"]

MAX_TEXT = 10_000
_SCALARS = (str, bytes, int, float, bool, type(None))

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Mod: operator.mod, ast.FloorDiv: operator.floordiv, ast.Div: operator.truediv,
    ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
_COMPARES: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def _small(value: Any) -> bool:
    if isinstance(value, (str, bytes)):
        return len(value) <= MAX_TEXT
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() <= 256
    if isinstance(value, tuple):
        return len(value) <= 64 and all(_small(v) for v in value)
    return isinstance(value, (float, bool, type(None)))


def _sized(value: Any) -> Any:
    return value if _small(value) else NO_CONST


def fold_binop(op: ast.operator, left: Any, right: Any) -> Any:
    """``left op right`` when both are small constants and the result stays small."""
    if isinstance(op, ast.Pow):
        if isinstance(left, int) and isinstance(right, int) and 0 <= right <= 64 \
                and abs(left) <= 2 ** 32:
            return left ** right
        return NO_CONST
    func = _BINOPS.get(type(op))
    if func is None or not (_small(left) and _small(right)):
        return NO_CONST
    if isinstance(op, ast.Mult) and (isinstance(left, (str, bytes, tuple))
                                     or isinstance(right, (str, bytes, tuple))):
        count = right if isinstance(right, int) else left
        if not isinstance(count, int) or count > MAX_TEXT:
            return NO_CONST
    if isinstance(op, ast.Mod) and isinstance(left, (str, bytes)) \
            and not isinstance(right, (*_SCALARS, tuple)):
        return NO_CONST
    try:
        return _sized(func(left, right))
    except (ArithmeticError, TypeError, ValueError, KeyError, IndexError, MemoryError):
        return NO_CONST


def fold_unary(op: ast.unaryop, operand: Any) -> Any:
    """``not x``, ``-x``, ``+x``, ``~x`` on a small constant."""
    try:
        if isinstance(op, ast.Not):
            return not operand
        if isinstance(op, ast.USub) and isinstance(operand, (int, float)):
            return -operand
        if isinstance(op, ast.UAdd) and isinstance(operand, (int, float)):
            return +operand
        if isinstance(op, ast.Invert) and isinstance(operand, int):
            return ~operand
    except (TypeError, ValueError):
        return NO_CONST
    return NO_CONST


def fold_compare(ops: list[ast.cmpop], values: list[Any]) -> Any:
    """A chained comparison of constants."""
    if not all(_small(v) for v in values):
        return NO_CONST
    try:
        for op, left, right in zip(ops, values, values[1:], strict=False):
            if not _COMPARES[type(op)](left, right):
                return False
    except (TypeError, ValueError, KeyError):
        return NO_CONST
    return True


def fold_subscript(value: Any, index: Any) -> Any:
    """``value[index]`` for a constant string, bytes or tuple and an int or slice."""
    if not isinstance(value, (str, bytes, tuple)):
        return NO_CONST
    try:
        if isinstance(index, (int, slice)) and not isinstance(index, bool):
            return _sized(value[index])
    except (IndexError, TypeError, ValueError):
        return NO_CONST
    return NO_CONST


_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "startswith",
                          "endswith", "find", "rfind", "replace", "title", "capitalize",
                          "isdigit", "isalnum", "isalpha", "count", "casefold"})


def fold_method(receiver: Any, name: str, args: list[Any]) -> Any:
    """A pure ``str`` method on a constant string with constant arguments."""
    if not isinstance(receiver, str) or name not in _STR_METHODS:
        return NO_CONST
    if not all(isinstance(a, (str, int, tuple)) and _small(a) for a in args):
        return NO_CONST
    try:
        return _sized(getattr(receiver, name)(*args))
    except (TypeError, ValueError):
        return NO_CONST


def truth(value: Any) -> bool | None:
    """The truth of a known constant, ``None`` when unknown."""
    if value is NO_CONST:
        return None
    try:
        return bool(value)
    except Exception:  # a constant whose __bool__ raises cannot come from folding, but be safe
        return None

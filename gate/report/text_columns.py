"""Fixed-width columns for the terminal: cells are cut at their end, never wrapped.

Rich's tables wrap a cell at its spaces when a column is squeezed, so a rule
named "Base64 High Entropy String" spilled into the next line's first column
at 80 columns. Here each column gets a width once, from its content and the
terminal's width; a cell longer than its column is cut with an ellipsis, and
a column that cannot get its minimum is left out. No line is ever longer than
the width.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

__all__ = ["Column", "grid"]

_GAP = 2


@dataclass(frozen=True)
class Column:
    """How one column may be sized."""

    minimum: int = 4
    maximum: int = 60
    right: bool = False
    shrink: int = 0
    """Higher shrinks first; equal priorities shrink left to right."""
    drop: bool = False
    """Left out altogether when even its minimum does not fit."""


def _cut(cell: Text, width: int, right: bool) -> Text:
    out = cell.copy()
    if out.cell_len > width:
        out.truncate(width, overflow="ellipsis")
    pad = width - out.cell_len
    if right:
        out = Text(" " * pad) + out
    else:
        out.append(" " * pad)
    return out


def _widths(rows: list[list[Text]], columns: list[Column], width: int, indent: int
            ) -> list[int | None]:
    natural = [min(c.maximum, max((r[i].cell_len for r in rows), default=0))
               for i, c in enumerate(columns)]
    sizes: list[int | None] = [max(n, min(c.minimum, n)) for n, c in zip(natural, columns, strict=True)]

    def total() -> int:
        kept = [s for s in sizes if s is not None]
        return indent + sum(kept) + _GAP * (len(kept) - 1)

    for i in sorted(range(len(columns)), key=lambda i: (-columns[i].shrink, i)):
        excess = total() - width
        size = sizes[i]
        if excess <= 0:
            break
        if size is not None:
            sizes[i] = max(min(columns[i].minimum, size), size - excess)
    for i in sorted(range(len(columns)), key=lambda i: (-columns[i].shrink, -i)):
        if total() <= width:
            break
        if columns[i].drop:
            sizes[i] = None
    return sizes


def grid(rows: list[list[Text]], columns: list[Column], width: int, indent: int = 2
         ) -> list[Text]:
    """One :class:`Text` per row, each at most ``width`` cells (the caller prints it unwrapped)."""
    if not rows:
        return []
    sizes = _widths(rows, columns, width, indent)
    lines = []
    for row in rows:
        line = Text(" " * indent)
        cells = [_cut(cell, size, c.right) for cell, size, c in zip(row, sizes, columns, strict=True)
                 if size is not None]
        line.append_text(Text(" " * _GAP).join(cells))
        line.rstrip()
        if line.cell_len > width:
            line.truncate(width, overflow="ellipsis")
        line.no_wrap = True
        line.overflow = "ellipsis"
        lines.append(line)
    return lines

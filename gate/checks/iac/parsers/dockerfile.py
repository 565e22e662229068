"""Dockerfiles -> one resource whose ``instructions`` carry their lines.

A small line-oriented reader (continuations, comments, ``# escape=``
directive) is all the rules need; nothing is executed or expanded except
``ARG`` defaults in ``FROM``, which rules resolve themselves.
"""

from __future__ import annotations

import re

from gate.checks.iac.interface import AttrPath, Framework, Resource, Unit
from gate.checks.iac.parsers.ignores import comment_ignores, in_span

__all__ = ["parse_dockerfile"]

_ESCAPE = re.compile(r"^#\s*escape\s*=\s*(\S)", re.IGNORECASE)


def parse_dockerfile(path: str, text: str) -> Unit:
    """Parse into ``{"instructions": [{"cmd", "value", "line", "end"}]}``."""
    lines = text.splitlines()
    escape = "\\"
    for raw in lines[:5]:
        match = _ESCAPE.match(raw.strip())
        if match:
            escape = match.group(1)
    instructions: list[dict[str, object]] = []
    line_map: dict[AttrPath, int] = {}
    current: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # comments inside a continued instruction are dropped by Docker too
        if not current:
            start = number
        if stripped.endswith(escape):
            current.append(stripped[:-1])
            continue
        current.append(stripped)
        _add(instructions, line_map, " ".join(current), start, number)
        current = []
    if current:
        _add(instructions, line_map, " ".join(current), start, len(lines))
    end = len(lines) or 1
    resource = Resource(
        framework=Framework.DOCKERFILE, path=path, type="Dockerfile", name=path,
        address=path, start_line=1, end_line=end,
        properties={"instructions": instructions}, lines=line_map,
        ignores=in_span(comment_ignores(text), 1, end),
    )
    return Unit(Framework.DOCKERFILE, (resource,))


def _add(out: list[dict[str, object]], line_map: dict[AttrPath, int], text: str,
         start: int, end: int) -> None:
    cmd, _, value = text.partition(" ")
    line_map[("instructions", len(out))] = start
    out.append({"cmd": cmd.upper(), "value": value.strip(), "line": start, "end": end})

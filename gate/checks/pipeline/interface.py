"""The pipeline audit's vocabulary: files, reach, issues and rules.

Parsers turn CI definitions into :class:`PipelineFile` objects; the model
(:mod:`gate.checks.pipeline.model`) says, per job, which triggers reach it with
which privileges; rules yield :class:`Issue` objects with the path from the
trigger to the sink (rules: :mod:`gate.checks.pipeline.rule`);
:mod:`gate.checks.pipeline.engine` turns them into findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from gate.checks.pipeline.platforms import Kind, Platform
from gate.findings import Severity

__all__ = ["AttrPath", "Category", "Hop", "Issue", "Kind", "PipelineError", "PipelineFile",
           "Platform", "Suppress"]

AttrPath = tuple[str | int, ...]
"""A path into a file's YAML: keys for mappings, indexes for lists."""


class PipelineError(Exception):
    """A file could not be read as a CI definition; becomes a ``NotScanned`` with the line."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class Category(str, Enum):
    """The classes of the issue (docs/rules.md groups rules by them)."""

    INJECTION = "injection"
    PRIVILEGE = "privileged triggers"
    POISONING = "poisoning"
    EXFILTRATION = "exfiltration"
    SUPPLY_CHAIN = "supply chain"


@dataclass(frozen=True)
class Suppress:
    """A ``# gate:ignore[RULE-ID] reason`` comment."""

    rule_ids: tuple[str, ...]
    reason: str | None
    line: int


@dataclass(frozen=True)
class PipelineFile:
    """One parsed CI definition: its plain YAML value, key lines and source lines."""

    path: str
    platform: Platform
    kind: Kind
    value: Mapping[str, Any]
    lines: Mapping[AttrPath, int]
    text_lines: tuple[str, ...]
    ignores: tuple[Suppress, ...] = ()

    def line_of(self, path: AttrPath) -> int:
        """The line of ``path``, or of its closest known ancestor, or 1."""
        for cut in range(len(path), 0, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return line
        return 1

    def source_line(self, number: int) -> str:
        """The raw text of line ``number`` (1-based); ``""`` when out of range."""
        return self.text_lines[number - 1] if 0 < number <= len(self.text_lines) else ""


@dataclass(frozen=True)
class Hop:
    """One step of the path from a trigger to a sink (a SARIF code-flow location)."""

    path: str
    line: int
    message: str


@dataclass(frozen=True)
class Issue:
    """A rule's verdict on one place of one file.

    ``detail`` completes the sentence ``<file> ...``; ``at`` is the YAML path to point at;
    ``key`` tells apart several issues of one rule in one file (it goes into the
    fingerprint, never a line number); ``flow`` is trigger -> job -> sink.
    """

    detail: str
    at: AttrPath
    key: str
    severity: Severity | None = None
    flow: tuple[Hop, ...] = ()
    line_offset: int = 0
    """Lines below ``at``'s own line (a command in the middle of a ``run:`` block)."""
    job: str = ""
    trigger: str = ""

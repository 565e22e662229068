"""The taint layer's data model: what a source, sink and sanitiser are, and what comes out.

Everything here is frozen and picklable: an analysis runs in a pool worker and
its result crosses back to the check.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FileAnalysis",
    "Lookup",
    "SanitiserSpec",
    "SinkMark",
    "SinkSpec",
    "SourceSpec",
    "Step",
    "TaintFinding",
]

SAFE = "safe"
"""A sink whose inputs the analysis proved free of user input."""
UNPROVEN = "unproven"
"""A sink fed by a value of unknown origin (a parameter nobody is known to pass input to)."""
TAINTED = "tainted"
"""A sink reached by user input: a finding."""
LOCAL = "local"
"""A sink reached only by the invoking user's own input (environment, argv; not the console,
which anyone can pipe in) besides proven-safe values: a finding of severity ``low``."""


@dataclass(frozen=True)
class SourceSpec:
    """Where user input enters: an attribute or call on a request object, or a function."""

    name: str
    """Qualified name (``flask.request.args``) or request attribute (``GET``)."""
    label: str
    """How a finding names it: ``request.args``."""
    confidence: str = "high"
    """``high`` for a network request, ``low`` for the environment, argv or a console."""


@dataclass(frozen=True)
class SinkSpec:
    """A call whose argument must not carry user input, with the weakness it leads to."""

    kind: str
    """Sink family (``sql``, ``shell``, ``code``, ``path``...): sanitisers clear kinds."""
    rule_id: str
    cwe: str
    title: str
    args: tuple[int, ...] = (0,)
    """Positional arguments checked (an empty tuple: every argument)."""
    keywords: tuple[str, ...] = ()
    """Keyword arguments checked."""
    severity: str = "high"


@dataclass(frozen=True)
class SanitiserSpec:
    """A call whose result is safe for some sink kinds (``*``: every kind)."""

    name: str
    clears: frozenset[str]


@dataclass(frozen=True)
class Step:
    """One step of a path: a file (repo-relative), a line and what happened there."""

    path: str
    line: int
    message: str


@dataclass(frozen=True)
class TaintFinding:
    """User input from a source reaching a sink, with the path it took."""

    rule_id: str
    cwe: str
    kind: str
    title: str
    severity: str
    confidence: str
    line: int
    message: str
    path: tuple[Step, ...]


@dataclass(frozen=True)
class SinkMark:
    """What the analysis concluded about one sink call: safe, unproven or tainted.

    The check uses these to downgrade the bandit finding a proven-safe sink
    overlaps (never to drop it).
    """

    kind: str
    line: int
    status: str
    scope: tuple[int, int]
    """First and last line of the enclosing function (the module: its whole length)."""
    proof: str = ""
    """For a safe sink: what proved it (``constant``, ``int()``, ``shlex.quote()``...)."""


@dataclass(frozen=True)
class Lookup:
    """One import the analysis resolved: module ``dotted`` seen from ``directory``."""

    dotted: str
    directory: str
    """The importing file's directory, repo-relative (``""``: the root)."""
    found: str | None
    """The repo-relative file it resolved to, or ``None`` (not in the repository)."""


@dataclass(frozen=True)
class FileAnalysis:
    """The outcome for one file: findings, sink marks, or why it could not be analysed."""

    findings: tuple[TaintFinding, ...] = ()
    marks: tuple[SinkMark, ...] = ()
    error: str | None = None
    error_line: int | None = None
    lookups: tuple[Lookup, ...] = ()
    """Every module lookup the analysis made, sorted: with the found modules' contents, what
    the outcome depends on besides the file's own text."""

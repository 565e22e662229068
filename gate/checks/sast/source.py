"""Reading a Python file the way bandit saw it: its lines, its comments, its suppression markers.

bandit runs with ``ignore_nosec`` so that a ``# nosec`` never hides a finding
from the gate; this module re-reads the markers so that the sast check can
attach them to findings as data (an inline :class:`~gate.findings.Suppression`)
and let the triage stage decide whether the policy honours them.

Comments are found with :mod:`tokenize`, not with a regex over the line, so a
``"# nosec"`` inside a string literal is not a marker.
"""

from __future__ import annotations

import functools
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from gate.findings import Suppression

__all__ = ["Marker", "PySource", "parse_marker"]

_NOSEC = re.compile(r"#\s*nosec(?![\w-])(?P<rest>.*)$")
_GATE_IGNORE = re.compile(r"gate:ignore\[(?P<rules>[^\]]*)\](?P<reason>.*)$")
_RULE_ID = re.compile(r"^B\d{3}$")
_SEPARATORS = " \t:;,-#\u2013\u2014"


@dataclass(frozen=True)
class Marker:
    """One suppression marker in a comment: ``# nosec ...`` or ``# gate:ignore[...] ...``."""

    kind: str
    """``nosec`` or ``gate:ignore``: what the user wrote, kept for the suppression's source."""
    rules: tuple[str, ...]
    """Rule ids the marker names; empty means every rule (bare ``# nosec`` only)."""
    reason: str | None

    def applies_to(self, rule_id: str) -> bool:
        """True when this marker covers ``rule_id``."""
        return not self.rules or rule_id in self.rules

    def suppression(self, path: str, line: int) -> Suppression:
        """The inline suppression this marker stands for, located at ``path:line``."""
        return Suppression(kind="inline", reason=self.reason, source=f"{path}:{line} # {self.kind}",
                           rules=self.rules)


def _rule_id(word: str) -> str | None:
    """Map a word of a marker to a bandit rule id: ``B602``, or a test name like ``assert_used``."""
    if _RULE_ID.match(word.upper()):
        return word.upper()
    from gate.checks.sast.bandit_run import import_bandit

    import_bandit()  # deferred: loading bandit's plugins is slow
    from bandit.core import extension_loader

    test_id = extension_loader.MANAGER.get_test_id(word)
    return str(test_id) if test_id else None


def _reason(text: str) -> str | None:
    """The free text of a marker, stripped of separators; ``None`` when there is none."""
    reason = text.strip().lstrip(_SEPARATORS).strip()
    return reason or None


def _parse_nosec(rest: str) -> Marker:
    """Parse what follows ``nosec``: a leading run of rule ids or test names, then a reason.

    Unlike bandit (whose parser keeps only ``B101`` from ``B602,B101`` and
    treats an unknown id as a bare ``# nosec``), every id written is kept and
    an unknown one narrows the marker instead of widening it: fail closed.
    """
    words = re.split(r"([,\s]+)", rest.lstrip(" \t:"))
    rules: list[str] = []
    consumed = 0
    for index, word in enumerate(words):
        if index % 2:  # a separator
            continue
        if not word:
            consumed = index + 1
            continue
        rule = _rule_id(word)
        if rule is None:
            break
        rules.append(rule)
        consumed = index + 1
    return Marker("nosec", tuple(dict.fromkeys(rules)), _reason("".join(words[consumed:])))


def parse_marker(comment: str) -> Marker | None:
    """Parse one comment token; ``gate:ignore`` wins over ``nosec`` when both are present.

    ``gate:ignore`` must name at least one rule: our own marker never means "everything".
    """
    gate = _GATE_IGNORE.search(comment)
    if gate:
        names = [w for w in re.split(r"[,\s]+", gate.group("rules")) if w]
        rules = tuple(dict.fromkeys(_rule_id(w) or w for w in names))
        if rules:
            return Marker("gate:ignore", rules, _reason(gate.group("reason")))
    nosec = _NOSEC.search(comment)
    if nosec:
        return _parse_nosec(nosec.group("rest"))
    return None


@dataclass(frozen=True)
class PySource:
    """The decoded lines of a Python file; its comments are tokenized only when asked for.

    Most flagged lines hold no ``#`` at all, and a line without one has no
    comment: :meth:`code` and :meth:`marker` answer those without running
    :mod:`tokenize` (pure Python before 3.12, and the costliest step of
    mapping bandit's issues) over the whole file.
    """

    lines: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> PySource:
        """Read and decode ``path`` as Python does (PEP 263 cookie, BOM); raise ``OSError``."""
        data = path.read_bytes()
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            encoding = "utf-8"
        text = data.decode(encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        return cls(tuple(text.split("\n")))

    @functools.cached_property
    def comments(self) -> dict[int, tuple[int, str]]:
        """Every comment of the file: line -> (column, text)."""
        comments: dict[int, tuple[int, str]] = {}
        try:
            for token in tokenize.generate_tokens(io.StringIO("\n".join(self.lines)).readline):
                if token.type == tokenize.COMMENT:
                    comments[token.start[0]] = (token.start[1], token.string)
        except (tokenize.TokenError, SyntaxError):
            pass  # bandit parsed the file, so this is rare; the markers found so far stand
        return comments

    def _comment(self, lineno: int) -> tuple[int, str] | None:
        if not 1 <= lineno <= len(self.lines) or "#" not in self.lines[lineno - 1]:
            return None
        return self.comments.get(lineno)

    def code(self, lineno: int) -> str:
        """Line ``lineno`` without its comment, so adding a ``# nosec`` keeps the fingerprint."""
        if not 1 <= lineno <= len(self.lines):
            return ""
        line = self.lines[lineno - 1]
        comment = self._comment(lineno)
        return line[: comment[0]] if comment else line

    def marker(self, lineno: int) -> Marker | None:
        """The suppression marker in the comment on line ``lineno``, if any."""
        comment = self._comment(lineno)
        return parse_marker(comment[1]) if comment else None

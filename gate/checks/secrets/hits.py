"""Secrets found in batches of lines, turned into findings: for streamed files and history.

The tree scan (:mod:`gate.checks.secrets.check`) sees a file whole; a
streamed file (:mod:`~gate.checks.secrets.stream`) or a commit's added lines
(:mod:`~gate.checks.secrets.history`) arrive in batches, each with the true
numbers of its lines. :class:`Hits` scans each batch with the same plugins
and filters, takes the same material and inline markers, drops what an
overlap finds twice, and builds the same findings (same rule ids,
severities, fingerprints) at the end. Raw values never outlive a batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.checks.secrets.lines import inline_suppression, materials
from gate.checks.secrets.rules import finding_fields, rank
from gate.findings import Finding, Location, Suppression, secret_fingerprint

__all__ = ["CHECK", "Hits", "scanner_for"]

CHECK = "secrets"

_scanners: dict[tuple[int, frozenset[str]], Any] = {}


def scanner_for(excluded: frozenset[str] = frozenset()) -> Any:
    """The fast line scanner over the current detect-secrets plugins, less ``excluded`` types."""
    from detect_secrets.settings import get_plugins

    from gate.checks.secrets.scan import _Scanner  # the tree scan's own scanner

    plugins = get_plugins()
    key = (id(plugins), excluded)
    if key not in _scanners:
        _scanners.clear()
        _scanners[key] = _Scanner([p for p in plugins if p.secret_type not in excluded])
    return _scanners[key]


@dataclass
class Hits:
    """Everything found in one file (or one file of one commit), batch after batch."""

    rel: str
    plugins: dict[str, Any]
    types: dict[tuple[int, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    suppressions: dict[tuple[int, str, str], Suppression | None] = field(default_factory=dict)
    notes: dict[tuple[int, str], Any] = field(default_factory=dict)
    """How the gate rated a value (provider detectors, look-alikes): ``rules.finding_fields``."""

    def scan(self, scanner: Any, filename: str, numbered: Sequence[tuple[int, str]],
             keep: Callable[[str], bool] | None = None) -> None:
        """Scan one batch; ``numbered`` holds each line with its number in the file.

        ``keep``: called with each secret's material, ``False`` drops it.
        """
        from gate.checks.secrets.scan import merge, our_hits

        lines = [text for _, text in numbered]
        found: list[tuple[int, str, str, Any]] = []  # (index in batch, material, type, note)
        on_line: dict[int, set[str]] = defaultdict(set)
        plain = list(scanner.process(list(enumerate(lines, start=1)), filename))
        for secret in merge(plain, our_hits(filename, lines), lines, self.plugins):
            index, value = int(secret.line_number), secret.secret_value or ""
            secret.secret_value = None
            on_line[index].add(value)
            plugin = self.plugins.get(secret.type)
            note = getattr(secret, "gate_note", None)
            for material in materials(secret.type, value, lines, index, plugin):
                if keep is not None and not keep(material):
                    continue
                found.append((index, material, str(secret.type), note))
                on_line[index].add(material)
        for index, material, kind, note in found:
            number = numbered[index - 1][0]
            if kind not in self.types[(number, material)]:
                self.types[(number, material)].append(kind)
            if note is not None and (note.detector is not None
                                     or (number, material) not in self.notes):
                self.notes[(number, material)] = note
            key = (number, material, kind)
            if key not in self.suppressions:
                self.suppressions[key] = inline_suppression(self.rel, lines, index, kind,
                                                            on_line[index])
        on_line.clear()

    def findings(self, message: str = "{kind} found",
                 extra: tuple[tuple[str, str], ...] = ()) -> list[Finding]:
        """The findings, as the tree scan builds them; the raw material is dropped here."""
        ordinals: dict[tuple[str, str], int] = defaultdict(int)
        out: list[Finding] = []
        for (number, material), found in sorted(self.types.items()):
            ordered = sorted(set(found), key=lambda t: (*(-r for r in rank(t)), t))
            kind = ordered[0]
            ordinal = ordinals[(kind, material)]
            ordinals[(kind, material)] += 1
            fingerprint = secret_fingerprint(
                CHECK, kind, self.rel, material if ordinal == 0 else f"{material}\x00{ordinal}")
            fields = finding_fields(ordered, self.notes.get((number, material)))
            fields["message"] = message.format(kind=fields["message"].removesuffix(" found"))
            fields["extra"] = (*fields["extra"], *extra)
            suppression = next(filter(None, (self.suppressions.get((number, material, t))
                                             for t in ordered)), None)
            out.append(Finding(check=CHECK, location=Location(self.rel, number, number),
                               fingerprint=fingerprint, suppression=suppression, **fields))
        self.types.clear()
        self.suppressions.clear()
        self.notes.clear()
        return out

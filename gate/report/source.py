"""Short code excerpts for the terminal report, read from the scanned checkout.

Only the terminal report shows excerpts, and only when the CLI hands it the
repository (a saved JSON report renders without them). The files are
untrusted: reads stay inside the repository (no ``..``, no symlink out), are
bounded in size, and every excerpt line is made printable and cut.

No secret may reach the screen: the secrets check never returns a value, so
there is nothing to show for its findings, and any line that check flagged
(or a hard-coded-password rule of bandit) is masked wherever it appears:
only a short, harmless-looking key before ``=``/``:`` survives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from gate.findings import Finding
from gate.redact import redact

__all__ = ["MAX_FILE_BYTES", "SourceLines", "mask_line", "scrub", "secret_lines"]

MAX_FILE_BYTES = 2_000_000
MAX_LINES = 3
MAX_WIDTH = 160
_MASK = "****"
_KEY = re.compile(r"^(?P<key>[^=:]{0,60}?)(?P<op>\s*(?::=|=>|==|=|:)\s*)")
_RUN = re.compile(r"[A-Za-z0-9]+")
_PASSWORD_RULES = frozenset({"B105", "B106", "B107"})
_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-]{20,}")


def _harmless_key(key: str) -> bool:
    """A key like ``AWS_SECRET_ACCESS_KEY`` or ``"password"``: no token that could be a secret."""
    for run in _RUN.findall(key):
        if len(run) > 24 or (any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
                             and len(run) > 8):
            return False
    return True


def mask_line(line: str) -> str:
    """The line with everything after its first ``=``/``:`` replaced by ``****``."""
    m = _KEY.match(line)
    if m and m["key"].strip() and _harmless_key(m["key"]):
        return f"{m['key']}{m['op']}{_MASK}"
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}{_MASK}"


def secret_lines(findings: Iterable[Finding]) -> frozenset[tuple[str, int]]:
    """(path, line) of every line a secret was found on, or a hard-coded password rule fired."""
    out: set[tuple[str, int]] = set()
    for f in findings:
        if f.check != "secrets" and f.rule_id not in _PASSWORD_RULES:
            continue
        start = f.location.start_line
        if start is None:
            continue
        for line in range(start, (f.location.end_line or start) + 1):
            out.add((f.location.path, line))
    return frozenset(out)


def scrub(line: str) -> str:
    """Defence in depth on every excerpt line: credentials and token-like strings masked.

    URL credentials and token-like query values go as in every message
    (:func:`gate.redact.redact`); then a token, 20 or more characters from a key
    alphabet mixing letters and digits (what API keys look like, and what
    identifiers and words do not), is masked too.
    """
    line = redact(line)
    def token(m: re.Match[str]) -> str:
        text = m.group(0)
        mixed = any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
        return _MASK if mixed else text
    return _TOKEN.sub(token, line)


def _printable(text: str) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text.expandtabs(4).rstrip())
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 1] + "…"


class SourceLines:
    """Reads excerpt lines from files under ``root``, each file at most once."""

    def __init__(self, root: Path, masked: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.root = root.resolve()
        self.masked = masked
        self._cache: dict[str, list[str] | None] = {}

    def _lines(self, rel: str) -> list[str] | None:
        if rel in self._cache:
            return self._cache[rel]
        self._cache[rel] = None
        if not rel or rel.startswith(("/", "\\")) or ".." in rel.split("/"):
            return None
        try:
            path = (self.root / rel).resolve()
            if self.root not in path.parents or not path.is_file():
                return None
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except (OSError, RuntimeError):
            return None
        if b"\x00" in data[:8192]:
            return None
        self._cache[rel] = data.decode("utf-8", errors="replace").splitlines()
        return self._cache[rel]

    def excerpt(self, finding: Finding) -> list[tuple[int, str]]:
        """Up to three numbered lines of the finding; none for secrets or unknown lines."""
        start = finding.location.start_line
        if finding.check == "secrets" or start is None or start < 1:
            return []
        lines = self._lines(finding.location.path)
        if lines is None or start > len(lines):
            return []
        end = min(finding.location.end_line or start, start + MAX_LINES - 1, len(lines))
        out = []
        for number in range(start, max(start, end) + 1):
            text = lines[number - 1]
            if (finding.location.path, number) in self.masked:
                text = mask_line(text)
            out.append((number, _printable(scrub(text))))
        return out

"""The SARIF 2.1.0 report, shaped for GitHub code scanning (and any other SARIF viewer).

Run layout and fields are built in :mod:`gate.report.sarif_build`; this module
assembles the log and keeps it inside GitHub's ingestion limits. GitHub
rejects an upload with more than 25,000 results in a run or more than 10 MB
gzipped, so when a run would exceed either, the least important results are
cut first (suppressed before active, passing before failing, low before high)
and each affected run says how many it lost. Suppressed findings stay in the
log as results with ``suppressions``, so code scanning shows them dismissed
rather than forgetting them.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

from gate.report.interface import Reporter
from gate.report.interop import occurrence_keys
from gate.report.sarif_build import CheckSlice, build_run, check_slices
from gate.result import RunResult

__all__ = ["MAX_GZIP_BYTES", "MAX_RESULTS_PER_RUN", "SarifReporter", "gzip_size"]

SARIF_SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                "sarif-schema-2.1.0.json")
MAX_RESULTS_PER_RUN = 25_000
"""GitHub's hard limit per run (it displays only the top 5,000, by severity)."""
MAX_GZIP_BYTES = 10 * 1000 * 1000
"""GitHub's limit for the gzipped upload, read conservatively as decimal megabytes."""


def gzip_size(text: str) -> int:
    """How large ``text`` is once gzipped, as GitHub measures an upload."""
    return len(gzip.compress(text.encode("utf-8"), compresslevel=6))


def _priority(run: RunResult, i: int) -> tuple[bool, bool, int, int]:
    """Sort key, most important first: active, failing, severe, then report order."""
    f = run.findings[i]
    return (f.suppressed, not run.is_failing(i), -f.severity, i)


class SarifReporter(Reporter):
    """SARIF 2.1.0 with one run per check, within GitHub's upload limits.

    The limits are constructor arguments so tests (and stricter consumers) can
    lower them; the registry builds the reporter with GitHub's values.
    """

    name = "sarif"
    description = "SARIF 2.1.0 for GitHub code scanning and SARIF viewers"

    def __init__(self, max_results_per_run: int = MAX_RESULTS_PER_RUN,
                 max_gzip_bytes: int = MAX_GZIP_BYTES) -> None:
        self.max_results_per_run = max_results_per_run
        self.max_gzip_bytes = max_gzip_bytes

    def render(self, run: RunResult) -> str:
        """The whole log; cut from the least important end until it fits."""
        slices = check_slices(run)
        keys = occurrence_keys(run.findings)
        kept = {s.name: self._within_run_limit(run, s) for s in slices}
        while True:
            text = self._dump(run, slices, keys, kept)
            size = self._size(text)
            if size <= self.max_gzip_bytes:
                return text
            # Keep a share proportional to the excess (results dominate the size),
            # a little under it, and never more than three quarters per round.
            share = min(0.75, 0.9 * self.max_gzip_bytes / size)
            if not self._cut(run, kept, share):
                return text  # nothing left to cut: the notices alone are this large

    def _within_run_limit(self, run: RunResult, part: CheckSlice) -> list[int]:
        best = sorted(part.indexes, key=lambda i: _priority(run, i))
        return sorted(best[: self.max_results_per_run])

    def _size(self, text: str) -> int:
        """The gzipped size, skipping the compression when even the raw text fits."""
        raw = len(text.encode("utf-8"))
        return raw if raw <= self.max_gzip_bytes else gzip_size(text)

    @staticmethod
    def _cut(run: RunResult, kept: dict[str, list[int]], share: float) -> bool:
        """Keep only the most important ``share`` of what is left, across all runs."""
        everything = sorted((i for idx in kept.values() for i in idx),
                            key=lambda i: _priority(run, i))
        if not everything:
            return False
        keep = min(len(everything) - 1, int(len(everything) * share))
        drop = set(everything[keep:])
        for name, idx in kept.items():
            kept[name] = [i for i in idx if i not in drop]
        return True

    @staticmethod
    def _dump(run: RunResult, slices: list[CheckSlice], keys: list[str],
              kept: dict[str, list[int]]) -> str:
        if not slices:
            # Nothing ran: one empty gate run still carries the gate's notices.
            slices = [CheckSlice("gate", None, ())]
            kept = {"gate": []}
        runs = [build_run(run, s, keys, kept[s.name], first=n == 0)
                for n, s in enumerate(slices)]
        log: dict[str, Any] = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

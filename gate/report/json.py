"""The JSON report: the versioned contract documented in docs/formats.md."""

from __future__ import annotations

import json

from gate.report.interface import Reporter
from gate.result import RunResult
from gate.serialize import to_dict

__all__ = ["JsonReporter"]


class JsonReporter(Reporter):
    """Everything the run concluded, machine-readable (``schema_version`` first)."""

    name = "json"
    description = "versioned JSON report (the contract other tools read)"

    def render(self, run: RunResult) -> str:
        """Pretty-printed, key order stable, so diffs between runs are readable."""
        return json.dumps(to_dict(run), indent=2, ensure_ascii=False) + "\n"

"""The JSON report: the versioned contract documented in docs/formats.md."""

from __future__ import annotations

import json
from typing import Any

from gate.report.interface import Reporter
from gate.result import RunResult
from gate.serialize import to_dict

__all__ = ["JsonReporter"]

_ONE_PER_LINE = ("findings", "not_scanned", "packages")
"""Top-level lists written one item per line: readable diffs, and the C encoder's speed."""


def _placeholder(key: str) -> str:
    return f"\x00{key}\x00"  # NUL cannot occur in anything the run serialises at the top


def _items(items: list[Any]) -> str:
    lines = ",\n".join("    " + json.dumps(item, ensure_ascii=False, separators=(", ", ": "))
                       for item in items)
    return "[\n" + lines + "\n  ]"


class JsonReporter(Reporter):
    """Everything the run concluded, machine-readable (``schema_version`` first)."""

    name = "json"
    description = "versioned JSON report (the contract other tools read)"

    def render(self, run: RunResult) -> str:
        """Pretty-printed, key order stable, so diffs between runs are readable.

        The long lists (findings, not scanned, packages) hold one item per line:
        a diff shows which findings came and went, and a report of 50,000
        findings is written in a fraction of the time ``indent`` takes (which
        falls back to the pure-Python encoder).
        """
        doc = to_dict(run)
        held: dict[str, list[Any]] = {}
        for key in _ONE_PER_LINE:
            value = doc.get(key)
            if isinstance(value, list) and value:
                held[key] = value
                doc[key] = _placeholder(key)
        text = json.dumps(doc, indent=2, ensure_ascii=False)
        for key, items in held.items():
            marker = f'\n  "{key}": {json.dumps(_placeholder(key))}'
            text = text.replace(marker, f'\n  "{key}": {_items(items)}', 1)
        return text + "\n"

"""The realistic corpus (``corpus.py``): every framework, scored as TPR - FPR at medium+."""

from __future__ import annotations

import ast
import textwrap
from typing import TYPE_CHECKING

from corpus import FILES  # type: ignore[import-not-found]  # tests/checks/sast/taint/corpus.py

from gate.checks.sast import SastCheck
from gate.findings import Severity

if TYPE_CHECKING:  # the fixture's class, from tests/checks/conftest.py
    from conftest import SourceTree


def _handlers() -> dict[tuple[str, str], tuple[int, int, bool]]:
    """(file, qualified handler) -> (first line, last line, vulnerable)."""
    out: dict[tuple[str, str], tuple[int, int, bool]] = {}
    for rel, text in FILES.items():
        source = textwrap.dedent(text).lstrip("\n")
        lines = source.splitlines()
        tree = ast.parse(source)
        for node in ast.walk(tree):
            owners = [n.name for n in tree.body if isinstance(n, ast.ClassDef) and node in n.body]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                comment = lines[node.lineno - 1]
                if "# VULN" in comment or "# SAFE" in comment:
                    name = ".".join([*owners, node.name])
                    out[(rel, name)] = (node.lineno, node.end_lineno or node.lineno,
                                        "# VULN" in comment)
    return out


def test_corpus_score(source_tree: SourceTree) -> None:
    for rel, text in FILES.items():
        source_tree.write(rel, textwrap.dedent(text).lstrip("\n"))
    result = SastCheck().run(source_tree.target())
    handlers = _handlers()
    flagged = {key for key, (first, last, _) in handlers.items()
               for f in result.findings
               if f.path == key[0] and f.severity >= Severity.MEDIUM
               and first <= (f.start_line or 0) <= last}
    vulnerable = {k for k, v in handlers.items() if v[2]}
    safe = set(handlers) - vulnerable
    assert len(vulnerable) >= 20
    assert len(safe) >= 20
    missed = sorted(vulnerable - flagged)
    false_alarms = sorted(safe & flagged)
    assert missed == []
    assert false_alarms == []
    tpr = len(vulnerable & flagged) / len(vulnerable)
    fpr = len(safe & flagged) / len(safe)
    assert tpr - fpr >= 0.80

"""Every sink family: the vulnerable handler is flagged with its CWE and path, the look-alike is not."""

from __future__ import annotations

import pytest
from pairs import HEAD, PAIRS, Pair

from gate.checks.sast.taint.analyse import analyse_source

_SERIOUS = {"medium", "high", "critical"}


@pytest.mark.parametrize("pair", PAIRS, ids=[p.family for p in PAIRS])
def test_vulnerable_handler_is_flagged_with_cwe_and_path(pair: Pair) -> None:
    result = analyse_source("app.py", HEAD + pair.vulnerable.lstrip("\n"))
    assert result.error is None
    found = [f for f in result.findings if f.rule_id == pair.rule]
    assert len(found) == 1, result.findings
    finding = found[0]
    assert finding.cwe == pair.cwe
    assert finding.line == pair.sink
    assert finding.path[0].line == pair.source
    assert finding.path[-1].line == pair.sink
    assert [s.path for s in finding.path] == ["app.py"] * len(finding.path)
    if pair.family == "trust":  # a weak signal on its own: low by design
        assert finding.severity == "low"
    else:
        assert finding.severity in _SERIOUS


@pytest.mark.parametrize("pair", PAIRS, ids=[p.family for p in PAIRS])
def test_safe_look_alike_is_not_flagged(pair: Pair) -> None:
    result = analyse_source("app.py", HEAD + pair.safe.lstrip("\n"))
    assert result.error is None
    assert [f for f in result.findings if f.severity in _SERIOUS] == []

"""One fixture directory per rule: resources named ``fail*`` must be flagged, ``pass*`` not.

Each directory holds one file per framework the rule covers; the test
asserts the exact set of flagged resources and that every framework has at
least one failing and one passing resource, so no fixture passes vacuously.
"""

from __future__ import annotations

import pytest
from iac_support import FIXTURES, scan

from gate.checks.iac.interface import Framework, Rule
from gate.checks.iac.registry import RULES
from gate.checks.iac.rulebook import GROUPS, rules_for


def _kind(address: str, path: str) -> str:
    """``fail``/``pass``/``unknown`` from the resource's name (file resources: the file name)."""
    if address == path:
        parts = path.split("/")
        name = parts[-1] if not parts[-1].startswith(".") else parts[0]
    else:
        name = address.split("/")[-1].split(".")[-1]
    name = name.lower()
    for word in ("fail", "pass", "unknown"):
        if name.startswith(word):
            return word
    return "other"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_fixture(rule: Rule) -> None:
    directory = FIXTURES / "rules" / rule.id.lower()
    assert directory.is_dir(), f"missing fixture directory {directory}"
    loaded, result = scan(directory, [rule])
    assert loaded.not_scanned == ()
    assert result.errors == ()
    flagged = {f.extra[0][1] for f in result.findings}
    covered = {}
    for unit in loaded.units:
        types = rule.resource_types.get(unit.framework, frozenset())
        for res in unit.resources:
            if res.type in types:
                covered.setdefault(unit.framework, []).append((res.address, res.path))
    assert set(covered) == set(rule.frameworks()), "a framework of the rule has no fixture"
    for framework, resources in covered.items():
        kinds = {address: _kind(address, path) for address, path in resources}
        expected = {a for a, k in kinds.items() if k == "fail"}
        assert expected, f"{framework.value}: no failing resource"
        assert any(k == "pass" for k in kinds.values()), f"{framework.value}: no passing resource"
        got = {a for a in flagged if a in kinds}
        assert got == expected, framework.value
    for finding in result.findings:
        assert finding.rule_id == rule.id
        assert finding.location.start_line and finding.location.end_line
        assert finding.location.start_line <= finding.location.end_line
    unknown = [a for resources in covered.values() for a, p in resources
               if _kind(a, p) == "unknown"]
    for address in unknown:
        assert any(address in w for w in result.warnings), f"{address} not reported as unknown"


@pytest.mark.parametrize("framework", list(Framework))
def test_the_rulebook_gives_each_framework_its_registry_rules(framework: Framework) -> None:
    """The check asks :func:`rules_for` the frameworks it found: it must get every rule the
    registry has for them, in the registry's order (a group's declaration covers its rules)."""
    assert rules_for({framework}) == tuple(r for r in RULES if framework in r.resource_types)


def test_the_rulebook_groups_hold_the_whole_registry_once() -> None:
    assert rules_for(frozenset(Framework)) == RULES
    loaded = [rule for _covers, load in GROUPS for rule in load()]
    assert sorted(r.id for r in loaded) == sorted(r.id for r in RULES)
    assert all(frozenset(r.resource_types) <= covers
               for covers, load in GROUPS for r in load())

"""The explicit list of built-in IaC rules (no discovery magic: add a rule to its group in
:mod:`gate.checks.iac.rulebook` to ship it). Importing this module imports every rule; the
check itself asks :func:`~gate.checks.iac.rulebook.rules_for` the frameworks it found."""

from __future__ import annotations

from gate.checks.iac.interface import Framework, Rule
from gate.checks.iac.rulebook import rules_for

__all__ = ["RULES", "rule_by_id"]

RULES: tuple[Rule, ...] = rules_for(frozenset(Framework))


def rule_by_id(rule_id: str) -> Rule:
    """The rule with ``rule_id``; ``KeyError`` when there is none."""
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)

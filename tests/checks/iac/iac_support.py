"""Helpers for the IaC tests: scan a fixture directory with all or some rules.

A module of its own name (not ``conftest``): test directories' conftest modules share one
name, so importing helpers from "conftest" picked whichever was loaded first."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gate.checks.iac.engine import Evaluation, evaluate_units
from gate.checks.iac.interface import Framework, Rule
from gate.checks.iac.loader import Loaded, load_units
from gate.checks.iac.registry import RULES

FIXTURES = Path(__file__).parent / "fixtures"


def files_under(root: Path) -> tuple[str, ...]:
    """Every file below ``root`` as repo-relative POSIX paths (dotfiles included)."""
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))


def scan(root: Path, rules: Sequence[Rule] = RULES) -> tuple[Loaded, Evaluation]:
    """Load every file under ``root`` and evaluate ``rules``."""
    loaded = load_units(root, files_under(root), frozenset(Framework))
    return loaded, evaluate_units(loaded.units, rules)

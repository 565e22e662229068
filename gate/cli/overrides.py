"""Command-line settings that override the policy (``--fail-on``, ``--exclude``).

Each maps onto one policy key, and is applied to the policy that governs the
run (in a pull request, the base branch's) after any branch override, so the
command line always has the last word, as the CI configuration that runs it
does. ``docs/policy.md`` lists them beside the keys they override.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from typing import cast

from gate.errors import UsageError
from gate.policy.model import Policy, SeverityName

__all__ = ["SEVERITIES", "fail_on_spec", "policy_overrides"]

SEVERITIES = ("info", "low", "medium", "high", "critical")


def fail_on_spec(value: str) -> tuple[str | None, str]:
    """``--fail-on LEVEL`` (every check) or ``--fail-on CHECK=LEVEL`` (one check)."""
    check, sep, level = value.rpartition("=")
    if sep and not check:
        raise argparse.ArgumentTypeError(f"expected CHECK=LEVEL or LEVEL, got {value!r}")
    level = level.strip().lower()
    if level not in SEVERITIES:
        raise argparse.ArgumentTypeError(
            f"unknown severity {level!r} (choose from: {', '.join(SEVERITIES)})")
    return (check.strip() or None) if sep else None, level


def _with_check_fail_on(policy: Policy, check: str, level: str) -> Policy:
    attr = check.replace("-", "_")
    block = getattr(policy.checks, attr, None)
    if block is None:
        known = ", ".join(sorted(f.name for f in fields(policy.checks)))
        raise UsageError(f"--fail-on {check}={level}: no check named {check!r} "
                         f"(checks: {known})")
    checks = replace(policy.checks, **{attr: replace(block, fail_on=level)})
    return replace(policy, checks=checks)


def policy_overrides(fail_on: Sequence[tuple[str | None, str]], exclude: Sequence[str]
                     ) -> Callable[[Policy], Policy] | None:
    """The function the pipeline applies to the governing policy; ``None`` when nothing is set."""
    if not fail_on and not exclude:
        return None

    def apply(policy: Policy) -> Policy:
        for check, level in fail_on:
            policy = (replace(policy, fail_on=cast(SeverityName, level)) if check is None
                      else _with_check_fail_on(policy, check, level))
        if exclude:
            policy = replace(policy, exclude=(*policy.exclude, *exclude))
        return policy

    return apply

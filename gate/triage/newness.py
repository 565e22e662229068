"""New versus old: a finding is new when its fingerprint is absent from the base's findings.

Fingerprints never include line numbers, so moving or re-indenting code keeps
a finding old. Matching counts multiplicity: if the base had one finding with
a fingerprint and the head has two, one of them is new.

Dependencies get one more distinction. Their fingerprint covers the advisory,
the manifest and ``package==version``, so a pin the change added or changed
is new, and a newly published advisory against a pin the change did not touch
is old (the base, scanned today with the same data, has it too): reported,
but in ``mode: new`` it does not fail the pull request that merely happened to
run on the day the advisory came out. The ``pin`` note in ``extra`` says which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from gate.findings import Finding

__all__ = ["PIN_ADDED_OR_CHANGED", "PIN_KEY", "PIN_UNCHANGED", "BaseFindings", "mark_new"]

DEPENDENCIES = "dependencies"
PIN_KEY = "pin"
PIN_UNCHANGED = "unchanged: the advisory hits a pin this change did not touch"
PIN_ADDED_OR_CHANGED = "added or changed by this change"


@dataclass(frozen=True)
class BaseFindings:
    """The fingerprints found on the merge-base, per check.

    A check missing from ``by_check`` has no usable base (its base scan
    failed): its findings keep ``new = None``, which fails closed in
    ``mode: new``.
    """

    by_check: Mapping[str, tuple[str, ...]]
    warnings: tuple[str, ...] = ()


def _note(f: Finding, new: bool) -> Finding:
    if f.check != DEPENDENCIES or f.package is None:
        return replace(f, new=new)
    note = PIN_ADDED_OR_CHANGED if new else PIN_UNCHANGED
    return replace(f, new=new, extra=(*f.extra, (PIN_KEY, note)))


def mark_new(findings: Sequence[Finding], base: BaseFindings) -> tuple[Finding, ...]:
    """Set ``new`` on every finding of a check with a known base; leave the rest ``None``."""
    remaining = {check: Counter(prints) for check, prints in base.by_check.items()}
    out: list[Finding] = []
    for f in findings:
        left = remaining.get(f.check)
        if left is None:
            out.append(f)
            continue
        old = left[f.fingerprint] > 0
        if old:
            left[f.fingerprint] -= 1
        out.append(_note(f, new=not old))
    return tuple(out)

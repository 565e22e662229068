"""Apply the policy's ``inline_suppressions`` switch to the markers checks attached."""

from __future__ import annotations

from dataclasses import replace

from gate.findings import Finding
from gate.policy.model import InlineSuppressions

__all__ = ["apply_inline_policy"]


def apply_inline_policy(findings: list[Finding], setting: InlineSuppressions) -> list[Finding]:
    """Keep, drop or refuse inline suppressions.

    ``deny`` ignores every inline marker; ``require-reason`` ignores the ones
    that give no reason (a bare ``# nosec`` silences a whole line with no
    record of why). A refused marker leaves the finding active.
    """
    out: list[Finding] = []
    for f in findings:
        s = f.suppression
        if s is not None and s.kind == "inline" and (
            setting == InlineSuppressions.DENY
            or (setting == InlineSuppressions.REQUIRE_REASON and not (s.reason or "").strip())
        ):
            f = replace(f, suppression=None)
        out.append(f)
    return out

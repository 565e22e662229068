"""Apply the policy's ``inline_suppressions`` switch to the markers checks attached.

Checks report what their tools would hide (``# nosec``, ``# pragma: allowlist
secret``, ``# gate:ignore[RULE] reason``) as findings carrying an ``inline``
:class:`~gate.findings.Suppression`. Whether that marker counts is the
policy's call, made here, so that one switch governs every check alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from gate.findings import Finding
from gate.policy.model import InlineSuppressions

__all__ = ["REFUSED_KEY", "InlineOutcome", "apply_inline_policy"]

REFUSED_KEY = "inline_refused"
"""The ``extra`` key that says why a marker in the source was not honoured."""
_EXAMPLES = 3


@dataclass(frozen=True)
class InlineOutcome:
    """The findings with refused markers removed, and one warning per kind of refusal."""

    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]


def _refusal(f: Finding, setting: InlineSuppressions, today: date) -> str | None:
    """Why this finding's inline marker must not suppress it, or ``None`` to honour it.

    ``deny`` refuses every marker; ``require-reason`` refuses those that give
    no reason (a bare ``# nosec`` silences a whole line with no record of
    why); a marker whose own expiry date has passed is refused whatever the
    setting.
    """
    s = f.suppression
    if s is None or s.kind != "inline":
        return None
    if setting == InlineSuppressions.DENY:
        return "inline suppressions are not allowed (inline_suppressions: deny)"
    if setting == InlineSuppressions.REQUIRE_REASON and not (s.reason or "").strip():
        return "the marker gives no reason (inline_suppressions: require-reason)"
    if s.expires is not None and s.expires < today:
        return f"the marker expired on {s.expires.isoformat()}"
    return None


def apply_inline_policy(findings: Sequence[Finding], setting: InlineSuppressions,
                        today: date | None = None) -> InlineOutcome:
    """Keep or refuse each inline suppression; a refused marker leaves the finding active.

    A refused finding gets an ``inline_refused`` note in ``extra`` so the
    report can tell the author why their ``# nosec`` did not work.
    """
    today = today or date.today()
    out: list[Finding] = []
    refused: dict[str, list[str]] = {}
    for f in findings:
        why = _refusal(f, setting, today)
        if why is not None:
            where = (f.suppression.source if f.suppression else None) or f.path
            refused.setdefault(why, []).append(where)
            f = replace(f, suppression=None, extra=(*f.extra, (REFUSED_KEY, why)))
        out.append(f)
    warnings = []
    for why, places in refused.items():
        shown = ", ".join(places[:_EXAMPLES]) + (", ..." if len(places) > _EXAMPLES else "")
        warnings.append(f"{len(places)} inline suppression(s) not honoured: {why} ({shown})")
    return InlineOutcome(tuple(out), tuple(warnings))

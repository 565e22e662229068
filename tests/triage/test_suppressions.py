"""Inline markers and waivers, one behaviour per test, on hand-made findings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gate.findings import Finding, Location, Severity, Suppression
from gate.policy.model import InlineSuppressions, Waiver
from gate.triage.inline import REFUSED_KEY, apply_inline_policy
from gate.triage.interface import WaiverState
from gate.triage.waivers import EXPIRED_KEY, apply_waivers

TODAY = date(2026, 6, 1)


def _finding(rule: str = "B602", path: str = "app.py", *, fingerprint: str = "fp1",
             suppression: Suppression | None = None, aliases: tuple[str, ...] = ()) -> Finding:
    return Finding(check="sast", rule_id=rule, severity=Severity.HIGH, message="m",
                   location=Location(path, 3, 3), fingerprint=fingerprint,
                   suppression=suppression, aliases=aliases)


BARE = Suppression(kind="inline", source="app.py:3 # nosec")
REASONED = Suppression(kind="inline", reason="input is a constant", source="app.py:3 # nosec",
                       rules=("B602",))


@pytest.mark.parametrize("setting, bare_kept, reasoned_kept", [
    (InlineSuppressions.ALLOW, True, True),
    (InlineSuppressions.REQUIRE_REASON, False, True),
    (InlineSuppressions.DENY, False, False),
])
def test_inline_switch(setting: InlineSuppressions, bare_kept: bool, reasoned_kept: bool) -> None:
    out = apply_inline_policy([_finding(suppression=BARE), _finding(suppression=REASONED)],
                              setting, TODAY)
    assert [f.suppressed for f in out.findings] == [bare_kept, reasoned_kept]
    assert bool(out.warnings) == (not bare_kept)


def test_bare_nosec_refused_under_require_reason_says_why() -> None:
    out = apply_inline_policy([_finding(suppression=BARE)], InlineSuppressions.REQUIRE_REASON,
                              TODAY)
    (f,) = out.findings
    assert f.suppression is None
    assert dict(f.extra)[REFUSED_KEY].startswith("the marker gives no reason")
    assert out.warnings == ("1 inline suppression(s) not honoured: the marker gives no reason "
                            "(inline_suppressions: require-reason) (app.py:3 # nosec)",)


def test_expired_inline_marker_is_refused() -> None:
    old = Suppression(kind="inline", reason="r", expires=TODAY - timedelta(days=1))
    out = apply_inline_policy([_finding(suppression=old)], InlineSuppressions.ALLOW, TODAY)
    assert not out.findings[0].suppressed


def test_other_suppression_kinds_are_not_inline_business() -> None:
    waived = Suppression(kind="waiver", reason="r")
    out = apply_inline_policy([_finding(suppression=waived)], InlineSuppressions.DENY, TODAY)
    assert out.findings[0].suppression == waived


def test_waiver_matches_rule_alias_paths_and_fingerprint() -> None:
    findings = [_finding("B602", "app.py", fingerprint="a"),
                _finding("B602", "tests/t.py", fingerprint="b"),
                _finding("PYSEC-1", "req.txt", fingerprint="c", aliases=("CVE-2018-1",)),
                _finding("B101", "app.py", fingerprint="d")]
    out = apply_waivers(findings, [
        Waiver(rule="b602", paths=("tests/**",), reason="fixtures"),
        Waiver(rule="CVE-2018-1", reason="not reachable"),
        Waiver(rule="*", fingerprint="d", reason="this one"),
    ], today=TODAY, complete=True)
    assert [f.suppressed for f in out.findings] == [False, True, True, True]
    s = out.findings[1].suppression
    assert s is not None and (s.kind, s.reason, s.source) == ("waiver", "fixtures", "waivers[0]")
    assert [w.matched for w in out.statuses] == [1, 1, 1]
    assert out.warnings == ()


def test_expired_waiver_stops_applying_and_says_so() -> None:
    w = Waiver(rule="B602", reason="r", expires=TODAY - timedelta(days=1), owner="@sec")
    out = apply_waivers([_finding()], [w], today=TODAY, complete=True)
    (f,) = out.findings
    assert not f.suppressed
    assert dict(f.extra)[EXPIRED_KEY] == "waivers[0] expired 2026-05-31"
    assert out.statuses[0].state == WaiverState.EXPIRED
    assert out.warnings == ("waivers[0] (B602) expired on 2026-05-31 and no longer applies: "
                            "1 finding(s) it covered count again",)


@pytest.mark.parametrize("days, state", [(0, WaiverState.EXPIRING), (14, WaiverState.EXPIRING),
                                         (15, WaiverState.ACTIVE)])
def test_waiver_expiring_within_14_days_warns(days: int, state: str) -> None:
    w = Waiver(rule="B602", reason="r", expires=TODAY + timedelta(days=days), owner="@sec")
    out = apply_waivers([_finding()], [w], today=TODAY, complete=True)
    assert out.findings[0].suppressed
    assert out.statuses[0].state == state
    assert bool(out.warnings) == (state == WaiverState.EXPIRING)
    if out.warnings:
        assert "owner: @sec" in out.warnings[0]


def test_unused_waiver_is_listed_only_after_a_complete_run() -> None:
    w = Waiver(rule="B999", paths=("src/**",), reason="r")
    complete = apply_waivers([_finding()], [w], today=TODAY, complete=True)
    assert complete.statuses[0].state == WaiverState.UNUSED
    assert complete.warnings == ("waivers[0] (B999 in src/**) matched no finding: "
                                 "remove it from the policy",)
    partial = apply_waivers([_finding()], [w], today=TODAY, complete=False)
    assert partial.statuses[0].state == WaiverState.ACTIVE
    assert partial.warnings == ()


def test_inline_suppressed_finding_still_uses_its_waiver() -> None:
    out = apply_waivers([_finding(suppression=REASONED)], [Waiver(rule="B602", reason="r")],
                        today=TODAY, complete=True)
    assert out.findings[0].suppression == REASONED
    assert out.statuses[0].state == WaiverState.ACTIVE


def test_waive_everything_is_called_out() -> None:
    out = apply_waivers([_finding()], [Waiver(rule="*", reason="r")], today=TODAY, complete=True)
    assert any("waives every finding" in w for w in out.warnings)


def test_expired_waiver_that_covers_nothing_asks_to_be_removed() -> None:
    w = Waiver(rule="B999", reason="r", expires=TODAY - timedelta(days=30))
    out = apply_waivers([_finding()], [w], today=TODAY, complete=True)
    assert out.warnings == ("waivers[0] (B999) expired on 2026-05-02 and no longer applies: "
                            "remove or renew it",)

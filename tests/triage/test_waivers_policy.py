"""Waivers written in ``.gate.yml``, through the CLI: what a user sees."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from gitrepo import Repo

from gate.cli.main import main

FLAWS = {"app.py": "eval('FLAW-high')\n", "tests/t.py": "eval('FLAW-high')\n"}


def _gate(repo: Repo, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["run", str(repo.root), "--format", "json", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {"err": captured.err}


def _policy(*waivers: str) -> str:
    """A policy running only ``lflaw`` (all enabled checks run: waivers can be called unused)."""
    listed = "".join(f"\n  - {w}" for w in waivers) or " []"
    return f"checks:\n  rflaw: {{enabled: false}}\nwaivers:{listed}\n"


def test_waiver_without_reason_is_a_configuration_error(
        fakes: dict[str, str], repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({**FLAWS, ".gate.yml": _policy("{rule: FLAW1}", "{rule: FLAW1, reason: '  '}")})
    code = main(["run", str(repo.root), "--checks", "lflaw"])
    err = capsys.readouterr().err
    assert code == 2
    assert ".gate.yml:4: waivers.0.reason: Field required" in err
    assert ".gate.yml:5: waivers.1.reason: a waiver needs a reason" in err


def test_live_expired_expiring_and_unused_waivers(
        fakes: dict[str, str], repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    soon, past = today + timedelta(days=3), today - timedelta(days=2)
    repo.write({**FLAWS, ".gate.yml": _policy(
        f"{{rule: FLAW1, paths: ['tests/**'], reason: fixtures, expires: {soon}, owner: '@qa'}}",
        f"{{rule: FLAW1, paths: ['app.py'], reason: legacy, expires: {past}}}",
        "{rule: B101, reason: 'asserts are fine'}",
    )})
    code, out = _gate(repo, capsys)
    assert code == 1  # the expired waiver no longer covers app.py
    states = [(w["index"], w["state"], w["matched"]) for w in out["waivers"]]
    assert states == [(0, "expiring", 1), (1, "expired", 1), (2, "unused", 0)]
    by_path = {f["path"]: f for f in out["findings"]}
    assert by_path["tests/t.py"]["suppressed"] is True
    assert by_path["tests/t.py"]["suppression"] == {
        "kind": "waiver", "reason": "fixtures", "source": "waivers[0] (owner: @qa)",
        "expires": soon.isoformat(), "rules": ["FLAW1"]}
    assert by_path["tests/t.py"]["failing"] is False
    assert by_path["app.py"]["suppressed"] is False and by_path["app.py"]["failing"] is True
    assert by_path["app.py"]["extra"]["waiver_expired"] == f"waivers[1] expired {past}"
    warnings = "\n".join(out["warnings"])
    assert "expires in 3 day(s)" in warnings and "owner: @qa" in warnings
    assert f"expired on {past}" in warnings
    assert "waivers[2] (B101) matched no finding" in warnings
    assert out["summary"]["suppressed"] == 1


def test_unused_is_not_claimed_for_a_subset_of_checks(
        fakes: dict[str, str], repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({**FLAWS, ".gate.yml": _policy("{rule: B101, reason: r}")})
    _, out = _gate(repo, capsys, "--checks", "lflaw")  # other checks might have matched
    assert out["waivers"][0]["state"] == "active"
    assert not any("matched no finding" in w for w in out["warnings"])


def test_bare_marker_refused_under_require_reason_in_json(
        fakes: dict[str, str], repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write({"a.py": "eval('FLAW-high')  # nosec\n",
                "b.py": "eval('FLAW-high')  # gate:ignore[FLAW1] input is a constant\n",
                ".gate.yml": "inline_suppressions: require-reason\n" + _policy()})
    code, out = _gate(repo, capsys)
    assert code == 1
    by_path = {f["path"]: f for f in out["findings"]}
    assert by_path["a.py"]["suppressed"] is False and by_path["a.py"]["failing"] is True
    assert "no reason" in by_path["a.py"]["extra"]["inline_refused"]
    assert by_path["b.py"]["suppression"]["kind"] == "inline"
    assert by_path["b.py"]["suppression"]["reason"] == "input is a constant"
    assert by_path["b.py"]["failing"] is False
    assert out["summary"]["failing"] == 1 and out["summary"]["suppressed"] == 1

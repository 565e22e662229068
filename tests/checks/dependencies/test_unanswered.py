"""An advisory service that cannot answer fails closed (``not_scanned``), with what to do.

Real pip-audit: its PyPIService queries a package index on 127.0.0.1 that answers
404 to everything (as a proxy or a mirror without the vulnerability API does).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback_pypi import ENV, index_answering_404

from gate.checks.dependencies.coverage import judge_unanswered
from gate.checks.dependencies.model import NO_ANSWER, not_audited
from gate.checks.interface import NotScanned
from gate.cli.main import main

PINS = "urllib3==1.26.5\nrequests==2.19.0\n"
ADVICE = ("use an offline database (`gate db update`, or --vuln-db PATH), or check the package "
          "index and proxy settings (HTTPS_PROXY, REQUESTS_CA_BUNDLE)")


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("gate.checks.registry.BUILTIN_CHECKS",
                        {"dependencies": "loopback_pypi:LoopbackDependenciesCheck"})
    with index_answering_404() as base:
        monkeypatch.setenv(ENV, base)
        yield


def _run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["run", str(root), "--format", "json", "--no-post", "--no-cache"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("policy", ["not_scanned: fail\n", ""])
def test_every_pin_unanswered_exits_3_saying_what_to_do(
        policy: str, loopback: None, make_repo: Callable[..., Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    files = {"requirements.txt": PINS, **({".gate.yml": policy} if policy else {})}
    code, report = _run(make_repo(files), capsys)
    assert (code, report["verdict"]) == (3, "error")
    assert report["reasons"] == [
        "dependencies could not complete: 2 of 2 pin(s) could not be audited, the "
        "vulnerability service had no answer (first: urllib3==1.26.5: Dependency not found on "
        f"PyPI and could not be audited: urllib3 (1.26.5)); {ADVICE}"]
    (check,) = report["checks"]
    assert [n["path"] for n in check["not_scanned"]] == ["requirements.txt"] * 2


def test_warn_lists_them_and_passes(loopback: None, make_repo: Callable[..., Path],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _run(make_repo({"requirements.txt": PINS, ".gate.yml": "not_scanned: warn\n"}),
                        capsys)
    assert (code, report["verdict"]) == (0, "pass")
    (check,) = report["checks"]
    assert check["warnings"] == [
        "2 of 2 pin(s) could not be audited, the vulnerability service had no answer (first: "
        "urllib3==1.26.5: Dependency not found on PyPI and could not be audited: urllib3 "
        "(1.26.5)); allowed by not_scanned: warn"]


def _gaps(n: int) -> list[NotScanned]:
    return [not_audited("requirements.txt", f"{NO_ANSWER} p{i}==1: not found", i)
            for i in range(n)]


@pytest.mark.parametrize(("gaps", "pins", "setting", "fails"), [
    (1, 20, "auto", False),   # a private package PyPI does not know: 5%
    (2, 20, "auto", False),   # 10%: still a small share
    (3, 20, "auto", True),
    (1, 1, "auto", True),
    (1, 20, "fail", True),
    (20, 20, "warn", False),
])
def test_share_of_unanswered_pins(gaps: int, pins: int, setting: str, fails: bool) -> None:
    errors, warnings = judge_unanswered(_gaps(gaps), pins, setting)
    assert (bool(errors), bool(warnings)) == (fails, not fails)


def test_other_not_audited_entries_do_not_count() -> None:
    ranges = [not_audited("pyproject.toml", "'flask>=2' is not pinned to an exact version")]
    assert judge_unanswered(ranges, 5, "fail") == ((), ())

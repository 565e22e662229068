"""Acceptance: a NUL byte or a large file no longer hides a credential from the gate's verdict.

The whole pipeline, the real secrets check, the default policy. Fake values
are assembled at run time (the gate scans its own repository too).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gate.pipeline import RunOptions, run
from gate.result import Verdict
from gate.serialize import to_dict
from gate.verdict import exit_code

AWS_KEY = "AKIA" + "Z7Q4M2X6K3W7P5R2"
AWS_SECRET = "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "Zq3vHt8Lk2"


def commit_all(root: Path) -> None:
    git = ["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)


def test_aws_credentials_with_one_nul_byte_fail_the_gate(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/creds.env").write_bytes(
        f"AWS_ACCESS_KEY_ID={AWS_KEY}\n{AWS_SECRET}\n".encode() + b"\x00\n")
    (tmp_path / "app.py").write_text("print('hi')\n", encoding="utf-8")
    commit_all(tmp_path)

    result = run(RunOptions(path=tmp_path, env={}, checks=("sast", "secrets")))

    assert exit_code(result.verdict) == 1
    assert [(f.rule_id, f.path, f.start_line) for f in result.failing_findings()] == [
        ("GATE-SECRET-AWS-ACCESS-KEY-ID", "deploy/creds.env", 1),
        ("GATE-SECRET-AWS-SECRET-ACCESS-KEY", "deploy/creds.env", 2)]
    assert result.not_scanned == ()
    assert result.check("sast").files_scanned == 1  # type: ignore[union-attr]


def test_an_aws_key_at_the_end_of_a_3mb_generated_file_fails_the_gate(tmp_path: Path) -> None:
    lines = [f"SETTING_{i} = 'generated value {i}'\n" for i in range(110_000)]
    (tmp_path / "settings_generated.py").write_text(
        "".join(lines) + f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n", encoding="utf-8")
    assert (tmp_path / "settings_generated.py").stat().st_size > 3_000_000
    commit_all(tmp_path)

    result = run(RunOptions(path=tmp_path, env={}, checks=("secrets",)))

    assert result.verdict == Verdict.FAIL
    assert [(f.rule_id, f.start_line) for f in result.failing_findings()] == [
        ("GATE-SECRET-AWS-ACCESS-KEY-ID", 110_001)]
    assert to_dict(result)["summary"]["not_scanned"] == 0


def test_a_text_file_over_the_hard_cap_fails_closed_a_zip_only_warns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gate.inventory.HARD_CAP", 1000)
    (tmp_path / "app.py").write_text("print('hi')\n", encoding="utf-8")
    (tmp_path / "dump.sql").write_text("x" * 2000, encoding="utf-8")
    (tmp_path / "assets.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 2000)
    commit_all(tmp_path)

    result = run(RunOptions(path=tmp_path, env={}, checks=("secrets",)))

    assert result.verdict == Verdict.FAIL
    assert result.failing == frozenset()
    assert [n.path for n in result.not_scanned] == ["assets.zip", "dump.sql"]
    assert result.reasons == ("1 file(s) read by no check fail under not_scanned: auto: dump.sql "
                              "(larger than the 1000 byte hard cap: no check reads it)",)
    assert result.warnings == ("1 file(s) read by no check allowed under not_scanned: auto: "
                               "assets.zip (larger than the 1000 byte hard cap: no check reads it)",)
    assert to_dict(result)["summary"]["not_scanned"] == 2

    (tmp_path / ".gate.yml").write_text("not_scanned: warn\n", encoding="utf-8")
    assert run(RunOptions(path=tmp_path, env={}, checks=("secrets",))).verdict == Verdict.PASS

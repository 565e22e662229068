"""The CLI: documented exit codes, no traceback for expected errors, subcommands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cache_rows import rows

from gate.cli.main import main
from gate.cli.policy import policy_schema

DOCS = Path(__file__).parents[2] / "docs"


def gate(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_help_documents_exit_codes() -> None:
    out = gate("--help").stdout
    for line in ("0  pass", "1  the policy failed", "2  usage or configuration error",
                 "3  a check could not complete"):
        assert line in out


def test_version() -> None:
    assert gate("--version").stdout.startswith("gate ")


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    proc = gate("run", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "path not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_flag_is_exit_2() -> None:
    proc = gate("run", "--jobs", "zero")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert gate("run", "--report", "xml").returncode == 2
    assert gate("run", "--report", "nope=out.txt").returncode == 2


def test_invalid_policy_is_exit_2_with_file_line_key(tmp_path: Path) -> None:
    (tmp_path / ".gate.yml").write_text("version: 1\nchecks:\n  secrets:\n    fail_onn: low\n")
    proc = gate("run", str(tmp_path), "--checks", "iac")
    assert proc.returncode == 2
    assert ".gate.yml:4: checks.secrets.fail_onn: unknown key 'fail_onn' " \
           "(did you mean 'fail_on'?)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_init_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 0
    assert main(["init", str(tmp_path)]) == 2  # refuses to overwrite
    assert main(["policy", "validate", str(tmp_path / ".gate.yml")]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "fail_on: high" in out


def test_validate_reports_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "p.yml"
    bad.write_text("fail_on: hgh\n")
    assert main(["policy", "validate", str(bad)]) == 2
    assert "p.yml:1: fail_on:" in capsys.readouterr().err


def test_published_schema_matches_the_model() -> None:
    committed = json.loads((DOCS / "gate-policy.schema.json").read_text())
    assert committed == policy_schema(), "run: gate policy schema > docs/gate-policy.schema.json"


def test_no_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: gate" in capsys.readouterr().out


def test_python_m_gate_never_imports_the_scanned_checkout(tmp_path: Path) -> None:
    marker = tmp_path / "hijacked"
    for package in ("yaml", "pydantic", "rich", "bandit"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(
            f"open({str(marker)!r}, 'a').write({package!r})\n")
    (tmp_path / "app.py").write_text("print('hello')\n")
    (tmp_path / ".gate.yml").write_text("on_empty: warn\n")  # iac alone reads nothing here
    done = subprocess.run([sys.executable, "-m", "gate", "run", ".", "--checks", "iac",
                           "--no-cache", "--no-post"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, check=False)
    assert (done.returncode, marker.exists()) == (0, False), done.stderr


def test_a_subcommand_that_cannot_load_is_an_internal_error_not_a_policy_failure(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from gate.cli import main as cli_main

    monkeypatch.delenv("GATE_DEBUG", raising=False)
    broken = dict(cli_main.SUBCOMMANDS)
    broken["run"] = ("gate.cli.no_such_module", broken["run"][1])
    monkeypatch.setattr(cli_main, "SUBCOMMANDS", broken)
    assert cli_main.main(["run"]) == 3
    err = capsys.readouterr().err
    assert err.splitlines() == ["gate: error: internal error: ModuleNotFoundError: No module named "
                                "'gate.cli.no_such_module' (set GATE_DEBUG=1 for a traceback)"]


def _flawed_repo(root: Path) -> Path:
    root.mkdir()
    (root / "app.py").write_text("import subprocess\n\n\ndef run(cmd):\n"
                                 "    return subprocess.call(cmd, shell=True)\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_the_command_leaves_with_main_s_code_its_output_whole_and_its_cache_written(
        tmp_path: Path) -> None:
    """``gate`` ends with ``os._exit`` once every exit handler ran (gate.cli.main.console):
    nothing it prints is lost, the exit code is main's, and what the result cache had
    queued is in the database (a second run serves every file from it)."""
    repo, cache = _flawed_repo(tmp_path / "repo"), tmp_path / "cache"
    cmd = [sys.executable, "-m", "gate", "run", str(repo), "--no-post", "--checks", "sast",
           "--format", "json", "--cache-dir", str(cache)]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 1, first.stderr
    report = json.loads(first.stdout)
    assert [f["rule_id"] for f in report["findings"]] == ["B602", "B404"]
    assert "sast" in {row.namespace for row in rows(cache)}
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert (second.returncode, json.loads(second.stdout)["findings"]) == (1, report["findings"])


def test_a_reader_that_stops_early_does_not_change_the_exit_code(tmp_path: Path) -> None:
    repo = _flawed_repo(tmp_path / "repo")
    reader = subprocess.Popen([sys.executable, "-m", "gate", "run", str(repo), "--no-post",
                               "--checks", "sast", "--no-cache", "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.read(1)
    reader.stdout.close()  # like `gate run | head -c 1`
    errors = reader.stderr.read().decode()
    assert reader.wait(timeout=120) == 1
    assert "Traceback" not in errors

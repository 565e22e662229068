"""The gate as users get it: its wheel, installed into a fresh virtualenv, runs and scans."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from wheel_build import build_wheel, fresh_venv, offline_pip_env

import gate
from gate.cli.version import SCANNERS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("build"))


def test_wheel_metadata(wheel: Path) -> None:
    assert wheel.name == f"ci_security_gate-{gate.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta = Parser().parsestr(archive.read(
            f"ci_security_gate-{gate.__version__}.dist-info/METADATA").decode())
        entry = archive.read(
            f"ci_security_gate-{gate.__version__}.dist-info/entry_points.txt").decode()
        shipped_lock = archive.read("gate/lock.txt")
    assert meta["Name"] == "ci-security-gate" and meta["Version"] == gate.__version__
    assert meta["Requires-Python"] == ">=3.10"
    assert "Programming Language :: Python :: 3.14" in meta.get_all("Classifier")
    urls = meta.get_all("Project-URL")
    assert "Source, https://github.com/ci-security-gate/ci-security-gate" in urls
    assert meta.get_content_type() == "text/plain" and meta["Description-Content-Type"] == \
        "text/markdown"
    assert "gate = gate.cli.main:console" in entry
    assert shipped_lock == (Path(__file__).parents[1] / "requirements/lock.txt").read_bytes()
    assert "gate/py.typed" in names and not any(n.startswith("tests/") for n in names)


def test_wheel_installs_into_a_fresh_venv_and_scans(wheel: Path, tmp_path: Path) -> None:
    venv = fresh_venv(tmp_path / "venv")
    env = offline_pip_env(wheel.parent)
    subprocess.run([str(venv / "bin" / "python"), "-I", "-m", "ensurepip", "--default-pip"],
                   check=True, capture_output=True, env=env, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-I", "-m", "pip", "install", "--quiet",
                    "--no-deps", "ci-security-gate"], check=True, env=env, timeout=300)
    where = subprocess.run([str(venv / "bin" / "python"), "-I", "-c",
                            "import gate; print(gate.__file__)"], check=True, env=env,
                           capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(venv))  # the wheel's code, not the source tree

    version = subprocess.run([str(venv / "bin" / "gate"), "--version"], check=True, env=env,
                             capture_output=True, text=True).stdout.splitlines()
    assert version[0].startswith(f"gate {gate.__version__} (ci-security-gate, ")
    assert [line.split()[0] for line in version[1:]] == list(SCANNERS)
    assert "not installed" not in "\n".join(version)

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text("print(eval(input()))\n", encoding="utf-8")
    (repo / "Dockerfile").write_text("FROM python:3.12\nRUN true\n", encoding="utf-8")
    report = tmp_path / "gate.json"
    done = subprocess.run([str(venv / "bin" / "gate"), "run", str(repo), "--no-post",
                           "--no-cache", "--checks", "sast,iac,secrets",
                           "--report", f"json={report}"], env=env, capture_output=True,
                          text=True, timeout=600)
    result = json.loads(report.read_text(encoding="utf-8"))
    rules = sorted({f["rule_id"] for f in result["findings"]})
    assert rules == ["B307", "GATE-DOCKER-001", "GATE-PY-CODEI"], done.stderr
    assert done.returncode == 0 and result["verdict"] == "pass"  # all below the default fail_on
    assert result["gate_version"] == gate.__version__


def test_version_lists_every_scanner_without_loading_the_checks() -> None:
    code = ("import sys\nfrom gate.cli.main import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit as exc:\n    assert exc.code == 0\n"
            "print(sorted(m for m in sys.modules if m.startswith(('gate.checks', 'bandit', "
            "'pip_audit', 'detect_secrets', 'hcl2', 'pydantic'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"gate {gate.__version__} (ci-security-gate, CPython ")
    assert [line.split(" ", 1)[0] for line in lines[1:5]] == list(SCANNERS)
    for line in lines[1:5]:
        name, version = line.split(" ", 1)
        assert version == metadata.version(name)
    assert lines[5] == "[]"  # no check and no scanner was imported

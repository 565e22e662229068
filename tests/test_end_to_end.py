"""`gate run` as a user runs it, over fixture repositories with planted flaws.

Real bandit, pip-audit (offline OSV fixture database) and detect-secrets; the
CLI runs in a subprocess so stdout, stderr and every report can be grepped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.report.registry import FORMATS

OSV_DB = Path(__file__).parent / "fixtures" / "osv"

# Realistic-looking fakes, built at runtime so this file itself holds no secret literal.
AWS_KEY = "AKIA" + "Z7Q3X5V2L4N6P8RT"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq8Xh3Lk2Q"
GH_TOKEN = "ghp_" + "R8u2Kd9Lq4Zx7Vb1Nm3Pw6Ty0Hs5Jc8Fg2Ae"
PASSWORD = "hunter2-" + "correct-horse-battery"
PRIVATE_KEY_BODY = "MIIEowIBAAKCAQEA" + "x9yQ2v7Lr3k8Jp0Wm5Nt1Bz6Qd4Hs2Fg8Ae3Rc7Ty5Uw9Io0Pk"
SECRETS = (AWS_KEY, AWS_SECRET, GH_TOKEN, PASSWORD, PRIVATE_KEY_BODY)

APP = """\
import subprocess

import yaml


def run(cmd):
    return subprocess.call(cmd, shell=True)


def load(data):
    return yaml.load(data)
"""

FLAWED = {
    "app.py": APP,
    "settings.py": f'DB_PASSWORD = "{PASSWORD}"\nAWS_ACCESS_KEY_ID = "{AWS_KEY}"\n'
                   f'AWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"\n',
    "deploy/.env": f"GITHUB_TOKEN={GH_TOKEN}\n",
    "deploy/id_rsa.txt": "-----BEGIN RSA PRIVATE KEY-----\n" + PRIVATE_KEY_BODY
                         + "\n-----END RSA PRIVATE KEY-----\n",
    "requirements.txt": "requests==2.19.1\nPyYAML==5.3.1\nflask>=2\nsix==1.16.0\n",
    "broken.py": "def oops(:\n    pass\n",
    "setup.py": "import pathlib\npathlib.Path('EXECUTED').write_text('setup.py ran')\n",
}

CLEAN = {
    "app.py": "import json\n\n\ndef load(data):\n    return json.loads(data)\n",
    "requirements.txt": "requests==2.32.3\nPyYAML==6.0.1\n",
    "README.md": "# clean\n",
}


def gate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture
def flawed(make_repo: Callable[..., Path]) -> Path:
    return make_repo(FLAWED)


def test_flawed_repo_fails_with_every_planted_flaw(flawed: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    reports = [f"--report={fmt}={out / ('r.' + fmt)}" for fmt in FORMATS]
    proc = gate("run", ".", "--vuln-db", str(OSV_DB), *reports, cwd=flawed)
    assert proc.returncode == 1, proc.stderr
    data = json.loads((out / "r.json").read_text())
    assert data["verdict"] == "fail"
    found = {(f["check"], rule, f["path"], f["start_line"])  # detect-secrets' types: aliases
             for f in data["findings"] for rule in (f["rule_id"], *f["aliases"])}
    expected = {
        ("sast", "B602", "app.py", 7),
        ("sast", "B506", "app.py", 11),
        ("sast", "B105", "settings.py", 1),
        ("secrets", "AWS Access Key", "settings.py", 2),
        ("secrets", "GitHub Token", "deploy/.env", 1),
        ("secrets", "Private Key", "deploy/id_rsa.txt", 1),
        ("dependencies", "PYSEC-2018-28", "requirements.txt", 1),
    }
    assert expected <= found, sorted(found)
    pyyaml = [f for f in data["findings"] if f["package"] == "pyyaml"]
    assert pyyaml and all(f["path"] == "requirements.txt" and f["start_line"] == 2
                          for f in pyyaml)
    assert any("CVE-2020-14343" in (f["rule_id"], *f["aliases"]) for f in pyyaml)
    requests = next(f for f in data["findings"] if f["rule_id"] == "PYSEC-2018-28")
    assert requests["fixed_versions"] == ["2.20.0"] and "CVE-2018-18074" in requests["aliases"]
    assert not [f for f in data["findings"] if f["package"] == "six"]
    checks = {c["name"]: c for c in data["checks"]}
    assert {"path": "broken.py"}.items() <= checks["sast"]["not_scanned"][0].items()
    assert any(n["path"] == "requirements.txt" and n["line"] == 3 and "flask" in n["reason"]
               for n in checks["dependencies"]["not_scanned"])
    # The scanned project's code never ran.
    assert not (flawed / "EXECUTED").exists()


def test_no_secret_value_in_any_output(flawed: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    outputs = []
    for stdout_format in ("text", "json", "markdown"):
        reports = [f"--report={fmt}={out / (stdout_format + '.' + fmt)}" for fmt in FORMATS]
        proc = gate("run", ".", "--vuln-db", str(OSV_DB), "--format", stdout_format,
                    *reports, cwd=flawed)
        assert proc.returncode == 1
        outputs += [proc.stdout, proc.stderr]
    outputs += [p.read_text() for p in out.iterdir()]
    assert len(outputs) == 6 + 3 * len(FORMATS)
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text
            assert secret[4:20] not in text  # no partial leak either


def test_clean_repo_passes(make_repo: Callable[..., Path]) -> None:
    root = make_repo(CLEAN)
    proc = gate("run", ".", "--vuln-db", str(OSV_DB), "--format", "json", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "pass"
    assert [c["status"] for c in data["checks"]] == ["pass"] * 4


def test_on_error_warn_lets_a_broken_check_pass(make_repo: Callable[..., Path],
                                                tmp_path: Path) -> None:
    root = make_repo({**CLEAN, ".gate.yml": "checks:\n  dependencies: {on_error: warn}\n"})
    bad_db = tmp_path / "empty-db"
    bad_db.mkdir()
    proc = gate("run", ".", "--vuln-db", str(bad_db), "--format", "json", cwd=root)
    data = json.loads(proc.stdout)
    deps = next(c for c in data["checks"] if c["name"] == "dependencies")
    assert deps["errors"] and proc.returncode == 0
    proc = gate("run", ".", "--vuln-db", str(bad_db), "--policy", "/dev/null", cwd=root)
    assert proc.returncode == 3

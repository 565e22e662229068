"""`gate run` as a user runs it, over fixture repositories with planted flaws.

Real bandit, pip-audit (offline OSV fixture database) and detect-secrets; the
CLI runs in a subprocess so stdout, stderr and every report can be grepped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.report.registry import FORMATS

OSV_DB = Path(__file__).parent / "fixtures" / "osv"


def _github_pat(body: str) -> str:
    """A GitHub token in the live format: 30 base62 characters and their base62 CRC32."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    value, suffix = zlib.crc32(body.encode()) & 0xFFFFFFFF, ""
    while value:
        value, digit = divmod(value, 62)
        suffix = alphabet[digit] + suffix
    return "ghp_" + body + suffix.rjust(6, "0")


def _rsa_shaped_key() -> str:
    """Base64 of a DER SEQUENCE of INTEGERs (PKCS#1's shape), from fixed pseudo-random bytes."""
    def integer(size: int, seed: str) -> bytes:
        body = b"".join(hashlib.sha256(f"{seed}{i}".encode()).digest() for i in range(size // 32))
        return b"\x02\x81" + bytes([size + 1]) + b"\x00" + body
    fields = b"\x02\x01\x00" + integer(128, "n") + b"\x02\x03\x01\x00\x01" + integer(128, "d")
    der = b"\x30\x82" + len(fields).to_bytes(2, "big") + fields
    return base64.b64encode(der).decode()


# Realistic-looking fakes, built at runtime so this file itself holds no secret literal.
# Well-formed (base32 key id, checksum-valid token, a key that parses as DER): live formats.
AWS_KEY = "AKIA" + "Z7Q3X5V2L4N6P7RT"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq8Xh3Lk2Q"
GH_TOKEN = _github_pat("R8u2Kd9Lq4Zx7Vb1Nm3Pw" + "6Ty0Hs5Jc8")  # checksum-valid: live format
PASSWORD = "hunter2-" + "correct-horse-battery"
PRIVATE_KEY_BODY = _rsa_shaped_key()


def _pem_lines(body: str) -> str:
    return "".join(body[i:i + 64] + "\n" for i in range(0, len(body), 64))


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
    "deploy/id_rsa.txt": "-----BEGIN RSA PRIVATE KEY-----\n" + _pem_lines(PRIVATE_KEY_BODY)
                         + "-----END RSA PRIVATE KEY-----\n",
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
    # Recall of the verdict: every planted flaw at or above the default fail_on fails, in "code"
    # (matched by place, so that it holds whatever the detectors call their rules).
    failing = {(f["check"], f["path"], f["start_line"]) for f in data["findings"] if f["failing"]}
    assert {("sast", "app.py", 7), ("secrets", "settings.py", 2), ("secrets", "deploy/.env", 1),
            ("secrets", "deploy/id_rsa.txt", 1), ("dependencies", "requirements.txt", 1)} <= failing
    assert {f["context"] for f in data["findings"] if f["failing"]} == {"code"}
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
    # No IaC file and no CI file: iac and pipeline judged nothing, which is their status (and
    # no failure).
    assert [c["status"] for c in data["checks"]] == ["pass", "pass", "pass", "empty", "empty"]


# The same kinds of flaw where projects keep test fixtures: reported, in context "test", not failing.
IN_TESTS = {
    **CLEAN,
    "tests/test_shell.py": APP,
    "tests/conftest.py": f'DB_PASSWORD = "{PASSWORD}"\n',
    "tests/certs/server.key": "-----BEGIN RSA PRIVATE KEY-----\n" + _pem_lines(PRIVATE_KEY_BODY)
                              + "-----END RSA PRIVATE KEY-----\n",
    "docs/proxies.rst": f"proxies = {{'http': 'http://user:{PASSWORD}@10.10.1.10:3128/'}}\n",
}


def test_flaws_in_tests_and_docs_are_reported_and_do_not_fail(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo(IN_TESTS)
    proc = gate("run", ".", "--vuln-db", str(OSV_DB), "--format", "json", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "pass"
    found = {(f["check"], f["rule_id"], f["path"], f["context"], f["failing"])
             for f in data["findings"] if f["check"] == "sast"}
    assert {
        ("sast", "B602", "tests/test_shell.py", "test", False),
        ("sast", "B506", "tests/test_shell.py", "test", False),
        ("sast", "B105", "tests/conftest.py", "test", False),
    } <= found, sorted(found)
    # Secrets by place, not by rule id: the detectors name their own rules.
    secrets = {(f["path"], f["context"], f["failing"]) for f in data["findings"]
               if f["check"] == "secrets"}
    assert {("tests/certs/server.key", "test", False), ("docs/proxies.rst", "docs", False),
            ("tests/conftest.py", "test", False)} <= secrets, sorted(secrets)
    assert [f for f in data["findings"] if f["failing"]] == []


def test_a_live_format_token_under_tests_still_fails(make_repo: Callable[..., Path]) -> None:
    token = _github_pat("Q7w2Er9Ty4Ui1Op6As3D" + "f8Gh5Jk0Lz")
    root = make_repo({**CLEAN, "tests/fixtures/.env": f"GITHUB_TOKEN={token}\n"})
    proc = gate("run", ".", "--vuln-db", str(OSV_DB), "--format", "json", cwd=root)
    data = json.loads(proc.stdout)
    failing = [(f["check"], f["path"], f["context"], f["extra"].get("live_format"))
               for f in data["findings"] if f["failing"]]
    assert failing == [("secrets", "tests/fixtures/.env", "test", "true")]
    assert proc.returncode == 1
    assert token not in proc.stdout


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

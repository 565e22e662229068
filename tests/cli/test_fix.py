"""``gate fix``: one upgrade per vulnerable pin, the smallest fixing them all, as a diff or written.

Runs the real dependencies check (pip-audit's service layer over the offline
OSV fixtures plus every real urllib3 record) on a repository with four
vulnerable pins spread over a requirements file, its ``-r`` include and a
``pyproject.toml``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gate.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

REQUIREMENTS = """\
# application dependencies
-r requirements/base.txt
requests[socks]==2.19.0 ; python_version >= "3.6"  # HTTP client
flask>=2.0
"""
BASE = "urllib3 == 1.24.1\r\nPyYAML==5.3    # config files\r\n"
PYPROJECT = """\
[project]
name = "demo"
version = "1.0"
dependencies = [
    "paramiko==2.0.1",  # ssh
    "click>=8",
]
"""

EXPECTED_DIFF = """\
--- a/pyproject.toml
+++ b/pyproject.toml
@@ -2,6 +2,6 @@
 name = "demo"
 version = "1.0"
 dependencies = [
-    "paramiko==2.0.1",  # ssh
+    "paramiko==2.0.8",  # ssh
     "click>=8",
 ]
--- a/requirements.txt
+++ b/requirements.txt
@@ -1,4 +1,4 @@
 # application dependencies
 -r requirements/base.txt
-requests[socks]==2.19.0 ; python_version >= "3.6"  # HTTP client
+requests[socks]==2.20.0 ; python_version >= "3.6"  # HTTP client
 flask>=2.0
--- a/requirements/base.txt
+++ b/requirements/base.txt
@@ -1,2 +1,2 @@
-urllib3 == 1.24.1\r
-PyYAML==5.3    # config files\r
+urllib3 == 1.26.18\r
+PyYAML==5.4    # config files\r
"""

EXPECTED_SUMMARY = [
    "pyproject.toml: paramiko 2.0.1 -> 2.0.8 (fixes 1 advisory, high)",
    "requirements/base.txt: pyyaml 5.3 -> 5.4 (fixes 1 advisory, high)",
    "requirements.txt: requests 2.19.0 -> 2.20.0 (fixes 1 advisory, high)",
    "requirements/base.txt: urllib3 1.24.1 -> 1.26.18 (fixes 7 advisories, high)",
    "gate fix: dry run; --apply to write these changes",
]


@pytest.fixture(scope="module")
def vuln_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared OSV fixtures plus the urllib3 records, as one offline database."""
    root = tmp_path_factory.mktemp("db")
    shutil.copytree(FIXTURES / "osv", root / "osv")
    shutil.copytree(FIXTURES / "osv_extra", root / "extra")
    return root


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return _write(tmp_path / "repo", {"requirements.txt": REQUIREMENTS,
                                      "requirements/base.txt": BASE, "pyproject.toml": PYPROJECT})


def _contents(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_dry_run_proposes_exactly_the_minimal_versions(
        repo: Path, vuln_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _contents(repo)
    assert main(["fix", str(repo), "--vuln-db", str(vuln_db)]) == 0
    out, err = capsys.readouterr()
    assert out == EXPECTED_DIFF
    assert err.splitlines() == EXPECTED_SUMMARY
    assert _contents(repo) == before  # a dry run writes nothing


def test_apply_makes_the_dependency_check_pass(
        repo: Path, vuln_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(repo), "--checks", "dependencies", "--vuln-db", str(vuln_db),
                 "--no-cache", "--no-post", "--format", "json"]) == 1
    before = json.loads(capsys.readouterr().out)
    assert [(p["package"], p["fix_version"], len(p["advisories"])) for p in before["packages"]] \
        == [("paramiko", "2.0.8", 1), ("pyyaml", "5.4", 1), ("requests", "2.20.0", 1),
            ("urllib3", "1.26.18", 7)]
    assert main(["fix", str(repo), "--vuln-db", str(vuln_db), "--apply"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == "gate fix: updated 3 file(s)"
    assert (repo / "requirements/base.txt").read_bytes() == (
        b"urllib3 == 1.26.18\r\nPyYAML==5.4    # config files\r\n")
    assert main(["run", str(repo), "--checks", "dependencies", "--vuln-db", str(vuln_db),
                 "--no-cache", "--no-post", "--format", "json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["verdict"] == "pass" and after["findings"] == [] and after["packages"] == []
    # the unpinned lines were left alone, and are still reported as not audited
    assert "flask>=2.0\n" in (repo / "requirements.txt").read_text()
    assert '"click>=8",' in (repo / "pyproject.toml").read_text()


def test_hash_pins_lock_files_and_unfixed_advisories_are_left_alone(
        tmp_path: Path, vuln_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hashed = ("requests==2.19.0 \\\n    --hash=sha256:" + "0" * 64 + "\n"
              "py==1.11.0\n")
    lock = ('version = 1\n\n[[package]]\nname = "pyyaml"\nversion = "5.3"\n'
            'source = { registry = "https://pypi.org/simple" }\n')
    root = _write(tmp_path / "repo", {"requirements.txt": hashed, "uv.lock": lock})
    before = _contents(root)
    assert main(["fix", str(root), "--vuln-db", str(vuln_db), "--apply"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "requirements.txt:3: py 1.11.0 not changed: no fix released (PYSEC-2022-42969)",
        "uv.lock:5: pyyaml 5.3 not changed: lock file: require pyyaml>=5.4 and re-lock",
        "requirements.txt:1: requests 2.19.0 not changed: pinned with --hash: update the "
        "requirement and re-lock (e.g. pip-compile --generate-hashes) so the hashes match",
        "gate fix: updated 0 file(s)",
    ]
    assert _contents(root) == before


def test_nothing_to_fix(tmp_path: Path, vuln_db: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path / "repo", {"requirements.txt": "requests==2.31.0\n"})
    assert main(["fix", str(root), "--vuln-db", str(vuln_db)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", "gate fix: no vulnerable pins\n")


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(tmp_path / "nope")]) == 2
    assert "path not found" in capsys.readouterr().err

"""The result cache cannot be seeded by the change under review (issue 10, item 1).

The attack from the issue: a pull request commits a ``.gate-cache/`` whose
entries say "no findings" for a file bandit flags (B602). On a fresh clone
the gate must still fail, whatever the cache directory option, and a
committed cache must never make the scan warm.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cache_rows import rows, write

from gate.cache import SqliteStore
from gate.cache.entry import canonical
from gate.cache.keys import key_for
from gate.cache.location import trusted_cache_dir
from gate.cache.mac import cache_key, key_file, sign
from gate.checks.engine.cached_scan import FileScanSpec, scan_with_cache
from gate.checks.interface import ScanTarget
from gate.checks.sast import scan_files as sast_scan

SHELL = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call('ls ' + cmd, shell=True)\n"
GIT = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]


def _gate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", "run", *args, "--no-post"],
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          check=False, timeout=300)


def _repo(root: Path) -> Path:
    root.mkdir()
    (root / "app.py").write_text(SHELL, encoding="utf-8")
    subprocess.run([*GIT, "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-qm", "app"], check=True)
    return root


def _forge(cache: Path, mac_key: bytes | None) -> int:
    """Empty every sast entry's findings; re-sign with ``mac_key`` (``None``: a plain SHA-256)."""
    forged = 0
    for row in rows(cache, "sast"):
        entry = row.entry()
        entry["payload"]["findings"] = []
        forged_body = canonical(entry)
        # without the key, the best a forger can do is a plain checksum
        mac = hashlib.sha256(forged_body).hexdigest() if mac_key is None \
            else sign(mac_key, forged_body)
        write(cache, replace(row, body=forged_body, mac=mac))
        forged += 1
    return forged


def _commit_cache_and_clone(repo: Path, cache: Path, dest: Path) -> Path:
    shutil.copytree(cache, repo / ".gate-cache")
    subprocess.run([*GIT, "-C", str(repo), "add", "-f", ".gate-cache"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qm", "cache"], check=True)
    subprocess.run(["git", "clone", "-q", str(repo), str(dest)], check=True)
    return dest


@pytest.fixture
def warm_cache(tmp_path: Path) -> tuple[Path, Path]:
    """A repository and a genuine cache of its sast scan, written outside it."""
    repo = _repo(tmp_path / "repo")
    cache = tmp_path / "genuine-cache"
    first = _gate(str(repo), "--checks", "sast", "--cache-dir", str(cache))
    assert first.returncode == 1, first.stderr
    return repo, cache


@pytest.mark.parametrize("signing", ["sha256", "attacker-key", "victim-key"])
def test_a_committed_forged_cache_never_flips_the_verdict(
        tmp_path: Path, warm_cache: tuple[Path, Path], signing: str) -> None:
    repo, cache = warm_cache
    mac_key = {"sha256": None, "attacker-key": b"a" * 32, "victim-key": cache_key()}[signing]
    assert _forge(cache, mac_key) == 2  # app.py: bandit's entry and the dataflow pass's
    clone = _commit_cache_and_clone(repo, cache, tmp_path / "clone")
    assert (clone / ".gate-cache").is_dir()

    default = _gate(str(clone), "--checks", "sast")
    explicit = _gate(str(clone), "--checks", "sast", "--cache-dir", str(clone / ".gate-cache"))
    via_env = _gate(str(clone), "--checks", "sast",
                    env={"GATE_CACHE_DIR": str(clone / ".gate-cache")})
    uncached = _gate(str(clone), "--checks", "sast", "--no-cache")

    assert (default.returncode, explicit.returncode, via_env.returncode,
            uncached.returncode) == (1, 1, 1, 1)
    warning = "is tracked by git (committed by the change under review?); running without a cache"
    assert warning in explicit.stderr and warning in via_env.stderr
    assert "tracked by git" not in default.stderr


def test_a_forged_entry_outside_the_tree_fails_its_mac(
        tmp_path: Path, warm_cache: tuple[Path, Path]) -> None:
    repo, cache = warm_cache
    assert _forge(cache, b"attacker" * 4) == 2
    result = _gate(str(repo), "--checks", "sast", "--cache-dir", str(cache))
    assert result.returncode == 1, result.stdout


def test_the_mac_is_what_stops_a_forgery(tmp_path: Path, warm_cache: tuple[Path, Path]) -> None:
    """Control: the same forgery signed with the real key would be served (so the test bites)."""
    repo, cache = warm_cache
    assert _forge(cache, cache_key()) == 2
    result = _gate(str(repo), "--checks", "sast", "--cache-dir", str(cache))
    assert result.returncode == 0


def test_a_committed_cache_is_never_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "app.py").write_text(SHELL, encoding="utf-8")
    spec = FileScanSpec(check="sast", tool_version="t", scan=sast_scan,
                        modules=("gate.checks.sast.check",))
    theirs = SqliteStore(root / ".gate-cache", key=b"k" * 32)  # the PR author's own genuine run
    target = ScanTarget(root=root, files=("app.py",), cache_dir=root / ".gate-cache")
    with monkeypatch.context() as patched:
        patched.setattr("gate.checks.engine.cached_scan.open_cache", lambda directory: theirs)
        assert scan_with_cache(spec, target, ["app.py"]).scanned == 1
    ours = scan_with_cache(spec, target, ["app.py"])  # this machine's key
    assert (ours.cached, ours.scanned) == (0, 1)
    assert [f.rule_id for f in ours.findings] == ["B404", "B602"]


def test_where_the_cache_may_live(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    warnings: list[str] = []
    outside = tmp_path / "elsewhere"
    user_default = trusted_cache_dir(repo, None, {}, warnings.append)
    assert user_default is not None and repo.resolve() not in user_default.resolve().parents
    assert user_default.parts[-1] == "gate"
    assert trusted_cache_dir(repo, None, {"RUNNER_TEMP": str(outside)},
                             warnings.append) == outside.absolute() / "gate-cache"
    assert trusted_cache_dir(repo, None, {"GATE_CACHE_DIR": str(outside)},
                             warnings.append) == outside.absolute()
    assert trusted_cache_dir(repo, outside, {}, warnings.append) == outside.absolute()
    untracked = repo / ".gate-cache"
    assert trusted_cache_dir(repo, untracked, {}, warnings.append) == untracked.absolute()
    assert warnings == []
    (repo / "cachelink").symlink_to(outside, target_is_directory=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "cachelink"], check=True)
    assert trusted_cache_dir(repo, repo / "cachelink", {}, warnings.append) is None
    assert len(warnings) == 1 and "cachelink is tracked by git" in warnings[0]


def test_the_key_is_private_and_outside_the_tree(tmp_path: Path) -> None:
    key = cache_key({})
    path = key_file()
    assert path.read_bytes() == key and len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cache_key({}) == key
    assert cache_key({"GATE_CACHE_KEY": "from-ci"}) not in (key, cache_key({"GATE_CACHE_KEY": "x"}))
    path.chmod(0o644)  # readable by others: not trusted, a key for this process only
    assert cache_key({}) != key


def test_an_entry_under_another_key_is_a_rejected_miss(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "c", key=b"1" * 32).put(key_for("sast", 1), {"v": 1})
    other = SqliteStore(tmp_path / "c", key=b"2" * 32)
    assert other.get(key_for("sast", 1)) is None
    assert (other.stats.rejected, other.stats.misses, other.stats.hits) == (1, 1, 0)
    assert SqliteStore(tmp_path / "c", key=b"1" * 32).get(key_for("sast", 1)) == {"v": 1}

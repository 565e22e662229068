"""Secrets a change added in one commit and deleted in a later one still fail it.

Real git repositories, the real secrets check, the whole pipeline where the
verdict matters. Fake values are assembled at run time (the gate scans its
own repository too).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gate.checks.secrets.history as history
from gate.checks.interface import HistoryRange
from gate.checks.secrets.history import COMMIT_KEY, from_history, scan_history
from gate.checks.secrets.stream import CHUNK
from gate.pipeline import RunOptions, run
from gate.policy import Mode
from gate.result import RunResult, Verdict

AWS_KEY = "AKIA" + "Z7Q4M2X6K3W7P5R2"
AWS_KEY_2 = "AKIA" + "J5T7N2V6Q2H3L4C3"


class Repo:
    """A git repository built commit by commit."""

    def __init__(self, root: Path, *, clone_of: Repo | None = None) -> None:
        self.root = root
        if clone_of is not None:
            subprocess.run(["git", "clone", "-q", str(clone_of.root), str(root)], check=True)
            return
        root.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", "-C", str(self.root), "-c", "user.email=t@example.com",
                               "-c", "user.name=t", *args], check=True, capture_output=True)
        return done.stdout.decode().strip()

    def commit(self, message: str, files: dict[str, str | bytes | None]) -> str:
        """Write (or, for ``None``, delete) files and commit them; return the commit id."""
        for rel, content in files.items():
            path = self.root / rel
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def gate_run(repo: Repo, base: str | None, mode: Mode | None = None) -> RunResult:
    return run(RunOptions(path=repo.root, checks=("secrets",), env={}, base=base, mode=mode,
                          jobs=1))


def test_a_key_added_then_deleted_fails_against_the_base(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    added = repo.commit("add creds", {"deploy/creds.env": f"AWS_ACCESS_KEY_ID={AWS_KEY}\n"})
    repo.commit("oops, remove creds", {"deploy/creds.env": None})

    result = gate_run(repo, base)

    assert result.verdict == Verdict.FAIL
    [finding] = result.failing_findings()
    assert (finding.rule_id, finding.path, finding.start_line) == (
        "GATE-SECRET-AWS-ACCESS-KEY-ID", "deploy/creds.env", 1)
    assert dict(finding.extra)[COMMIT_KEY] == added[:12]
    assert added[:12] in finding.message and AWS_KEY not in repr(result)
    assert from_history(finding)


def test_a_key_added_then_deleted_fails_in_mode_new(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("add creds", {"deploy/creds.env": f"AWS_ACCESS_KEY_ID={AWS_KEY}\n"})
    repo.commit("remove creds", {"deploy/creds.env": None})

    result = gate_run(repo, base, Mode.NEW)

    assert result.verdict == Verdict.FAIL
    [finding] = result.failing_findings()
    assert finding.new is True and finding.path == "deploy/creds.env"


def test_a_key_added_to_a_file_and_removed_leaves_it_unchanged_but_fails(repo: Repo) -> None:
    base = repo.commit("base", {"app/settings.py": "DEBUG = False\n"})
    repo.commit("try", {"app/settings.py": f"DEBUG = False\nKEY = '{AWS_KEY}'\n"})
    repo.commit("undo", {"app/settings.py": "DEBUG = False\n"})

    result = gate_run(repo, base, Mode.NEW)

    assert result.verdict == Verdict.FAIL
    assert [(f.path, f.start_line, f.new) for f in result.failing_findings()] == [
        ("app/settings.py", 2, True)]


def test_without_a_base_history_is_not_read(repo: Repo) -> None:
    repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("add", {"creds.env": f"KEY={AWS_KEY}\n"})
    repo.commit("remove", {"creds.env": None})

    assert gate_run(repo, None).verdict == Verdict.PASS


def test_a_key_still_in_the_tree_is_reported_once_by_the_tree_scan(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("add", {"creds.env": f"KEY={AWS_KEY}\n"})
    repo.commit("more", {"creds.env": f"# creds\nKEY={AWS_KEY}\n"})

    result = gate_run(repo, base)

    [finding] = result.findings
    assert (finding.path, finding.start_line, from_history(finding)) == ("creds.env", 2, False)


def test_a_key_moved_to_another_file_is_reported_at_both(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("add", {"a.env": f"KEY={AWS_KEY}\n"})
    repo.commit("move", {"a.env": None, "b.env": f"OTHER=1\nKEY={AWS_KEY}\n"})

    result = gate_run(repo, base)

    assert sorted((f.path, from_history(f)) for f in result.findings) == [
        ("a.env", True), ("b.env", False)]


def test_the_same_key_added_twice_is_reported_at_its_first_commit(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    first = repo.commit("add", {"c.env": f"KEY={AWS_KEY}\n"})
    repo.commit("remove", {"c.env": None})
    repo.commit("again", {"c.env": f"KEY={AWS_KEY}\n"})
    repo.commit("remove again", {"c.env": None})

    [finding] = gate_run(repo, base).findings

    assert dict(finding.extra)[COMMIT_KEY] == first[:12]


def test_history_respects_the_policy_excludes(repo: Repo) -> None:
    base = repo.commit("base", {".gate.yml": "exclude: ['fixtures/**']\n"})
    repo.commit("add", {"fixtures/k.env": f"KEY={AWS_KEY}\n", "src/k.env": f"KEY={AWS_KEY_2}\n"})
    repo.commit("remove", {"fixtures/k.env": None, "src/k.env": None})

    assert [f.path for f in gate_run(repo, base).findings] == ["src/k.env"]


def test_a_key_in_a_binary_file_added_then_deleted_fails(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("add", {"tool.bin": b"\x00\x01\x02" + AWS_KEY.encode() + b"\x00\xff"})
    repo.commit("remove", {"tool.bin": None})

    assert [(f.rule_id, f.path) for f in gate_run(repo, base).findings] == [
        ("GATE-SECRET-AWS-ACCESS-KEY-ID", "tool.bin")]


def test_an_inline_marker_on_the_added_line_is_honoured(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("add", {"t.env": f"KEY={AWS_KEY}  # gate:ignore[AWS Access Key] test vector\n"})
    repo.commit("remove", {"t.env": None})

    result = gate_run(repo, base)

    [finding] = result.findings
    assert finding.suppressed and result.verdict == Verdict.PASS


def test_odd_paths_are_read(repo: Repo) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("add", {'dir with space/q"uote.env': f"KEY={AWS_KEY}\n"})
    repo.commit("remove", {'dir with space/q"uote.env': None})

    assert [f.path for f in gate_run(repo, base).findings] == ['dir with space/q"uote.env']


def test_the_tail_of_a_long_removed_line_cannot_pose_as_a_header(repo: Repo) -> None:
    decoy = "x" * (CHUNK - 1) + "diff --git a/elsewhere b/elsewhere"  # "-" + decoy: 2 pieces
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("decoy", {"conf.txt": f"{decoy}\n"})
    second = repo.commit("swap", {"conf.txt": f"KEY={AWS_KEY}\n"})
    repo.commit("remove", {"conf.txt": "clean\n"})

    scan = scan_history(repo.root, HistoryRange(base))

    assert [(f.path, f.start_line, dict(f.extra)[COMMIT_KEY]) for f in scan.findings] == [
        ("conf.txt", 1, second[:12])]


def test_a_history_over_the_commit_cap_is_not_scanned(repo: Repo,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("one", {"a.txt": "a\n"})
    repo.commit("two", {"b.txt": "b\n"})
    monkeypatch.setattr(history, "MAX_COMMITS", 1)

    scan = scan_history(repo.root, HistoryRange(base))

    [gap] = scan.not_scanned
    assert gap.path == f"{base[:12]}..HEAD"
    assert gap.reason == "history not scanned: 2 commits, more than the 1 the gate reads"


def test_a_history_over_the_byte_cap_is_not_scanned(repo: Repo,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    base = repo.commit("base", {"app.py": "print('hi')\n"})
    repo.commit("big", {"a.txt": "line\n" * 1000})
    monkeypatch.setattr(history, "MAX_BYTES", 100)

    [gap] = scan_history(repo.root, HistoryRange(base)).not_scanned

    assert gap.reason == "history not scanned: more than 100 bytes of changes"


@pytest.mark.parametrize("base, reason", [
    ("--output=/tmp/x", "history not scanned: the base is not a commit id"),
    ("0" * 40, "history not scanned: git could not list the commits since the base"),
])
def test_a_bad_base_is_not_scanned(repo: Repo, base: str, reason: str) -> None:
    repo.commit("base", {"app.py": "print('hi')\n"})

    [gap] = scan_history(repo.root, HistoryRange(base)).not_scanned

    assert gap.reason == reason


def test_a_push_that_adds_then_deletes_a_key_fails_gate_pre_push(tmp_path: Path) -> None:
    origin = Repo(tmp_path / "origin")
    remote = origin.commit("base", {"app.py": "print('hi')\n"})
    work = Repo(tmp_path / "work", clone_of=origin)
    work.commit("add", {"creds.env": f"KEY={AWS_KEY}\n"})
    head = work.commit("remove", {"creds.env": None})

    done = subprocess.run(
        [sys.executable, "-m", "gate", "pre-push", str(work.root), "--checks", "secrets",
         "--no-cache"], capture_output=True, text=True, timeout=300, cwd=work.root,
        env={**os.environ, "PRE_COMMIT_FROM_REF": remote, "PRE_COMMIT_TO_REF": head,
             "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main"})

    assert done.returncode == 1, done.stdout + done.stderr
    assert "creds.env" in done.stdout and "added in commit" in done.stdout
    assert AWS_KEY not in done.stdout + done.stderr

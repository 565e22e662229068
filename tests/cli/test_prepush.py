"""``gate pre-push``: a push fails only on what it adds, and says what it compared with."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gate.cli.prepush import choose_base

FLAW = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
CLEAN = "def add(a, b):\n    return a + b\n"
CHECKS = ("--checks", "sast,secrets,iac")


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


def _commit(root: Path, files: dict[str, str], message: str) -> str:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)
    return _git(root, "rev-parse", "HEAD")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of a remote whose main already has an old finding (B602 in app/old.py)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    _git(seed, "init", "-q", "-b", "main")
    _commit(seed, {"app/old.py": FLAW, "app/__init__.py": ""}, "old code")
    origin = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    return work


def _pre_push(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", "pre-push", str(root), *CHECKS,
                           "--no-cache"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env}, cwd=root)


def test_push_of_a_clean_file_passes_despite_old_findings(clone: Path) -> None:
    remote = _git(clone, "rev-parse", "origin/main")
    head = _commit(clone, {"app/util.py": CLEAN}, "clean")
    done = _pre_push(clone, {"PRE_COMMIT_FROM_REF": remote, "PRE_COMMIT_TO_REF": head,
                             "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert (f"gate pre-push: comparing with what the remote has (refs/heads/main) at "
            f"{remote[:12]}") in done.stderr


def test_push_of_a_flaw_fails_and_names_it(clone: Path) -> None:
    remote = _git(clone, "rev-parse", "origin/main")
    head = _commit(clone, {"app/new.py": FLAW}, "flawed")
    done = _pre_push(clone, {"PRE_COMMIT_FROM_REF": remote, "PRE_COMMIT_TO_REF": head})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "B602" in done.stdout and "app/new.py" in done.stdout
    assert "app/old.py" not in done.stdout  # old findings in untouched files are not listed


def test_first_push_of_a_branch_compares_with_the_default_branch(clone: Path) -> None:
    _git(clone, "checkout", "-q", "-b", "feature")
    _commit(clone, {"app/util.py": CLEAN}, "clean")
    zeros = "0" * 40
    chosen = choose_base(clone, {"PRE_COMMIT_FROM_REF": zeros})
    assert chosen.ref == "origin/main"
    assert chosen.why == "the default branch origin/main (first push of this branch)"
    done = _pre_push(clone, {"PRE_COMMIT_FROM_REF": zeros})
    assert done.returncode == 0, done.stdout + done.stderr


def test_upstream_is_the_fallback_without_pre_commit(clone: Path) -> None:
    chosen = choose_base(clone, {})
    assert (chosen.ref, chosen.why) == ("origin/main", "the upstream branch origin/main")


def test_no_base_at_all_gates_everything(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "solo")
    _commit(tmp_path, {"a.py": FLAW}, "only")
    chosen = choose_base(tmp_path, {})
    assert chosen.ref is None
    done = _pre_push(tmp_path, {})
    assert done.returncode == 1
    assert "gating the whole repository" in done.stderr


def test_runs_as_pre_commit_runs_it(clone: Path) -> None:
    """The real pre-commit, pre-push stage, a local hook calling this gate."""
    gate_bin = Path(sys.executable).parent / "gate"
    pre_commit = Path(sys.executable).parent / "pre-commit"
    assert pre_commit.exists(), "pre-commit is not installed: pip install -e '.[test]'"
    (clone / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: gate\n        name: gate\n"
        f"        entry: {gate_bin} pre-push --checks sast,secrets,iac --no-cache\n"
        "        language: system\n        pass_filenames: false\n        always_run: true\n"
        "        stages: [pre-push]\n", encoding="utf-8")
    remote = _git(clone, "rev-parse", "origin/main")
    _commit(clone, {".gitignore": ".pre-commit-config.yaml\n"}, "ignore config")
    head = _commit(clone, {"app/new.py": FLAW}, "flawed")
    env = {**os.environ, "PRE_COMMIT_HOME": str(clone.parent / "pc-home")}
    done = subprocess.run([str(pre_commit), "run", "--hook-stage", "pre-push", "--from-ref",
                           remote, "--to-ref", head, "gate"], cwd=clone, capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "B602" in done.stdout and "app/new.py" in done.stdout
    assert "comparing with what the remote has" in done.stdout

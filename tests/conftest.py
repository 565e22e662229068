"""Shared test helpers: fake checks registered in place of the real ones, fixture repos."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
if str(TESTS) not in sys.path:  # spawned check workers inherit sys.path
    sys.path.insert(0, str(TESTS))

FAKE_CHECKS = {
    "flaw": "fakechecks:FlawCheck",
    "crash": "fakechecks:CrashCheck",
    "refuse": "fakechecks:RefuseCheck",
    "hang": "fakechecks:HangCheck",
    "die": "fakechecks:DieCheck",
    "noisy": "fakechecks:NoisyCheck",
}


@pytest.fixture(autouse=True)
def _private_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the result cache and its key (``~/.cache/gate``, ``~/.config/gate``) per test."""
    base = tmp_path_factory.mktemp("user-dirs")
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    for name in ("GATE_CACHE_DIR", "GATE_CACHE_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_checks(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Replace the registry's built-ins with the fake checks (plugins stay as they are)."""
    monkeypatch.setattr("gate.checks.registry.BUILTIN_CHECKS", dict(FAKE_CHECKS))
    return FAKE_CHECKS


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Create a git repository from {path: content} and commit it."""

    def make(files: dict[str, str], *, git: bool = True) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        if git:
            run = ["git", "-C", str(root)]
            subprocess.run([*run, "init", "-q", "-b", "main"], check=True)
            subprocess.run([*run, "add", "-A"], check=True)
            subprocess.run([*run, "-c", "user.email=t@example.com", "-c", "user.name=t",
                            "commit", "-q", "-m", "init"], check=True)
        return root

    return make

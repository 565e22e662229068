"""Fixtures for triage tests: real git repositories built on the spot, and the fake checks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:  # spawned check workers inherit sys.path
    sys.path.insert(0, str(HERE))

from gitrepo import GIT_ENV, Repo  # noqa: E402
from triage_fakes import FAKES  # noqa: E402


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repo]:
    """An empty repository on branch ``main``."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True,
                   env={**os.environ, **GIT_ENV})
    yield Repo(root)


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Register the triage fake checks in place of the built-ins (plugins untouched)."""
    monkeypatch.setattr("gate.checks.registry.BUILTIN_CHECKS", dict(FAKES))
    return FAKES

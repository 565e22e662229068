"""A git repository built on the spot, driven the way a developer would (tests' helper)."""

from __future__ import annotations

import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class Repo:
    """A git repository in a temporary directory, driven the way a developer would."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", "-C", str(self.root), *args], check=True,
                              capture_output=True, text=True)
        return done.stdout.strip()

    def write(self, files: dict[str, str]) -> Repo:
        for rel, content in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        return self

    def delete(self, *paths: str) -> Repo:
        for rel in paths:
            (self.root / rel).unlink()
        return self

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str) -> Repo:
        self.git("checkout", "-q", "-b", name)
        return self

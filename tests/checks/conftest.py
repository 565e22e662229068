"""Fixture trees for the sast and secrets check tests: real files under tmp_path, real tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.checks.interface import ScanTarget


class SourceTree:
    """A directory of files written by a test, and the ScanTarget over them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[str] = []

    def write(self, rel: str, content: str | bytes) -> str:
        """Write ``content`` at ``rel`` (text as UTF-8, bytes as is); return ``rel``."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        if rel not in self.files:
            self.files.append(rel)
        return rel

    def target(self, *files: str) -> ScanTarget:
        """A target over ``files``, or over every file written so far."""
        return ScanTarget(root=self.root, files=tuple(files or self.files))


@pytest.fixture
def source_tree(tmp_path: Path) -> SourceTree:
    """An empty fixture tree under the test's tmp_path."""
    root = tmp_path / "tree"
    root.mkdir()
    return SourceTree(root)


@pytest.fixture
def whole_results_for_small_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test trees are tiny: give them whole-result entries as a large tree gets, rewritten on
    any change (``pytestmark = pytest.mark.usefixtures("whole_results_for_small_trees")``)."""
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_MIN_FILES", 1)
    monkeypatch.setattr("gate.checks.engine.cached_scan.WHOLE_SLACK", 0)

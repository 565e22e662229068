"""``gate.versions``: a distribution's version from its metadata's ``Version:`` header."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from gate.versions import PackageNotFoundError, installed_version


@pytest.mark.parametrize("name", ["bandit", "pip-audit", "detect-secrets", "python-hcl2",
                                  "ci-security-gate", "pydantic", "PyYAML"])
def test_the_same_as_importlib_metadata(name: str) -> None:
    assert installed_version(name) == metadata.version(name)


def test_a_missing_distribution_raises() -> None:
    with pytest.raises(PackageNotFoundError):
        installed_version("gate-no-such-distribution")


def test_only_the_header_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    info = tmp_path / "gate_probe_dist-3.2.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gate-probe-dist\n"
                                   "Summary: a probe\nversion: 3.2.1\n\nVersion: 9.9 (prose)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_version("gate-probe-dist") == "3.2.1"

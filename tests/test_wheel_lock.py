"""requirements/lock.txt still satisfies pyproject.toml, and every pin carries hashes.

The lock is what action.yml, the GitLab component/template and the image install with
``--require-hashes``; when someone changes a dependency in pyproject.toml and forgets to
re-run the documented command, this fails.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
BUILD = ROOT / "requirements" / "build.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def pins(path: Path) -> list[tuple[Requirement, list[str]]]:
    """Each pinned requirement of a pip-compile style file with its hashes."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("--") else ""
        if not line:
            continue
        spec, *hashes = line.split(" --hash=")
        out.append((Requirement(spec.strip()), [f"--hash={h.strip()}" for h in hashes]))
    return out


def _unsatisfied(requirements: list[str], path: Path) -> list[str]:
    locked: dict[str, list[str]] = {}
    for req, _ in pins(path):
        (spec,) = req.specifier
        locked.setdefault(canonicalize_name(req.name), []).append(spec.version)
    problems = []
    for raw in requirements:
        req = Requirement(raw)
        versions = locked.get(canonicalize_name(req.name), [])
        if not versions:
            problems.append(f"{raw}: not in {path.name}")
        problems += [f"{raw}: {path.name} pins {v}" for v in versions
                     if not req.specifier.contains(v, prereleases=True)]
    return problems


def test_every_lock_entry_is_an_exact_pin_with_sha256_hashes() -> None:
    for path in (LOCK, BUILD):
        entries = pins(path)
        assert len(entries) >= (40 if path == LOCK else 1)
        for req, hashes in entries:
            assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", req
            assert hashes and all(HASH.fullmatch(h) for h in hashes), req


def test_lock_satisfies_pyproject_dependencies() -> None:
    assert _unsatisfied(PYPROJECT["project"]["dependencies"], LOCK) == []


def test_build_lock_satisfies_build_system_requires() -> None:
    assert _unsatisfied(PYPROJECT["build-system"]["requires"], BUILD) == []


def test_lock_leaves_out_the_installer_only() -> None:
    names = {canonicalize_name(r.name) for r, _ in pins(LOCK)}
    assert "pip" not in names and "setuptools" not in names
    assert {"bandit", "pip-audit", "detect-secrets", "python-hcl2", "platformdirs"} <= names


def test_documented_commands_made_the_locks() -> None:
    doc = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    for path in (LOCK, BUILD):
        command = path.read_text(encoding="utf-8").splitlines()[1].strip("# ").strip()
        assert command.startswith("uv pip compile ") and "--generate-hashes" in command
        assert command in doc, f"docs/install.md does not show: {command}"


def test_shipped_lock_is_the_lock() -> None:
    from gate.pins import lock_path

    assert lock_path().read_bytes() == LOCK.read_bytes()

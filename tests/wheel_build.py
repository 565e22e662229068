"""Helpers for tests that install the gate as users do: build its wheel, make a fresh venv.

Nothing leaves loopback: the wheel is built without build isolation (setuptools comes from
the test environment), and a fresh venv sees the test environment's packages, minus the
gate itself, through a ``.pth`` file pointing at a directory of symlinks. The gate is then
installed into the fresh venv from the built wheel only, so every import of ``gate`` there
comes from the wheel, and the hash-pinned lock is "already satisfied" without a download
(the test environment must match requirements/lock.txt: .ci/run installs it from the lock).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "MANIFEST.in", "requirements", "gate")
_OWN = re.compile(r"^(gate|pip|ci_security_gate[-.].*|__editable__.*ci_security_gate.*|pip-\d.*"
                  r"|_virtualenv.*|distutils-precedence.*)$")
_BUILT: dict[str, Path] = {}


def offline_pip_env(wheelhouse: Path | None = None) -> dict[str, str]:
    """Environment that keeps pip on this machine: no index, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_CACHE_DIR": "1"})
    if wheelhouse is not None:
        env["PIP_FIND_LINKS"] = str(wheelhouse)
    return env


def build_wheel(workdir: Path) -> Path:
    """Build the gate's wheel from a copy of the source tree (once per test session)."""
    if "wheel" in _BUILT:
        return _BUILT["wheel"]
    src = workdir / "src"
    src.mkdir(parents=True)
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    house = workdir / "wheelhouse"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(house), str(src)],
                   env=offline_pip_env(), check=True, capture_output=True, timeout=300)
    (wheel,) = house.glob("*.whl")
    _BUILT["wheel"] = wheel
    return wheel


def _overlay(target: Path) -> Path:
    """A directory of symlinks to the test environment's packages, except the gate and pip."""
    target.mkdir(parents=True)
    seen: set[str] = set()
    for key in ("purelib", "platlib"):
        site = Path(sysconfig.get_paths()[key])
        for entry in sorted(site.iterdir()) if site.is_dir() else ():
            if entry.name in seen or entry.suffix == ".pth" or _OWN.match(entry.name):
                continue
            seen.add(entry.name)
            (target / entry.name).symlink_to(entry)
    return target


def fresh_venv(path: Path) -> Path:
    """A new venv (no pip yet: the scripts under test create it again, with pip) that sees
    the test environment's packages but not the gate. Returns the venv directory."""
    subprocess.run([sys.executable, "-I", "-m", "venv", "--without-pip", str(path)],
                   check=True, timeout=120)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = path / "lib" / version / "site-packages"
    overlay = _overlay(path.parent / f"{path.name}-deps")
    (site / "zz_test_deps.pth").write_text(f"{overlay}\n", encoding="utf-8")
    return path


def python_on_path(bindir: Path) -> str:
    """A PATH whose ``python`` is this interpreter, as a CI image's would be."""
    bindir.mkdir(parents=True, exist_ok=True)
    for name in ("python", "python3"):
        link = bindir / name
        if not link.exists():
            link.symlink_to(sys.executable)
    return f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"

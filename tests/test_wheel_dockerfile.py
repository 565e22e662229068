"""The container image recipe, checked statically (no Docker engine here): structure, pins,
the files it copies, and the gate's own Dockerfile rules."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from gate.checks.iac import IacCheck
from gate.checks.interface import ScanTarget

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "Dockerfile").read_text(encoding="utf-8")
INSTRUCTIONS = [line for line in re.sub(r"\\\n\s*", " ", TEXT).splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
DIGEST = re.compile(r"^FROM python:3\.\d+-slim@sha256:[0-9a-f]{64}( AS \w+)?$")


def _all(keyword: str) -> list[str]:
    return [line[len(keyword) + 1:] for line in INSTRUCTIONS if line.startswith(f"{keyword} ")]


def test_every_stage_uses_the_same_slim_base_pinned_by_digest() -> None:
    froms = [line for line in INSTRUCTIONS if line.startswith("FROM ")]
    assert len(froms) == 2
    assert [bool(DIGEST.match(line)) for line in froms] == [True, True]
    assert len({line.split()[1] for line in froms}) == 1
    classifiers = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    newest = max(re.findall(r"Programming Language :: Python :: 3\.(\d+)", classifiers), key=int)
    assert froms[0].startswith(f"FROM python:3.{newest}-slim@")


def test_runtime_is_non_root_with_git_and_the_gate_as_entrypoint() -> None:
    runtime = INSTRUCTIONS[[i for i, line in enumerate(INSTRUCTIONS)
                            if line.startswith("FROM ")][-1]:]
    assert [line for line in runtime if line.startswith("USER ")] == ["USER 10001:10001"]
    assert runtime[-2:] == ['ENTRYPOINT ["gate"]', 'CMD ["run", "--no-post", "."]']
    run = " ".join(line for line in runtime if line.startswith("RUN "))
    assert "apt-get install -y --no-install-recommends git" in run
    assert "useradd --create-home --uid 10001" in run


def test_every_pip_install_is_hash_pinned_or_no_deps() -> None:
    installs = [part for line in _all("RUN") for part in line.split("&&")
                if "pip install" in part or "pip wheel" in part]
    assert len(installs) == 4
    for part in installs:
        assert "python -I -m pip" in part, part
        assert ("--require-hashes" in part and "--only-binary :all:" in part) or "--no-deps" in part
    assert sum("--require-hashes" in p for p in installs) == 2
    assert any("-r /tmp/gate/lock.txt" in p for p in installs)
    assert not _all("ADD")


def test_copied_files_exist_and_the_dockerignore_lets_them_through() -> None:
    allowed = [line[1:].rstrip("/") for line in
               (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.startswith("!")]
    copied = []
    for args in _all("COPY"):
        if args.startswith("--from="):
            continue
        copied += args.split()[:-1]
    assert copied
    for source in copied:
        path = source.rstrip("/")
        assert (ROOT / path).exists(), path
        assert any(path == a or path.startswith(f"{a}/") or fnmatch.fnmatch(path, a)
                   for a in allowed), path


def test_the_gates_own_rules_pass_the_dockerfile(tmp_path: Path) -> None:
    options = {"frameworks": ["dockerfile"]}
    result = IacCheck().run(ScanTarget(root=ROOT, files=("Dockerfile",), options=options))
    assert result.not_scanned == ()
    assert [f.rule_id for f in result.findings] == []
    assert result.files_scanned == 1
    # the same rules do flag a recipe without the pins and the user
    (tmp_path / "Dockerfile").write_text("FROM python\nRUN pip install x\n", encoding="utf-8")
    control = IacCheck().run(ScanTarget(root=tmp_path, files=("Dockerfile",), options=options))
    assert sorted(f.rule_id for f in control.findings) == ["GATE-DOCKER-001", "GATE-DOCKER-003"]

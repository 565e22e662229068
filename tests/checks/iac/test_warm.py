"""A warm run reads only what changed: YAML/JSON verdicts remembered under each file's stat.

Each test runs the loader (or the whole check) twice over a small tree with a result cache,
and records every file the loader reads; a second run must read exactly the files whose
stat changed, or that were changed inside git's racily-clean window, and must return what
a run without any cache returns.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from iac_support import files_under

import gate.checks.iac.loader as loader
from gate.checks.iac.check import IacCheck
from gate.checks.iac.interface import Framework
from gate.checks.iac.loader import Loaded, load_units, sniff_facts
from gate.checks.interface import CheckResult, ScanTarget

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.25
      securityContext:
        privileged: true
"""
STACK = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
"""
CONFIG = "name: not infrastructure\nitems: [1, 2, 3]\n"


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files the test wrote count as settled (the racy window has a test of its own)."""
    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path the loader reads, in order."""
    seen: list[str] = []
    original: Callable[[Path, str, int], str] = loader._read

    def recording(root: Path, path: str, max_bytes: int) -> str:
        seen.append(path)
        return original(root, path, max_bytes)

    monkeypatch.setattr(loader, "_read", recording)
    yield seen


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "k8s").mkdir(parents=True)
    (root / "cfg").mkdir()
    (root / "k8s" / "pod.yaml").write_text(POD)
    (root / "stack.yaml").write_text(STACK)
    (root / "cfg" / "a.yaml").write_text(CONFIG)
    (root / "cfg" / "b.json").write_text('{"not": "infrastructure"}\n')
    (root / "app.py").write_text("print('hello')\n")
    time.sleep(0.01)  # the files' times lie before the runs below start
    return root


def _load(root: Path, cache: Path | None, reads: list[str],
          frameworks: frozenset[Framework] = frozenset(Framework),
          max_bytes: int = loader.DEFAULT_MAX_BYTES) -> tuple[Loaded, list[str]]:
    reads.clear()
    facts = sniff_facts(cache, root)
    loaded = load_units(root, files_under(root), frameworks, max_bytes, facts)
    if facts is not None:
        facts.save()
    return loaded, sorted(reads)


def _shape(loaded: Loaded) -> tuple[object, ...]:
    return loaded.units, loaded.not_scanned, loaded.files_scanned


def _paths(loaded: Loaded) -> list[str]:
    """The file each unit was parsed from, in the units' order."""
    return [sorted({r.path for r in u.resources})[0] for u in loaded.units]


@pytest.mark.usefixtures("settled")
def test_unchanged_files_that_are_no_iac_are_not_read_again(tmp_path: Path,
                                                           reads: list[str]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first, read = _load(root, cache, reads)
    assert read == ["cfg/a.yaml", "cfg/b.json", "k8s/pod.yaml", "stack.yaml"]
    assert first.files_read == 4
    second, read = _load(root, cache, reads)
    assert read == ["k8s/pod.yaml", "stack.yaml"]  # the IaC is parsed again, nothing else
    assert second.files_read == 2
    cold, _ = _load(root, None, reads)
    assert _shape(second) == _shape(first) == _shape(cold)
    assert _paths(second) == ["k8s/pod.yaml", "stack.yaml"]


@pytest.mark.usefixtures("settled")
def test_an_edited_file_is_read_again_and_judged_by_its_new_bytes(tmp_path: Path,
                                                                  reads: list[str]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _load(root, cache, reads)
    (root / "cfg" / "a.yaml").write_text(POD)  # a config file becomes a manifest
    time.sleep(0.01)
    warm, read = _load(root, cache, reads)
    assert read == ["cfg/a.yaml", "k8s/pod.yaml", "stack.yaml"]
    assert _paths(warm) == ["cfg/a.yaml", "k8s/pod.yaml", "stack.yaml"]
    cold, _ = _load(root, None, reads)
    assert _shape(warm) == _shape(cold)
    (root / "cfg" / "a.yaml").write_text(CONFIG)  # and back: no IaC again
    time.sleep(0.01)
    back, read = _load(root, cache, reads)
    assert read == ["cfg/a.yaml", "k8s/pod.yaml", "stack.yaml"]
    assert _paths(back) == ["k8s/pod.yaml", "stack.yaml"]
    _, read = _load(root, cache, reads)
    assert read == ["k8s/pod.yaml", "stack.yaml"]


@pytest.mark.usefixtures("settled")
def test_a_same_size_rewrite_with_the_old_mtime_is_read_again(tmp_path: Path,
                                                              reads: list[str]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _load(root, cache, reads)
    path = root / "cfg" / "a.yaml"
    st = path.stat()
    manifest = "kind: Pod\napiVersion: v1\n"
    path.write_text(manifest + " " * (st.st_size - len(manifest) - 1) + "\n")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: the ctime moves
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    time.sleep(0.01)
    warm, read = _load(root, cache, reads)
    assert read == ["cfg/a.yaml", "k8s/pod.yaml", "stack.yaml"]
    assert _paths(warm) == ["cfg/a.yaml", "k8s/pod.yaml", "stack.yaml"]


def test_a_file_changed_inside_the_racy_window_is_read_on_every_run(tmp_path: Path,
                                                                    reads: list[str]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"  # written just now: racily clean
    _, read = _load(root, cache, reads)
    assert read == ["cfg/a.yaml", "cfg/b.json", "k8s/pod.yaml", "stack.yaml"]
    _, read = _load(root, cache, reads)
    assert read == ["cfg/a.yaml", "cfg/b.json", "k8s/pod.yaml", "stack.yaml"]


@pytest.mark.usefixtures("settled")
def test_a_framework_left_out_is_remembered_and_read_once_it_is_chosen(
        tmp_path: Path, reads: list[str]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    only_cfn = frozenset({Framework.CLOUDFORMATION})
    first, read = _load(root, cache, reads, only_cfn)
    assert read == ["cfg/a.yaml", "cfg/b.json", "k8s/pod.yaml", "stack.yaml"]
    assert _paths(first) == ["stack.yaml"]
    again, read = _load(root, cache, reads, only_cfn)
    assert read == ["stack.yaml"]  # the manifest is remembered as Kubernetes: not read
    assert _paths(again) == ["stack.yaml"]
    every, read = _load(root, cache, reads)
    assert read == ["k8s/pod.yaml", "stack.yaml"]
    assert _paths(every) == ["k8s/pod.yaml", "stack.yaml"]


@pytest.mark.usefixtures("settled")
def test_a_remembered_file_over_the_size_limit_is_reported_not_scanned(
        tmp_path: Path, reads: list[str]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _load(root, cache, reads)
    small, read = _load(root, cache, reads, max_bytes=20)
    assert read == ["cfg/a.yaml", "cfg/b.json", "k8s/pod.yaml", "stack.yaml"]
    assert sorted(n.path for n in small.not_scanned) == [
        "cfg/a.yaml", "cfg/b.json", "k8s/pod.yaml", "stack.yaml"]
    assert small.units == ()


@pytest.mark.usefixtures("settled")
def test_the_check_with_a_cache_returns_what_it_returns_without(tmp_path: Path,
                                                               reads: list[str]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"

    def run(cache_dir: Path | None) -> CheckResult:
        reads.clear()
        target = ScanTarget(root=root, files=files_under(root), cache_dir=cache_dir)
        return IacCheck().run(target)

    def shape(result: CheckResult) -> tuple[object, ...]:
        return (result.findings, result.not_scanned, result.warnings, result.errors,
                result.files_scanned)

    cold = run(None)
    assert sorted((f.rule_id, f.path) for f in cold.findings) == [
        ("GATE-AWS-S3-004", "stack.yaml"), ("GATE-AWS-S3-005", "stack.yaml"),
        ("GATE-AWS-S3-006", "stack.yaml"), *((f"GATE-K8S-{n:03}", "k8s/pod.yaml")
                                               for n in (1, 4, 5, 6, 8, 9, 10, 11))]
    run(cache)
    warm = run(cache)
    assert sorted(reads) == ["k8s/pod.yaml", "stack.yaml"]
    assert shape(warm) == shape(cold)

"""A warm run reads only what changed: YAML/JSON verdicts remembered under each file's stat.

Each test runs the loader (or the whole check) twice over a small tree with a result cache,
and records every file the loader reads; a second run must read exactly the files whose
stat changed, or that were changed inside git's racily-clean window, and must return what
a run without any cache returns.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from iac_support import files_under

import gate.checks.iac.loader as loader
import gate.checks.iac.rendering as rendering
from gate.checks.engine.digests import survey
from gate.checks.iac.check import IacCheck
from gate.checks.iac.interface import Framework
from gate.checks.iac.loader import Loaded, load_units, sniff_facts
from gate.checks.interface import CheckResult, ScanTarget, Snapshot

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


# --- parts remembered under their input: charts, overlays, Terraform, single files ----------

RENDERED = Path(__file__).parent / "fixtures" / "rendered"
SHIM = Path(__file__).parent / "tools" / "helm_shim.py"
KUBECTL = shutil.which("kubectl")


def _logging_tool(bin_dir: Path, name: str, command: str) -> Path:
    """``bin_dir/name``: appends one line to ``bin_dir/name.log`` per run, then ``command``."""
    bin_dir.mkdir(exist_ok=True)
    log = bin_dir / f"{name}.log"
    tool = bin_dir / name
    tool.write_text(f"#!/bin/sh\necho run >> {log}\nexec {command} \"$@\"\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return log


def _runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _run(root: Path, cache: Path | None, options: dict[str, object] | None = None) -> CheckResult:
    return IacCheck().run(ScanTarget(root=root, files=files_under(root), cache_dir=cache,
                                     options=dict(options or {})))


def _same(result: CheckResult) -> tuple[object, ...]:
    return (result.findings, result.not_scanned, result.warnings, result.errors,
            result.files_scanned)


def _privileged(result: CheckResult) -> list[tuple[str, int]]:
    return [(f.path, f.location.start_line) for f in result.findings
            if f.rule_id == "GATE-K8S-001"]


@pytest.fixture
def helm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``helm`` on PATH (the real one, else the helm-python-sdk stand-in) that logs each run;
    the log's path."""
    real = shutil.which("helm")
    command = real if real else f"{sys.executable} {SHIM}"
    assert real or importlib.util.find_spec("helm_python") is not None, \
        "needs helm on PATH or helm-python-sdk: pip install -e '.[test]'"
    log = _logging_tool(tmp_path / "bin", "helm", command)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    # the stand-in's Go runtime sometimes reserves more than the default 1 GiB of address
    # space ("out of memory" at random): these tests are about what is remembered
    monkeypatch.setattr(rendering, "RenderLimits",
                        functools.partial(rendering.RenderLimits, memory_mb=1 << 16))
    return log


def _chart(tmp_path: Path) -> Path:
    """A chart whose template reads ``files/debug.txt`` through ``.Files.Get`` (no name the
    check knows), next to an unrelated file."""
    root = tmp_path / "repo"
    shutil.copytree(RENDERED / "chart", root)
    template = root / "web" / "templates" / "deployment.yaml"
    template.write_text(template.read_text().replace(
        "{{- if .Values.debug }}", '{{- if eq (.Files.Get "files/debug.txt" | trim) "on" }}'))
    (root / "web" / "files").mkdir()
    (root / "web" / "files" / "debug.txt").write_text("off\n")
    (root / "README.md").write_text("# the repository\n")
    return root


def test_a_chart_is_rendered_again_only_when_a_file_under_it_changes(
        tmp_path: Path, helm: Path) -> None:
    root, cache = _chart(tmp_path), tmp_path / "cache"
    first = _run(root, cache)
    assert _runs(helm) == 1 and _privileged(first) == []
    again = _run(root, cache)
    assert _runs(helm) == 1  # unchanged: remembered, not rendered
    assert _same(again) == _same(first)
    (root / "README.md").write_text("# the repository, edited\n")
    unrelated = _run(root, cache)
    assert _runs(helm) == 1
    assert _same(unrelated) == _same(first)
    (root / "web" / "files" / "debug.txt").write_text("on\n")  # read by .Files.Get only
    edited = _run(root, cache)
    assert _runs(helm) == 2
    assert _privileged(edited) == [("web/templates/deployment.yaml", 13)]
    cold = _run(root, None)
    assert _runs(helm) == 3
    assert _same(edited) == _same(cold)


def test_a_values_file_the_policy_names_is_part_of_the_chart_s_key(
        tmp_path: Path, helm: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(RENDERED / "chart", root)
    (root / "prod.yaml").write_text("debug: false\n")
    options = {"helm_values": {"web": ["prod.yaml"]}}
    first = _run(root, cache, options)
    assert _runs(helm) == 1 and _privileged(first) == []
    _run(root, cache, options)
    assert _runs(helm) == 1
    (root / "prod.yaml").write_text("debug: true\n")
    edited = _run(root, cache, options)
    assert _runs(helm) == 2
    assert _privileged(edited) == [("web/templates/deployment.yaml", 13)]
    assert _same(edited) == _same(_run(root, None, options))


def test_a_same_size_rewrite_inside_a_chart_with_the_old_mtime_renders_again(
        tmp_path: Path, helm: Path) -> None:
    root, cache = _chart(tmp_path), tmp_path / "cache"
    time.sleep(0.01)
    _run(root, cache)
    path = root / "web" / "files" / "debug.txt"
    st = path.stat()
    path.write_text("on!\n")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: the ctime moves
    edited = _run(root, cache)
    assert _runs(helm) == 2
    assert _privileged(edited) == []  # "on!" is not "on": judged by the new bytes


def test_a_failed_render_is_never_remembered(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = _chart(tmp_path), tmp_path / "cache"
    log = _logging_tool(tmp_path / "bin", "helm", "false")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    first = _run(root, cache)
    assert [(n.path, n.reason) for n in first.not_scanned] == [
        ("web/Chart.yaml", "chart not rendered: helm failed: exit 1")]
    second = _run(root, cache)
    assert _runs(log) == 2
    assert _same(second) == _same(first)


def test_an_overlay_renders_again_when_its_base_or_a_generator_file_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert KUBECTL is not None, "needs kubectl (its built-in kustomize) on PATH"
    root, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(RENDERED / "kustomize", root)
    shutil.rmtree(root / "overlays" / "remote")
    (root / "overlays" / "prod" / "app.properties").write_text("mode=quiet\n")
    kustomization = root / "overlays" / "prod" / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + (
        "configMapGenerator:\n  - name: app\n    files:\n      - app.properties\n"))
    log = _logging_tool(tmp_path / "bin", "kubectl", KUBECTL)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    first = _run(root, cache)
    overlays = _runs(log)
    assert overlays == 3  # base, net and prod
    _run(root, cache)
    assert _runs(log) == overlays
    (root / "overlays" / "prod" / "app.properties").write_text("mode=loud\n")
    _run(root, cache)
    assert _runs(log) == 2 * overlays  # the charts and overlays are one part: all again
    base = root / "base" / "deployment.yaml"
    base.write_text(base.read_text().replace(
        "    spec:\n      containers:\n        - name: sidecar",
        "    spec:\n      hostNetwork: true\n      containers:\n        - name: sidecar"))
    edited = _run(root, cache)
    assert _runs(log) == 3 * overlays
    assert _same(edited) == _same(_run(root, None))
    def host_network(result: CheckResult) -> list[tuple[str, int]]:
        return [(f.path, f.location.start_line) for f in result.findings
                if f.rule_id == "GATE-K8S-003" and f.path.startswith("base/")]

    assert host_network(first) == []
    assert host_network(edited) == [("base/deployment.yaml", 8)]  # the base's new line


def test_the_terraform_project_is_judged_again_when_any_of_its_files_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.checks.iac.judged as judged

    root, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(Path(__file__).parent / "fixtures" / "repo" / "planted", root)
    projects: list[int] = []
    files: list[str] = []
    original_project, original_file = judged._judge_project, judged._judge_file

    def project(modules: Any, tfvars: Any, memo: Any) -> Any:
        projects.append(len(modules))
        return original_project(modules, tfvars, memo)

    def single(source: Any) -> Any:
        files.append(source.path)
        return original_file(source)

    monkeypatch.setattr(judged, "_judge_project", project)
    monkeypatch.setattr(judged, "_judge_file", single)
    first = _run(root, cache)
    assert len(projects) == 1 and files != []
    judged_files = sorted(files)
    files.clear()
    assert _same(_run(root, cache)) == _same(first)
    assert len(projects) == 1 and files == []  # nothing parsed or evaluated again
    tf = sorted(root.rglob("*.tf"))[0]
    tf.write_text(tf.read_text() + "\n# a comment\n")
    assert _same(_run(root, cache)) == _same(_run(root, None))
    assert len(projects) == 3 and files == judged_files  # the cold run judged them all
    files.clear()
    template = root / judged_files[0]
    template.write_text(template.read_text() + "\n# a comment\n")
    _run(root, cache)
    assert len(projects) == 3 and files == [judged_files[0]]


def test_a_terraform_edit_parses_that_file_alone(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.checks.iac.tf_files as tf_files

    root, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(Path(__file__).parent / "fixtures" / "repo" / "planted", root)
    parsed: list[str] = []
    original = tf_files.parse_file

    def recording(path: str, text: str) -> Any:
        parsed.append(path)
        return original(path, text)

    monkeypatch.setattr(tf_files, "parse_file", recording)
    every = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.tf"))
    assert len(every) > 1
    _run(root, cache)
    assert sorted(parsed) == every
    parsed.clear()
    edited = root / every[-1]
    edited.write_text(edited.read_text() + "\n# a comment\n")
    warm = _run(root, cache)
    assert parsed == [every[-1]]
    assert _same(warm) == _same(_run(root, None))


def test_a_parsed_terraform_file_comes_back_equal_in_order_and_type() -> None:
    from gate.cache.entry import canonical
    from gate.checks.iac.parsers.terraform_files import parse_file
    from gate.checks.iac.tf_files import _file, encode

    text = (
        'resource "aws_s3_bucket" "b" {  # gate:ignore[GATE-AWS-S3-002] reviewed\n'
        '  bucket = "x"\n  ratio = 0.1\n  big = 12345678901234567890\n  on = true\n'
        '  tags = { z = "1", a = null }\n  list = [1, "2", [3]]\n}\n')
    parsed = parse_file("main.tf", text)
    assert parsed.comments != {}
    stored = json.loads(canonical({"version": 1, "file": [
        encode(parsed.data), encode(parsed.spans), encode(parsed.comments)]}))
    back = _file(stored, "main.tf")
    assert back == parsed
    assert back is not None and not isinstance(back, Exception)
    assert encode(back.data) == encode(parsed.data)  # the same order, the same types
    assert encode(back.spans) == encode(parsed.spans)
    assert _file({"version": 1, "file": [["d", []], ["x", 1], ["d", []]]}, "main.tf") is None


def test_charts_and_overlays_are_rendered_apart(tmp_path: Path, helm: Path) -> None:
    assert KUBECTL is not None, "needs kubectl (its built-in kustomize) on PATH"
    root, cache = _chart(tmp_path), tmp_path / "cache"
    shutil.copytree(RENDERED / "kustomize", root / "deploy")
    shutil.rmtree(root / "deploy" / "overlays" / "remote")
    kubectl = _logging_tool(tmp_path / "bin", "kubectl", KUBECTL)
    first = _run(root, cache)
    assert (_runs(helm), _runs(kubectl)) == (1, 3)
    (root / "web" / "files" / "debug.txt").write_text("on\n")
    chart_edited = _run(root, cache)
    assert (_runs(helm), _runs(kubectl)) == (2, 3)  # the overlays were not rendered again
    assert _privileged(chart_edited) == [("web/templates/deployment.yaml", 13),
                                         *_privileged(first)]  # charts' units come first
    patch = root / "deploy" / "overlays" / "prod" / "debug.yaml"
    patch.write_text(patch.read_text() + "\n# edited\n")
    overlay_edited = _run(root, cache)
    assert (_runs(helm), _runs(kubectl)) == (2, 6)  # the chart was not rendered again
    assert _same(overlay_edited) == _same(_run(root, None))


def test_a_verdict_is_remembered_for_the_day_it_was_judged(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as real

    import gate.checks.iac.judged as judged

    root, cache = _tree(tmp_path), tmp_path / "cache"
    judged_files: list[str] = []
    original = judged._judge_file

    def single(source: Any) -> Any:
        judged_files.append(source.path)
        return original(source)

    class Day:
        value = real.date(2026, 12, 6)

        @classmethod
        def today(cls) -> real.date:
            return cls.value

    class Clock:
        date = Day

    monkeypatch.setattr(judged, "_judge_file", single)
    monkeypatch.setattr(judged, "datetime", Clock)
    _run(root, cache)
    _run(root, cache)
    assert sorted(judged_files) == ["k8s/pod.yaml", "stack.yaml"]
    Day.value = real.date(2026, 12, 7)  # deadlines are graded by the day: judged again
    _run(root, cache)
    assert sorted(judged_files) == ["k8s/pod.yaml", "k8s/pod.yaml", "stack.yaml", "stack.yaml"]


# --- the loader's whole result under the content identities of the gate's snapshot --------

def _snapshot_run(root: Path, cache: Path | None, tree: Snapshot | None) -> CheckResult:
    return IacCheck().run(ScanTarget(root=root, files=files_under(root), cache_dir=cache,
                                     tree=tree))


def _survey(root: Path, cache: Path) -> Snapshot:
    return survey(root, files_under(root), cache)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the loader ran (:func:`gate.checks.iac.judged.load_judged`)."""
    import gate.checks.iac.judged as judged

    calls: list[int] = []
    original = judged.load_judged

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(judged, "load_judged", counting)
    return calls


@pytest.mark.usefixtures("settled")
def test_with_the_snapshot_a_run_whose_iac_is_unchanged_reads_nothing(
        tmp_path: Path, reads: list[str], loads: list[int]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    cold = _snapshot_run(root, None, None)
    reads.clear()
    loads.clear()
    first = _snapshot_run(root, cache, _survey(root, cache))
    assert sorted(reads) == ["cfg/a.yaml", "cfg/b.json", "k8s/pod.yaml", "stack.yaml"]
    assert len(loads) == 1
    reads.clear()
    (root / "app.py").write_text("print('edited')\n")  # no IaC candidate
    second = _snapshot_run(root, cache, _survey(root, cache))
    assert reads == []  # not one candidate read, the loader not run
    assert len(loads) == 1
    assert _same(second) == _same(first) == _same(cold)
    assert len(cold.findings) == 11


@pytest.mark.usefixtures("settled")
def test_with_the_snapshot_an_edited_candidate_is_judged_by_its_new_bytes(
        tmp_path: Path, reads: list[str], loads: list[int]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _snapshot_run(root, cache, _survey(root, cache))
    stack = root / "stack.yaml"
    stack.write_text(STACK + "      VersioningConfiguration:\n        Status: Enabled\n")
    reads.clear()
    edited = _snapshot_run(root, cache, _survey(root, cache))
    assert sorted(reads) == ["k8s/pod.yaml", "stack.yaml"]  # the other YAML: remembered
    assert len(loads) == 2
    cold = _snapshot_run(root, None, None)
    loads.clear()
    assert _same(edited) == _same(cold)
    assert "GATE-AWS-S3-005" not in {f.rule_id for f in cold.findings}  # versioning: on
    # an edit loop does not rewrite the whole result on every run: the run that finds every
    # part again writes it, and the next reads nothing
    reads.clear()
    again = _snapshot_run(root, cache, _survey(root, cache))
    assert sorted(reads) == ["k8s/pod.yaml", "stack.yaml"]
    assert len(loads) == 1
    reads.clear()
    settled = _snapshot_run(root, cache, _survey(root, cache))
    assert reads == []
    assert len(loads) == 1
    assert _same(again) == _same(settled) == _same(cold)


@pytest.mark.usefixtures("settled")
def test_a_candidate_changed_after_the_snapshot_is_not_remembered_under_its_identity(
        tmp_path: Path, reads: list[str], loads: list[int]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    before = _survey(root, cache)
    (root / "k8s" / "pod.yaml").write_text(POD.replace("privileged: true", "privileged: false"))
    # what was read is judged (the run reports the tree as it found it) ...
    first = _snapshot_run(root, cache, before)
    assert len(loads) == 1
    assert _same(first) == _same(_snapshot_run(root, None, None))
    assert "GATE-K8S-001" not in {f.rule_id for f in first.findings}
    loads.clear()
    # ... but not remembered under the identities of the bytes the snapshot saw
    (root / "k8s" / "pod.yaml").write_text(POD)
    reads.clear()
    second = _snapshot_run(root, cache, before)
    assert "k8s/pod.yaml" in reads
    assert len(loads) == 1
    assert "GATE-K8S-001" in {f.rule_id for f in second.findings}


@pytest.mark.usefixtures("settled")
def test_a_linked_candidate_keeps_the_loader_running(tmp_path: Path, reads: list[str],
                                                     loads: list[int]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    (root / "k8s" / "linked.yaml").symlink_to("pod.yaml")  # its stat says nothing of its bytes
    _snapshot_run(root, cache, _survey(root, cache))
    reads.clear()
    second = _snapshot_run(root, cache, _survey(root, cache))
    assert "k8s/linked.yaml" in reads
    assert len(loads) == 2
    assert _same(second) == _same(_snapshot_run(root, None, None))


@pytest.mark.usefixtures("settled")
def test_a_candidate_the_snapshot_could_not_identify_keeps_the_loader_running(
        tmp_path: Path, loads: list[int]) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    tree = _survey(root, cache)
    partial = Snapshot({k: v for k, v in tree.ids.items() if k != "stack.yaml"}, tree.stats)
    _snapshot_run(root, cache, partial)
    second = _snapshot_run(root, cache, partial)
    assert len(loads) == 2
    assert _same(second) == _same(_snapshot_run(root, None, None))


def test_the_code_identity_is_remembered_under_its_files_stats(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.checks.iac.judged as judged
    from gate.cache import open_cache

    sources = [tmp_path / "a.py", tmp_path / "b.py"]
    for path in sources:
        path.write_text(f"# {path.name}\n")
    paths = (*(str(p) for p in sources), "lark: not installed")
    monkeypatch.setattr(judged, "_code_paths", lambda: paths)
    hashed: list[int] = []
    original = judged._code_of

    def counting(files: Any) -> str:
        hashed.append(1)
        return original(files)

    monkeypatch.setattr(judged, "_code_of", counting)
    cache = open_cache(tmp_path / "cache")
    racy = judged._remembered_code(cache)  # the files were written just now: not trusted
    assert racy == original(paths)
    assert judged._remembered_code(cache) == racy
    assert len(hashed) == 2
    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)
    assert judged._remembered_code(cache) == racy
    assert judged._remembered_code(cache) == racy
    assert len(hashed) == 3  # remembered once settled
    sources[1].write_text("# b.py, edited\n")
    edited = judged._remembered_code(cache)
    assert edited == original(paths) != racy
    assert len(hashed) == 4

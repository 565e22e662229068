"""Helm charts and Kustomize overlays are judged as rendered, offline, with findings on the
template or patch line; what cannot be rendered is one "not scanned" entry, nothing fetched."""

from __future__ import annotations

import importlib.util
import shutil
import stat
import sys
from pathlib import Path

from iac_support import FIXTURES, files_under

from gate.checks.iac.check import IacCheck
from gate.checks.iac.rendering import RenderLimits, Tools, render
from gate.checks.interface import ScanTarget

RENDERED = FIXTURES / "rendered"
KUBECTL = shutil.which("kubectl")
KUSTOMIZE = ("kustomize", "build") if shutil.which("kustomize") else (
    (KUBECTL, "kustomize") if KUBECTL else None)
SHIM = Path(__file__).parent / "tools" / "helm_shim.py"


def _helm(tmp_path: Path) -> str | None:
    """The real helm when installed, else the helm-python-sdk stand-in (same Go engine)."""
    real = shutil.which("helm")
    if real:
        return real
    if importlib.util.find_spec("helm_python") is None:
        return None
    wrapper = tmp_path / "bin" / "helm"
    wrapper.parent.mkdir()
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} {SHIM} \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return str(wrapper)


def _recorder(tmp_path: Path) -> tuple[str, Path]:
    """A tool that only records that it was started (it must not be for remote references)."""
    marker = tmp_path / "started"
    tool = tmp_path / "tool"
    tool.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return str(tool), marker


def test_overlay_with_a_privileged_patch_fails_on_the_patch_line() -> None:
    root = RENDERED / "kustomize"
    files = files_under(root)
    assert KUSTOMIZE is not None, "needs kubectl (its built-in kustomize) or kustomize on PATH"
    rendered = render(root, files, Tools(kustomize=(str(KUSTOMIZE[0]), KUSTOMIZE[1])))
    assert rendered.rendered == 3  # base, net and prod; remote is not rendered
    assert [(n.path, n.reason.split(":")[0]) for n in rendered.not_scanned] == [
        ("overlays/remote/kustomization.yaml", "overlay not rendered")]
    assert "https://github.com/example/manifests//base?ref=v1.0.0" in \
        rendered.not_scanned[0].reason
    result = IacCheck().run(ScanTarget(root=root, files=files))
    privileged = [(f.path, f.location.start_line, f.message) for f in result.findings
                  if f.rule_id == "GATE-K8S-001"]
    assert privileged == [("overlays/prod/debug.yaml", 11,
                           'Deployment "prod-api" runs container api privileged')]
    # a component's patch, through the overlay that lists it
    host = [(f.path, f.location.start_line, f.message) for f in result.findings
            if f.rule_id == "GATE-K8S-003"]
    assert host == [("components/hostnet/hostnet.yaml", 8,
                     'Deployment "api-net" shares host namespaces (hostNetwork)')]
    # the $patch: delete file is a patch, never a manifest: no "pod spec is missing" warning
    assert not [w for w in result.warnings if "drop-legacy.yaml" in w]
    # the base's legacy Deployment is judged where the base renders it, once
    legacy = {(f.rule_id, f.path) for f in result.findings if '"legacy"' in f.message}
    assert ("GATE-K8S-005", "base/deployment.yaml") in legacy
    assert not any('"prod-legacy"' in f.message for f in result.findings)


def test_remote_references_are_not_fetched_and_the_tool_never_starts(tmp_path: Path) -> None:
    tool, marker = _recorder(tmp_path)
    rendered = render(RENDERED, files_under(RENDERED),
                      Tools(helm=tool, kustomize=(tool, "build")))
    reasons = {n.path: n.reason for n in rendered.not_scanned}
    assert reasons["remote-chart/app/Chart.yaml"] == (
        "chart not rendered: dependency not vendored in charts/ and not fetched (redis from "
        "https://charts.bitnami.com/bitnami)")
    assert reasons["kustomize/overlays/remote/kustomization.yaml"].startswith(
        "overlay not rendered: remote or outside references are not fetched")
    # the tool ran for the local chart and overlays (and failed), never for the remote ones
    assert reasons["chart/web/Chart.yaml"].startswith("chart not rendered: tool failed")
    assert marker.exists()
    marker.unlink()
    render(RENDERED / "remote-chart", files_under(RENDERED / "remote-chart"),
           Tools(helm=tool, kustomize=(tool, "build")))
    assert not marker.exists()


def test_without_the_tools_one_entry_per_chart_and_overlay() -> None:
    files = files_under(RENDERED)
    result = render(RENDERED, files, Tools())
    assert sorted((n.path, n.reason) for n in result.not_scanned) == [
        ("chart/web/Chart.yaml", "not scanned: helm not installed (charts are judged as "
         "`helm template` renders them)"),
        ("kustomize/base/kustomization.yaml", "not scanned: kustomize not installed (neither "
         "kustomize nor kubectl on PATH)"),
        ("kustomize/components/hostnet/kustomization.yaml", "kustomize component not judged: "
         "no overlay in the repository renders it (it is judged through the overlays that "
         "list it under components)"),
        ("kustomize/overlays/net/kustomization.yaml", "not scanned: kustomize not installed "
         "(neither kustomize nor kubectl on PATH)"),
        ("kustomize/overlays/prod/kustomization.yaml", "not scanned: kustomize not installed "
         "(neither kustomize nor kubectl on PATH)"),
        ("kustomize/overlays/remote/kustomization.yaml", "overlay not rendered: remote or "
         "outside references are not fetched (https://github.com/example/manifests//base?ref="
         "v1.0.0)"),
        ("remote-chart/app/Chart.yaml", "chart not rendered: dependency not vendored in charts/ "
         "and not fetched (redis from https://charts.bitnami.com/bitnami)"),
    ]
    # templates, values and patches are owned by their chart or overlay: never parsed alone;
    # an overlay's resources, not rendered, are judged as plain manifests
    assert {"chart/web/templates/deployment.yaml", "chart/web/templates/_helpers.tpl",
            "chart/web/values.yaml", "kustomize/overlays/prod/drop-legacy.yaml",
            "kustomize/components/hostnet/hostnet.yaml"} <= result.owned
    assert "kustomize/base/deployment.yaml" not in result.owned


def test_chart_with_a_privileged_container_fails_on_the_template_line(tmp_path: Path) -> None:
    helm = _helm(tmp_path)
    assert helm is not None, "needs helm on PATH or helm-python-sdk: pip install -e '.[test]'"
    root = RENDERED / "chart"
    rendered = render(root, files_under(root), Tools(helm=helm))
    assert rendered.not_scanned == () and rendered.rendered == 1
    from gate.checks.iac.engine import evaluate_units
    from gate.checks.iac.registry import RULES
    findings = evaluate_units(rendered.units, RULES).findings
    privileged = [(f.path, f.location.start_line, f.message) for f in findings
                  if f.rule_id == "GATE-K8S-001"]
    assert privileged == [("web/templates/deployment.yaml", 13,
                           'Deployment "gate-render-web" runs container web privileged')]
    assert {r.message for f in findings for r in f.related} == {"rendered by helm template web"}


def test_a_render_that_hangs_is_stopped_and_not_scanned(tmp_path: Path) -> None:
    tool = tmp_path / "slow"
    tool.write_text("#!/bin/sh\nsleep 30\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    root = RENDERED / "chart"
    result = render(root, files_under(root), Tools(helm=str(tool)),
                    RenderLimits(seconds=0.5))
    assert [(n.path, n.reason) for n in result.not_scanned] == [
        ("web/Chart.yaml", "chart not rendered: rendering took longer than 0.5 s")]
    assert result.units == ()


def test_values_files_chosen_by_policy_are_passed_to_helm(tmp_path: Path) -> None:
    helm = _helm(tmp_path)
    assert helm is not None, "needs helm on PATH or helm-python-sdk: pip install -e '.[test]'"
    root = tmp_path / "repo"
    shutil.copytree(RENDERED / "chart", root)
    (root / "prod.yaml").write_text("debug: false\n")
    rendered = render(root, files_under(root), Tools(helm=helm), values={"web": ["prod.yaml"]})
    from gate.checks.iac.engine import evaluate_units
    from gate.checks.iac.registry import RULES
    findings = evaluate_units(rendered.units, RULES).findings
    assert rendered.not_scanned == ()
    assert rendered.rendered == 1
    assert [f for f in findings if f.rule_id == "GATE-K8S-001"] == []


def test_hostile_names_and_links_never_reach_the_tool_as_options(tmp_path: Path) -> None:
    tool, marker = _recorder(tmp_path)
    args = tmp_path / "args"
    Path(tool).write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {args}\nexit 1\n")
    repo = tmp_path / "repo"
    chart = repo / "--post-renderer=evil"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 0.1.0\n")
    render(repo, files_under(repo), Tools(helm=tool))
    assert args.read_text().splitlines() == ["template", "gate-render", "./--post-renderer=evil"]
    (chart / "templates" / "leak.yaml").symlink_to("/etc/passwd")
    args.unlink()
    result = render(repo, files_under(repo), Tools(helm=tool))
    assert [n.reason for n in result.not_scanned] == [
        "chart not rendered: --post-renderer=evil/templates/leak.yaml links out of the "
        "repository"]
    assert not args.exists() and not marker.exists()

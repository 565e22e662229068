"""Helm charts and Kustomize overlays, judged as the cluster would receive them.

A chart (a directory with ``Chart.yaml``) is rendered with ``helm template``, an
overlay (a directory with ``kustomization.yaml``) with ``kustomize build`` or
``kubectl kustomize``, when the tool is on ``PATH``; the rendered manifests are
parsed like any other and every finding points back to the template or patch
line that wrote the setting (:attr:`Resource.origins`). The files of a chart or
an overlay are never parsed on their own: a template is not YAML, and a patch is
not a whole manifest.

The repository is hostile: nothing is fetched (a remote base, a chart dependency
that is not vendored, a ``helmCharts`` entry are reported as not scanned before
any tool runs, and the tools run with proxies pointing nowhere and git limited
to local files), each run has a time and an address-space limit and dies with
its parent, and its output is bounded. Without the tool, each chart or overlay
is one "not scanned" entry naming the missing tool.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess  # nosec B404: runs helm/kubectl by absolute path, argument lists only
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from gate.checks.iac.interface import AttrPath, ParseError, Resource, Unit
from gate.checks.iac.names import KUSTOMIZATION_NAMES
from gate.checks.iac.parsers.kubernetes import parse_kubernetes
from gate.checks.iac.parsers.yamlnodes import Document, load_documents
from gate.checks.interface import NotScanned
from gate.findings import Location, RelatedLocation
from gate.limits import kill_with_parent

__all__ = ["KUSTOMIZATION_NAMES", "RenderLimits", "Rendered", "Tools", "chart_dirs", "find_tools",
           "read_dirs", "render"]

_MAX_OUTPUT = 20 * 1024 * 1024
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)"
                     r"|\?ref=|\.git(?:$|/|//)", re.IGNORECASE)
_SOURCE = re.compile(r"^# Source: (.+)$")


@dataclass(frozen=True)
class Tools:
    """The rendering tools found on ``PATH`` (absolute paths), or None."""

    helm: str | None = None
    kustomize: tuple[str, ...] | None = None
    """The command prefix: ``(kustomize, "build")`` or ``(kubectl, "kustomize")``."""


def find_tools() -> Tools:
    """Look the tools up on ``PATH``."""
    helm = shutil.which("helm")
    kustomize = shutil.which("kustomize")
    kubectl = shutil.which("kubectl")
    command = (kustomize, "build") if kustomize else ((kubectl, "kustomize") if kubectl else None)
    return Tools(helm=helm, kustomize=command)


@dataclass(frozen=True)
class RenderLimits:
    """Bounds on one tool run."""

    seconds: float = 60.0
    memory_mb: int = 2048
    """Address space (``RLIMIT_AS``), not resident memory: a Go program (helm, kustomize)
    reserves address space well beyond what it uses, and under 1 GiB the Helm engine
    failed to start one run in twelve (measured) on a chart it renders in 30 MB."""


@dataclass(frozen=True)
class Rendered:
    """Units of rendered manifests, what could not be rendered, and the files judged this way."""

    units: tuple[Unit, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()
    owned: frozenset[str] = frozenset()
    """Files judged through a render (or reported with it): not to be parsed on their own."""
    rendered: int = 0
    """How many charts and overlays were rendered."""
    warnings: tuple[str, ...] = field(default=())
    failed: int = 0
    """How many tool runs failed (an error, a time or memory limit, output over the bound)."""


class RenderError(Exception):
    """A chart or overlay that could not be rendered; the message says why in one line."""


def _preexec(memory_mb: int) -> Callable[[], None]:
    def limit() -> None:
        with contextlib.suppress(ValueError, OSError):
            soft = memory_mb * 1024 * 1024
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        kill_with_parent()
    return limit


def _run(command: Sequence[str], cwd: Path, limits: RenderLimits) -> str:
    """Run a rendering tool offline and bounded; its stdout, or :class:`RenderError`."""
    with tempfile.TemporaryDirectory(prefix="gate-render-") as home:
        dead = "http://127.0.0.1:9"  # nothing listens there: any fetch fails at once
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
               "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
               "https_proxy": dead, "NO_PROXY": "", "no_proxy": "",
               "GIT_ALLOW_PROTOCOL": "file", "GIT_TERMINAL_PROMPT": "0",
               "HELM_CACHE_HOME": f"{home}/cache", "HELM_CONFIG_HOME": f"{home}/config",
               "HELM_DATA_HOME": f"{home}/data", "KUBECONFIG": f"{home}/none"}
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                proc = subprocess.Popen(  # nosec B603: fixed tool path and argument list
                    list(command), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                    stderr=err, start_new_session=True, preexec_fn=_preexec(limits.memory_mb))
            except OSError as exc:
                raise RenderError(f"cannot run {PurePosixPath(command[0]).name}: {exc}") from None
            try:
                proc.wait(timeout=limits.seconds)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the tool and whatever it started
                proc.wait()
                raise RenderError(f"rendering took longer than {limits.seconds:g} s") from None
            finally:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
            if out.tell() > _MAX_OUTPUT:
                raise RenderError(f"rendered output over {_MAX_OUTPUT} bytes")
            err.seek(0)
            message = err.read(4096).decode("utf-8", "replace").strip().splitlines()
            if proc.returncode != 0:
                first = next((m for m in message if m.strip()), f"exit {proc.returncode}")
                first = re.sub(r"^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] ", "", first)  # klog prefix
                raise RenderError(f"{PurePosixPath(command[0]).name} failed: {first[:300]}")
            out.seek(0)
            return out.read().decode("utf-8", "replace")


def _argument(path: str) -> str:
    """A repository path as a tool argument that can never be read as an option
    (a directory named ``--post-renderer=...`` would otherwise run a program)."""
    return path if path == "." else f"./{path}"


def _escapes(root: Path, directory: str) -> str | None:
    """A symbolic link under ``directory`` that points out of the repository, if any: the
    tools follow links, and a render must not read files outside the tree."""
    base = root.resolve()
    for current, dirs, names in os.walk(root / directory):
        for name in (*dirs, *names):
            full = Path(current) / name
            if full.is_symlink():
                target = full.resolve()
                if target != base and base not in target.parents:
                    return str(full.relative_to(root))
    return None


def _yaml(text: str) -> list[Document]:
    try:
        return list(load_documents(text))
    except ParseError:
        return []


def _read(root: Path, path: str) -> str:
    try:
        return (root / path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return ""


# --- where a rendered attribute was written ------------------------------------------------

def _named(value: Any, path: AttrPath) -> tuple[str | int, ...]:
    """``path`` with list indexes replaced by the item's ``name`` where it has one (a container
    is the same container in a base and in a patch, whatever its index)."""
    out: list[str | int] = []
    node = value
    for step in path:
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            item = node[step]
            name = item.get("name") if isinstance(item, Mapping) else None
            out.append(f"[{name}]" if isinstance(name, str) else step)
            node = item
        elif isinstance(node, Mapping) and step in node:
            out.append(step)
            node = node[step]
        else:
            out.append(step)
            node = None
    return tuple(out)


@dataclass(frozen=True)
class _Source:
    """A document of a source file that may have written part of a rendered object."""

    path: str
    doc: Document
    patch: bool
    named: Mapping[tuple[str | int, ...], int]

    @classmethod
    def of(cls, path: str, doc: Document, patch: bool) -> _Source:
        named = {_named(doc.value, p): line for p, line in doc.lines.items()}
        return cls(path, doc, patch, named)


def _same_object(source: Mapping[str, Any], kind: str, name: str) -> bool:
    if source.get("kind") != kind:
        return False
    meta = source.get("metadata")
    original = meta.get("name") if isinstance(meta, Mapping) else None
    return isinstance(original, str) and bool(original) and original in name


def _origins(res: Resource, sources: Sequence[_Source]) -> dict[AttrPath, tuple[str, int]]:
    """For every attribute of a rendered object: the source line that wrote it (patches first)."""
    candidates = [s for s in sources if isinstance(s.doc.value, Mapping)
                  and _same_object(s.doc.value, res.type, res.name)]
    patches_first = sorted(candidates, key=lambda s: not s.patch)
    bases_first = sorted(candidates, key=lambda s: s.patch)
    out: dict[AttrPath, tuple[str, int]] = {}
    for path in res.lines:
        named = _named(res.properties, path)
        value = _value(res.properties, path)
        # a setting is where it was last written (a patch); a container or a pod spec, whose
        # missing settings rules report, is where it was defined (the base)
        order = bases_first if isinstance(value, Mapping | list) else patches_first
        for source in order:
            line = source.named.get(named)
            if line is not None:
                out[path] = (source.path, line)
                break
    if bases_first:
        out[()] = (bases_first[0].path, bases_first[0].doc.start_line)
    return out


def _value(value: Any, path: AttrPath) -> Any:
    for step in path:
        if isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value):
            value = value[step]
            continue
        if not (isinstance(value, Mapping) and step in value):
            return None
        value = value[step]
    return value


# --- Kustomize -------------------------------------------------------------------------------

def _entries(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item
            elif isinstance(item, Mapping) and isinstance(item.get("path"), str):
                yield item["path"]


def _kustomize_files(root: Path, directory: str, seen: set[str]) -> tuple[list[tuple[str, bool]],
                                                                          list[str]]:
    """(file, is_patch) of an overlay and its local bases, and the remote references found."""
    files: list[tuple[str, bool]] = []
    remote: list[str] = []
    if directory in seen:
        return files, remote
    seen.add(directory)
    name = next((n for n in KUSTOMIZATION_NAMES if (root / directory / n).is_file()), None)
    if name is None:
        return files, remote
    path = str(PurePosixPath(directory) / name) if directory != "." else name
    files.append((path, False))
    docs = _yaml(_read(root, path))
    spec = docs[0].value if docs and isinstance(docs[0].value, Mapping) else {}
    if spec.get("helmCharts") or spec.get("helmChartInflationGenerator"):
        remote.append("helmCharts (needs helm and usually a chart repository)")
    for key in ("resources", "bases", "components"):
        for entry in _entries(spec.get(key)):
            if _REMOTE.search(entry):
                remote.append(entry)
                continue
            target = os.path.normpath(str(PurePosixPath(directory) / entry))
            if target.startswith(".."):
                remote.append(f"{entry} (outside the repository)")
            elif (root / target).is_dir():
                sub, far = _kustomize_files(root, target, seen)
                files += sub
                remote += far
            else:
                files.append((target, False))
    for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
        for entry in _entries(spec.get(key)):
            if "\n" in entry or ":" in entry.split("/")[0]:
                continue  # an inline patch, not a file
            files.append((os.path.normpath(str(PurePosixPath(directory) / entry)), True))
    return files, remote


def _kustomizations(files: Sequence[str]) -> list[str]:
    return sorted({str(PurePosixPath(f).parent) for f in files
                   if PurePosixPath(f).name in KUSTOMIZATION_NAMES})


# --- Helm ------------------------------------------------------------------------------------

def chart_dirs(files: Sequence[str]) -> list[str]:
    """The charts among ``files`` (directories with ``Chart.yaml``; subcharts go with their
    parent)."""
    return _charts(files)


def _charts(files: Sequence[str]) -> list[str]:
    dirs = {str(PurePosixPath(f).parent) for f in files if PurePosixPath(f).name == "Chart.yaml"}
    # a subchart (charts/x inside another chart) is rendered with its parent
    return sorted(d for d in dirs if not any(d != o and d.startswith(o + "/") for o in dirs))


def _missing_dependencies(root: Path, chart: str) -> list[str]:
    docs = _yaml(_read(root, f"{chart}/Chart.yaml"))
    meta = docs[0].value if docs and isinstance(docs[0].value, Mapping) else {}
    missing = []
    for dep in meta.get("dependencies") or []:
        if not isinstance(dep, Mapping) or not isinstance(dep.get("name"), str):
            continue
        name, repository = dep["name"], str(dep.get("repository") or "")
        vendored = (root / chart / "charts" / name).is_dir() or any(
            (root / chart / "charts").glob(f"{name}-*.tgz"))
        if vendored:
            continue
        if repository.startswith("file://"):
            local = os.path.normpath(str(PurePosixPath(chart) / repository[len("file://"):]))
            if not local.startswith("..") and (root / local / "Chart.yaml").is_file():
                continue
        missing.append(f"{name} from {repository or 'no repository'}")
    return missing


def _split_sources(text: str) -> Iterator[tuple[str, str]]:
    """(template path as helm names it, rendered text) per ``# Source:`` block."""
    current, lines = "", list[str]()
    for line in text.splitlines():
        match = _SOURCE.match(line)
        if match:
            if current:
                yield current, "\n".join(lines)
            current, lines = match.group(1).strip(), []
        elif line.strip() != "---":
            lines.append(line)
    if current:
        yield current, "\n".join(lines)


def _template_origins(res: Resource, template: str, path: str) -> dict[AttrPath, tuple[str, int]]:
    """For each attribute: the template line of its key, searched in order along the path."""
    lines = template.splitlines()
    out: dict[AttrPath, tuple[str, int]] = {}
    kind_line = next((i + 1 for i, text in enumerate(lines)
                      if re.match(r"\s*kind\s*:", text)), 1)
    out[()] = (path, kind_line)
    for attr in res.lines:
        at = 0
        found = kind_line
        for step in attr:
            if not isinstance(step, str):
                continue
            key = re.compile(rf"^\s*(?:-\s+)?[\"']?{re.escape(step)}[\"']?\s*:")
            hit = next((i for i in range(at, len(lines)) if key.match(lines[i])), None)
            if hit is None:
                break
            at, found = hit + 1, hit + 1
        out[attr] = (path, found)
    return out


def _chart_path(chart: str, source: str, chart_name: str) -> str:
    """``mychart/templates/x.yaml`` (helm's name) -> the repository path of the template."""
    parts = PurePosixPath(source).parts
    rest = PurePosixPath(*parts[1:]) if len(parts) > 1 and parts[0] == chart_name \
        else PurePosixPath(source)
    return str(PurePosixPath(chart) / rest)


# --- the entry point -------------------------------------------------------------------------

def render(root: Path, files: Sequence[str], tools: Tools | None = None,
           limits: RenderLimits | None = None,
           values: Mapping[str, Sequence[str]] | None = None) -> Rendered:
    """Render every chart and overlay among ``files`` (repo-relative paths)."""
    tools = tools if tools is not None else find_tools()
    limits = limits or RenderLimits()
    units: list[Unit] = []
    skipped: list[NotScanned] = []
    owned: set[str] = set()
    count = failed = 0
    charts = _charts(files)
    for chart in charts:
        prefix = "" if chart == "." else chart + "/"
        owned.update(f for f in files if f.startswith(prefix) or chart == ".")
        entry = f"{prefix}Chart.yaml"
        missing = _missing_dependencies(root, chart)
        if missing:
            skipped.append(NotScanned(entry, "chart not rendered: dependency not vendored in "
                                      f"charts/ and not fetched ({', '.join(missing)})"))
            continue
        if tools.helm is None:
            skipped.append(NotScanned(entry, "not scanned: helm not installed (charts are "
                                      "judged as `helm template` renders them)"))
            continue
        link = _escapes(root, chart)
        if link:
            skipped.append(NotScanned(entry, f"chart not rendered: {link} links out of the "
                                      "repository"))
            continue
        extra = [arg for v in (values or {}).get(chart, ()) for arg in ("--values", _argument(v))]
        try:
            text = _run([tools.helm, "template", "gate-render", _argument(chart), *extra], root,
                        limits)
            count += 1
            units += _helm_units(root, chart, text)
        except RenderError as exc:
            failed += 1
            skipped.append(NotScanned(entry, f"chart not rendered: {exc}"))
    in_chart = tuple(charts)
    components: dict[str, str] = {}
    used: set[str] = set()
    for overlay in _kustomizations(files):
        if any(overlay == c or overlay.startswith(c + "/") for c in in_chart if c != "."):
            continue
        members, remote = _kustomize_files(root, overlay, set())
        if members and _is_component(root, members[0][0]):
            # a Component is a set of patches for the overlays that include it, not a build
            components[overlay] = members[0][0]
            owned.update(p for p, _patch in members)
            continue
        # patches are never whole manifests; the resources an overlay lists are judged through
        # the render, or on their own when it cannot run (no tool, a remote base)
        owned.update(p for p, patch in members if patch or
                     PurePosixPath(p).name in KUSTOMIZATION_NAMES)
        entry = members[0][0] if members else overlay
        if remote:
            skipped.append(NotScanned(entry, "overlay not rendered: remote or outside "
                                      f"references are not fetched ({', '.join(remote[:3])})"))
            continue
        if tools.kustomize is None:
            skipped.append(NotScanned(entry, "not scanned: kustomize not installed (neither "
                                      "kustomize nor kubectl on PATH)"))
            continue
        link = next((found for found in (_escapes(root, d) for d in sorted(
            {str(PurePosixPath(p).parent) for p, _patch in members})) if found), None)
        if link:
            skipped.append(NotScanned(entry, f"overlay not rendered: {link} links out of the "
                                      "repository"))
            continue
        try:
            text = _run([*tools.kustomize, _argument(overlay)], root, limits)
            count += 1
        except RenderError as exc:
            failed += 1
            skipped.append(NotScanned(entry, f"overlay not rendered: {exc}"))
            continue
        owned.update(p for p, _patch in members)
        used.update(p for p, _patch in members)
        units.append(_kustomize_unit(root, entry, text, members))
    for entry in sorted(components.values()):
        if entry not in used:
            skipped.append(NotScanned(entry, "kustomize component not judged: no overlay in "
                                      "the repository renders it (it is judged through the "
                                      "overlays that list it under components)"))
    return Rendered(tuple(units), tuple(skipped), frozenset(owned), count, failed=failed)


def _local_dependencies(root: Path, chart: str) -> list[str]:
    """The chart directories a chart's ``file://`` dependencies name (helm reads them)."""
    docs = _yaml(_read(root, f"{chart}/Chart.yaml" if chart != "." else "Chart.yaml"))
    meta = docs[0].value if docs and isinstance(docs[0].value, Mapping) else {}
    found = []
    for dep in meta.get("dependencies") or []:
        repository = str(dep.get("repository") or "") if isinstance(dep, Mapping) else ""
        if repository.startswith("file://"):
            found.append(os.path.normpath(str(PurePosixPath(chart) / repository[len("file://"):])))
    return found


def read_dirs(root: Path, files: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every directory :func:`render` may read a file of, each to be counted whole: the charts
    and the charts their ``file://`` dependencies name, and the overlays with every base and
    component they list (``helm template`` reads any file of its chart through
    ``.Files.Get``; ``kustomize`` the files its generators name). A directory outside the
    tree is named as it is (``../x``): its render is refused, and what it holds is not read.
    Also every file an overlay lists (wherever it is)."""
    dirs: set[str] = set()
    listed: set[str] = set()
    pending = list(_charts(files))
    while pending:
        chart = pending.pop()
        if chart in dirs:
            continue
        dirs.add(chart)
        if not chart.startswith(".."):
            pending += _local_dependencies(root, chart)
    for overlay in _kustomizations(files):
        seen: set[str] = set()
        members, _remote = _kustomize_files(root, overlay, seen)
        dirs |= seen
        listed.update(path for path, _patch in members)
    return tuple(sorted(dirs)), tuple(sorted(listed))


def _is_component(root: Path, path: str) -> bool:
    docs = _yaml(_read(root, path))
    spec = docs[0].value if docs else None
    return isinstance(spec, Mapping) and spec.get("kind") == "Component"


def _helm_units(root: Path, chart: str, text: str) -> list[Unit]:
    docs = _yaml(_read(root, f"{chart}/Chart.yaml" if chart != "." else "Chart.yaml"))
    meta = docs[0].value if docs and isinstance(docs[0].value, Mapping) else {}
    chart_name = str(meta.get("name") or PurePosixPath(chart).name)
    entry = f"{chart}/Chart.yaml" if chart != "." else "Chart.yaml"
    units = []
    for source, rendered in _split_sources(text):
        path = _chart_path(chart, source, chart_name)
        try:
            unit = parse_kubernetes(path, rendered)
        except ParseError:
            continue
        template = _read(root, path)
        via = (RelatedLocation(Location(entry, 1, 1), f"rendered by helm template {chart}"),)
        resources = tuple(replace(r, origins=_template_origins(r, template, path), via=via)
                          for r in unit.resources)
        units.append(replace(unit, resources=resources))
    return units


def _kustomize_unit(root: Path, entry: str, text: str,
                    members: Sequence[tuple[str, bool]]) -> Unit:
    unit = parse_kubernetes(entry, text)
    sources = [_Source.of(path, doc, patch) for path, patch in members
               if PurePosixPath(path).name not in KUSTOMIZATION_NAMES
               for doc in _yaml(_read(root, path))]
    via = (RelatedLocation(Location(entry, 1, 1), "rendered by kustomize"),)
    resources = tuple(replace(r, origins=_origins(r, sources), via=via) for r in unit.resources)
    return replace(unit, resources=resources)

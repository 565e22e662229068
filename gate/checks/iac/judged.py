"""Each part of the tree judged on its own, and remembered under the content it was judged from.

A warm run must cost what changed. The check's result is the concatenation, in the
tree's order, of independent parts: each single-file unit (a CloudFormation template, a
Kubernetes manifest, a Dockerfile, a Compose file), the Terraform project (its modules
reference each other, so it is one part), and the rendered charts and overlays. A part
depends on nothing but its input: rules see one unit at a time, a resource meets the rules
of its own framework only (:func:`gate.checks.iac.rulebook.rules_for` loads a framework's
rules whatever else is loaded), and its coverage depends on those same rules
(:func:`gate.checks.iac.coverage.needs`). So a part's verdict (findings, warnings,
not-scanned entries, coverage) is remembered in the result cache under a key made of the
exact text of every file it was computed from, its path, the check's own code, the
parsing libraries' versions and the day (the deprecation rules grade a deadline by how
close it is); a part whose key is found is not parsed or evaluated again.
What crosses parts (one finding per line for ``count``/``for_each`` copies, coverage per
file) is applied when the parts are combined, exactly as one evaluation applies it.

Rendered charts and overlays are judged on every run (``helm template`` reads any file of
its chart, ``kustomize`` its generators' files): they are never remembered. A part whose
evaluation had an error (a rule crashed) is not remembered either.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import importlib.util
import os
import re
import stat
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from gate.cache import facts as cache_facts
from gate.cache import open_cache
from gate.cache.codec import CodecError, decode_file_result, encode_file_result
from gate.cache.facts import FileFacts, stat_key
from gate.cache.interface import ResultCache
from gate.cache.keys import key_for
from gate.checks.iac.frameworks import Framework
from gate.checks.iac.names import DEFAULT_MAX_BYTES
from gate.checks.iac.need import Need
from gate.checks.interface import NotScanned, Snapshot
from gate.findings import Finding

if TYPE_CHECKING:  # the loader and the parsers are imported when a file is to be read
    from gate.checks.iac.interface import Unit
    from gate.checks.iac.loader import Source

__all__ = ["Judged", "Loaded", "Memo", "combine", "judge_render", "judge_units", "load_judged",
           "load_tree"]

_VERSION = 1
_OWN = ("findings.py", "yamlsafe.py", "cache/codec.py", "checks/textfiles.py",
        "checks/interface.py")
"""Gate modules outside the package that shape a part's verdict (with every module of it)."""
_LIBRARIES = {"yaml": ("__init__.py",), "lark": ("__init__.py",),
              "hcl2": ("__init__.py", "version.py")}
"""The parsing libraries, and the files of each that name its version (in the key; found
without importing them)."""


@dataclass(frozen=True)
class Judged:
    """One part's verdict: what one evaluation of its units returned, and their coverage."""

    findings: tuple[Finding, ...] = ()
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    not_scanned: tuple[NotScanned, ...] = ()
    scanned: int = 0
    """Files parsed for it."""
    needs: tuple[Need, ...] = ()
    """Its resources that need a rule (:func:`gate.checks.iac.coverage.tally` counts them)."""
    owned: tuple[str, ...] = ()
    """Rendered charts and overlays: the files judged through the render."""
    rendered: int = 0
    """Rendered charts and overlays: how many units the renders produced."""
    unstable: bool = False
    """Not decided by its input alone (a rendering tool failed: a time limit, say): never
    remembered."""


def judge_units(units: Sequence[Unit], not_scanned: tuple[NotScanned, ...] = (),
                scanned: int = 0) -> Judged:
    """Evaluate ``units`` with the rules of their frameworks (each unit's, and each
    resource's: a Terraform module's ``kubernetes_*`` resources meet the Kubernetes rules)."""
    from gate.checks.iac.coverage import needs
    from gate.checks.iac.engine import evaluate_units
    from gate.checks.iac.rulebook import rules_for

    if not units:
        return Judged(not_scanned=not_scanned, scanned=scanned)
    rules = rules_for({unit.framework for unit in units}
                      | {res.framework for unit in units for res in unit.resources})
    result = evaluate_units(units, rules)
    return Judged(result.findings, result.warnings, result.errors, not_scanned, scanned,
                  needs(units, rules))


_INDEX = re.compile(r"\[[^\]]*\]")


def _copy_key(finding: Finding) -> tuple[object, ...]:
    """:func:`gate.checks.iac.engine._copy_key`, from the finding alone (its resource is in
    ``extra``): the same finding of two ``count`` copies is one finding."""
    address = dict(finding.extra).get("resource", "")
    return (finding.rule_id, finding.location, finding.message, _INDEX.sub("", address),
            finding.related)


def combine(parts: Iterable[Judged]) -> Judged:
    """The parts in order, as one evaluation of all their units returns them."""
    findings: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    warnings: list[str] = []
    errors: list[str] = []
    skipped: list[NotScanned] = []
    found: list[Need] = []
    scanned = 0
    for part in parts:
        for finding in part.findings:
            key = _copy_key(finding)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
        warnings += part.warnings
        errors += part.errors
        skipped += part.not_scanned
        found += part.needs
        scanned += part.scanned
    return Judged(tuple(findings), tuple(warnings), tuple(errors), tuple(skipped), scanned,
                  tuple(found))


# --- remembering ----------------------------------------------------------------------------

def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _sources(directory: str) -> list[str]:
    """The ``.py`` files under ``directory``, recursively (``os.scandir``: cheaper than a glob)."""
    found = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                found += _sources(entry.path)
            elif entry.name.endswith(".py"):
                found.append(entry.path)
    return found


@functools.cache
def _code_paths() -> tuple[str, ...]:
    """The check's own source (every module of the package), the gate modules it uses and
    the files that name the parsing libraries' versions (found without importing them)."""
    package = Path(__file__).parent
    gate_dir = package.parent.parent
    paths = sorted(_sources(os.fspath(package))) + [os.fspath(gate_dir / own) for own in _OWN]
    for name, parts in _LIBRARIES.items():
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            paths += [os.fspath(Path(spec.origin).parent / part) for part in parts]
        else:
            paths.append(f"{name}: not installed")
    return tuple(paths)


@functools.cache
def _code() -> str:
    """The digest of the files of :func:`_code_paths` (each path, then its bytes)."""
    return _code_of(_code_paths())


def _remembered_code(cache: ResultCache) -> str:
    """:func:`_code`, remembered in ``cache`` under the stat of every file it reads (device,
    inode, mode, size, modification and change times: :func:`gate.cache.facts.stat_key`),
    all taken before any is read. When a file changed less than
    :data:`~gate.cache.facts.RACY_SECONDS` before (git's racily-clean rule), nothing is
    remembered. A warm run stats the ~80 files instead of reading and hashing them."""
    paths = _code_paths()
    horizon = time.time_ns() - cache_facts.RACY_SECONDS * 1_000_000_000
    states: list[list[str]] = []
    settled = True
    for path in paths:
        try:
            st = os.stat(path)  # noqa: PTH116 - a stat per source file: kept lean
        except OSError:
            states.append([path, "-"])
            continue
        states.append([path, stat_key(st)])
        settled = settled and max(st.st_mtime_ns, st.st_ctime_ns) < horizon
    key = key_for("iac-code", {"version": _VERSION, "files": states})
    found = cache.get(key)
    if isinstance(found, dict) and found.get("version") == _VERSION \
            and isinstance(found.get("code"), str):
        return str(found["code"])
    code = _code_of(paths)
    if settled:
        cache.put(key, {"version": _VERSION, "code": code})
    return code


def _code_of(paths: Iterable[str]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.encode("utf-8", "surrogateescape") + b"\0")
        with contextlib.suppress(OSError):
            h.update(Path(path).read_bytes())
    return h.hexdigest()


def _encode(part: Judged) -> dict[str, Any]:
    return {"version": _VERSION, "result": encode_file_result(part.findings, part.not_scanned),
            "warnings": list(part.warnings), "scanned": part.scanned,
            "needs": [[n.path, n.ref_key, n.line, n.type, n.covered] for n in part.needs],
            "owned": list(part.owned), "rendered": part.rendered}


def _decode(value: Any) -> Judged | None:
    """The remembered part, or ``None`` when the entry is not exactly as written."""
    if not isinstance(value, dict) or value.get("version") != _VERSION:
        return None
    try:
        findings, not_scanned = decode_file_result(value["result"])
        warnings = value["warnings"]
        scanned = value["scanned"]
        rows = value["needs"]
        owned = value["owned"]
        rendered = value["rendered"]
        if not (isinstance(warnings, list) and all(type(w) is str for w in warnings)
                and type(scanned) is int and isinstance(rows, list) and type(rendered) is int
                and isinstance(owned, list) and all(type(o) is str for o in owned)):
            return None
        found = []
        for row in rows:
            if not (type(row) is list and len(row) == 5 and type(row[0]) is str
                    and type(row[1]) is str and type(row[2]) is int and type(row[3]) is str
                    and type(row[4]) is bool):
                return None
            found.append(Need(row[0], row[1], row[2], row[3], row[4]))
    except (CodecError, KeyError, TypeError):
        return None
    return Judged(findings, tuple(warnings), (), not_scanned, scanned, tuple(found),
                  tuple(owned), rendered)


def _lasting(part: Judged) -> bool:
    """Whether ``part`` is decided by its input alone: no rule crashed, no rendering tool
    failed, no stack limit was hit (that depends on the caller's depth)."""
    return not (part.errors or part.unstable
                or any("recursion" in n.reason for n in part.not_scanned))


class Memo:
    """Parts' verdicts remembered in the result cache under their input; without a cache
    directory every part is judged."""

    def __init__(self, cache_dir: Path | None) -> None:
        self._cache = open_cache(cache_dir) if cache_dir is not None else None
        self._code: str | None = None
        self.hits = 0
        self.judged = 0
        """Parts judged in this run (not found in the cache)."""

    def judge(self, material: Mapping[str, Any], compute: Callable[[], Judged],
              keep: Callable[[], bool] | None = None) -> Judged:
        """The verdict remembered for ``material`` (everything the part depends on besides
        the code), else ``compute()``, remembered unless it has errors (or ``keep``, asked
        after ``compute``, says not to)."""
        if self._cache is None:
            self.judged += 1
            return compute()
        today = datetime.date.today()  # deprecation rules grade deadlines by the day
        key = key_for("iac-part", {"version": _VERSION, "code": self.code(),
                                   "today": today.isoformat(), **material})
        found = _decode(self._cache.get(key))
        if found is not None:
            self.hits += 1
            return found
        self.judged += 1
        part = compute()
        if _lasting(part) and datetime.date.today() == today and (keep is None or keep()):
            self._cache.put(key, _encode(part))
        return part

    def code(self) -> str:
        """The check's code identity (:func:`_code`), remembered under its files' stats when
        there is a cache (:func:`_remembered_code`)."""
        if self._code is None:
            self._code = _code() if self._cache is None else _remembered_code(self._cache)
        return self._code

    def terraform_parser(self) -> Callable[[str, str], Any]:
        """How the Terraform project parses a file: remembered per file under its text
        (:mod:`gate.checks.iac.tf_files`), so an edit re-parses that file alone."""
        from gate.checks.iac.parsers.terraform_files import parse_file

        if self._cache is None:
            return parse_file
        from gate.checks.iac.tf_files import remembering_parser

        return remembering_parser(self._cache, self.code())

    def close(self) -> None:
        """Keep the cache within its bound after this run's writes."""
        if self._cache is not None and self._cache.stats.writes:
            self._cache.prune()


# --- the loader's parts -----------------------------------------------------------------------

@dataclass(frozen=True)
class Loaded:
    """The parts of the files read, in order (the Terraform project last), and the paths read."""

    parts: tuple[Judged, ...]
    read: tuple[str, ...]
    lasting: bool = True
    """Whether every part is decided by the files' bytes alone (:func:`_lasting`; a file the
    system would not let be read is not)."""


def _judge_file(source: Source) -> Judged:
    from gate.checks.iac.interface import ParseError
    from gate.checks.iac.loader import parse_file

    try:
        unit = parse_file(source)
    except ParseError as exc:
        return Judged(not_scanned=(NotScanned(source.path, exc.reason, exc.line),), scanned=1)
    return judge_units((unit,), scanned=1)


def _judge_project(modules: Mapping[str, list[tuple[str, str]]],
                   tfvars: Mapping[str, list[tuple[str, str]]], memo: Memo) -> Judged:
    from gate.checks.iac.parsers.terraform import parse_project

    project = parse_project(modules, tfvars, memo.terraform_parser())
    return judge_units(project.units,
                       tuple(NotScanned(p, e.reason, e.line)
                             for p, e in sorted(project.errors.items())),
                       sum(len(module_files) for module_files in modules.values()))


def _texts(groups: Mapping[str, list[tuple[str, str]]]) -> list[list[Any]]:
    """A project's files as key material, in the order the parser is given them."""
    return [[directory, [[path, _digest(text)] for path, text in files]]
            for directory, files in groups.items()]


def load_judged(root: Path, files: Sequence[str], frameworks: Collection[Framework],
                memo: Memo, max_bytes: int = DEFAULT_MAX_BYTES,
                facts: FileFacts | None = None) -> Loaded:
    """Judge every file of ``files`` that belongs to one of ``frameworks``: each single-file
    unit apart, the Terraform project as one part, each remembered by ``memo`` under the
    text it was judged from (:func:`gate.checks.iac.loader.load_units` then one evaluation,
    part by part)."""
    from gate.checks.iac.loader import CANNOT_READ, read_sources

    parts: list[Judged] = []
    read: list[str] = []
    lasting = True
    modules: dict[str, list[tuple[str, str]]] = defaultdict(list)
    tfvars: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source in read_sources(root, files, frameworks, max_bytes, facts, read):
        if isinstance(source, NotScanned):
            parts.append(Judged(not_scanned=(source,)))
            lasting = lasting and not source.reason.startswith(CANNOT_READ)
            continue
        if source.kind == "tfvars" or source.kind is Framework.TERRAFORM:
            group = tfvars if source.kind == "tfvars" else modules
            group[str(PurePosixPath(source.path).parent)].append((source.path, source.text))
            continue
        parts.append(memo.judge(
            {"part": "file", "path": source.path, "kind": source.kind.value
             if isinstance(source.kind, Framework) else source.kind,
             "text": _digest(source.text)},
            functools.partial(_judge_file, source)))
    if modules or tfvars:
        parts.append(memo.judge(
            {"part": "terraform", "modules": _texts(modules), "tfvars": _texts(tfvars)},
            functools.partial(_judge_project, modules, tfvars, memo)))
    return Loaded(tuple(parts), tuple(read), lasting and all(_lasting(p) for p in parts))


def _unchanged(root: Path, files: Sequence[str], tree: Snapshot) -> bool:
    """Whether each of ``files`` is still a regular file with the stat ``tree`` took before
    its identity (size, modification time, inode): then what was read of it is the content
    that identity names (the check :mod:`gate.checks.engine.cached_scan` makes too)."""
    base = os.fspath(root)
    for rel in files:
        try:
            st = os.lstat(os.path.join(base, rel))  # noqa: PTH118 - a stat per file: kept lean
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode) \
                or (st.st_size, st.st_mtime_ns, st.st_ino) != tree.stats.get(rel):
            return False
    return True


def load_tree(root: Path, candidates: Sequence[tuple[str, Framework | str]],
              frameworks: Collection[Framework], memo: Memo, max_bytes: int,
              cache_dir: Path | None, tree: Snapshot | None) -> Loaded:
    """:func:`load_judged` of the ``candidates`` (:func:`gate.checks.iac.names.sort_out`),
    remembered whole by ``memo`` under each candidate's path and content identity in
    ``tree`` (the snapshot the gate took before it handed the files over): a run whose
    candidates all have the identities of a remembered run reads none of them, opens one
    entry, and returns the combined part that run returned.

    The loader's result depends on nothing else: a file that is no candidate is never read
    (:func:`gate.checks.iac.loader.read_sources` passes over it by its name); the parts
    depend on their files' paths, bytes and order, the frameworks chosen, the size limit,
    the check's code and the day, all of it in the key. It is remembered only when every
    part would be (:func:`_lasting`, and no file went unread for a system error) and every
    candidate is still a regular file with the stat the snapshot took before its identity,
    looked at after the reads: what was read is then what the identities name. Without a
    snapshot, a cache, or an identity for every candidate (a file the gate could not read),
    it is :func:`load_judged`."""
    files = [path for path, _kind in candidates]

    def load() -> Loaded:
        from gate.checks.iac.loader import sniff_facts

        facts = sniff_facts(cache_dir, root)
        loaded = load_judged(root, files, frameworks, memo, max_bytes, facts)
        if facts is not None:
            facts.save()
        return loaded

    if not files:
        return Loaded((), ())
    if tree is None or cache_dir is None or any(path not in tree.ids for path in files):
        return load()
    snapshot = tree
    read: list[str] = []
    kept: list[bool] = []

    def compute() -> Judged:
        hits, judged = memo.hits, memo.judged
        loaded = load()
        read.extend(loaded.read)
        # an edit loop (some parts judged again, the rest found) would rewrite the whole
        # result on every run: it is written once a run finds every part (or judges all)
        some = memo.judged > judged and memo.hits > hits
        kept.append(loaded.lasting and not some and _unchanged(root, files, snapshot))
        return combine(loaded.parts)

    whole = memo.judge({"part": "loaded", "frameworks": sorted(f.value for f in frameworks),
                        "max_bytes": max_bytes,
                        "files": [[path, snapshot.ids[path]] for path in files]}, compute,
                       keep=lambda: kept == [True])
    return Loaded((whole,), tuple(read), _lasting(whole))


# --- charts and overlays ----------------------------------------------------------------------

def content_facts(cache_dir: Path | None, root: Path) -> FileFacts | None:
    """Content digests of the files under charts and overlays, remembered under their stat
    (:mod:`gate.cache.facts`); ``None`` without a cache."""
    if cache_dir is None:
        return None
    return FileFacts(cache_dir, "iac-sha256", root, ("gate.checks.iac.judged",))


def _file_digest(base: str, rel: str, facts: FileFacts | None) -> str:
    """``sha256:`` + the digest of a regular file's bytes (``absent``/``unreadable`` else)."""
    full = os.path.join(base, rel)  # noqa: PTH118 - a stat per file of a chart: kept lean
    try:
        st = os.lstat(full)
    except OSError:
        return "absent"
    if facts is not None:
        known = facts.get(rel, st)
        if isinstance(known, str):
            return known
    h = hashlib.sha256()
    try:
        with open(full, "rb") as handle:  # noqa: PTH123
            while chunk := handle.read(1 << 20):
                h.update(chunk)
    except OSError:
        return "unreadable"
    digest = "sha256:" + h.hexdigest()
    if facts is not None:
        facts.put(rel, st, digest)  # the stat was taken before the bytes were read
    return digest


def _tree(base: str, directory: str, facts: FileFacts | None) -> list[list[str]] | None:
    """Every file under ``directory`` with its digest, every subdirectory named; ``None``
    when a symbolic link is found (the tools follow it wherever it points: judged anew)."""
    entries: list[list[str]] = []
    top = os.path.join(base, directory)  # noqa: PTH118
    if os.path.islink(top):  # noqa: PTH114
        return None
    for current, dirs, names in os.walk(top):
        dirs.sort()
        rel_dir = os.path.relpath(current, base)
        for name in dirs:
            if os.path.islink(os.path.join(current, name)):  # noqa: PTH114, PTH118
                return None
            entries.append([f"{rel_dir}/{name}", "dir"])
        for name in sorted(names):
            rel = f"{rel_dir}/{name}" if rel_dir != "." else name
            if os.path.islink(os.path.join(current, name)):  # noqa: PTH114, PTH118
                return None
            entries.append([rel, _file_digest(base, rel, facts)])
    return entries


def _tools_identity(tools: Any, facts: FileFacts | None) -> list[list[str]]:
    """Each rendering tool's path, resolved, and the digest of its bytes."""
    found = []
    for command in (tools.helm, *(tools.kustomize or ())):
        if command is None or not Path(command).is_absolute():
            found.append([str(command), ""])
            continue
        real = os.path.realpath(command)
        found.append([command, real, _file_digest("/", real.lstrip("/"), facts)])
    return found


def _render_material(root: Path, files: Sequence[str], values: Mapping[str, Sequence[str]],
                     tools: Any, facts: FileFacts | None,
                     tool_facts: FileFacts | None) -> dict[str, Any] | None:
    """Everything a render of ``files`` reads, or ``None`` when that cannot be told (a link)."""
    from gate.checks.iac.names import renders
    from gate.checks.iac.rendering import read_dirs

    dirs, listed = read_dirs(root, files)
    base = os.fspath(root)
    trees: list[list[Any]] = []
    for directory in dirs:
        if directory.startswith("..") or Path(directory).is_absolute():
            trees.append([directory, "outside the tree"])
            continue
        tree = _tree(base, directory, facts)
        if tree is None:
            return None
        trees.append([directory, tree])
    prefixes = tuple("" if d == "." else f"{d}/" for d in dirs)
    return {
        "part": "render",
        "given": [f for f in files if renders(f) or f.startswith(prefixes)],
        "trees": trees,
        "listed": [[p, "outside the tree" if p.startswith("..")
                    else _file_digest(base, p, facts)] for p in listed],
        "values": [[chart, [[v, _file_digest(base, v, facts)] for v in chosen]]
                   for chart, chosen in sorted(values.items())],
        "tools": _tools_identity(tools, tool_facts),
    }


def _groups(files: Sequence[str]) -> list[Sequence[str]]:
    """The files of the charts, and those of the overlays outside them, rendered apart (a
    chart's render does not depend on an overlay's, nor the other way round); one group when
    the root is a chart (its overlays are rendered with it)."""
    from gate.checks.iac.names import KUSTOMIZATION_NAMES, renders
    from gate.checks.iac.rendering import chart_dirs

    charts = chart_dirs(files)
    if not charts or "." in charts:
        return [files]
    prefixes = tuple(f"{chart}/" for chart in charts)
    groups = [
        [f for f in files if f.startswith(prefixes)
         or f.rpartition("/")[2] not in KUSTOMIZATION_NAMES],
        [f for f in files if not f.startswith(prefixes) and f.rpartition("/")[2] != "Chart.yaml"],
    ]
    return [group for group in groups if any(renders(f) for f in group)]


def judge_render(root: Path, files: Sequence[str], values: Mapping[str, Sequence[str]],
                 memo: Memo, cache_dir: Path | None) -> Judged:
    """The charts and overlays among ``files``, rendered and judged: the charts as one part,
    the overlays outside them as another, each remembered under every file of every chart
    or overlay directory it reads (each counted whole), the files the overlays list, the
    values files and the tools' bytes."""
    from gate.checks.iac.rendering import find_tools, render

    tools = find_tools()

    def compute(group: Sequence[str]) -> Judged:
        charts = render(root, group, tools=tools, values=values)
        part = judge_units(charts.units, charts.not_scanned, len(charts.owned))
        return Judged(part.findings, part.warnings, part.errors, part.not_scanned, part.scanned,
                      part.needs, tuple(sorted(charts.owned)), len(charts.units),
                      unstable=charts.failed > 0)

    facts = content_facts(cache_dir, root)
    tool_facts = FileFacts(cache_dir, "iac-tools", Path("/"), ("gate.checks.iac.judged",)) \
        if cache_dir is not None else None
    parts = []
    for group in _groups(files):
        material = _render_material(root, group, values, tools, facts, tool_facts) \
            if cache_dir is not None else {}
        if material is None:
            memo.judged += 1
            parts.append(compute(group))
        else:
            parts.append(memo.judge(material, functools.partial(compute, group)))
    for remembered in (facts, tool_facts):
        if remembered is not None:
            remembered.save()
    whole = combine(parts)
    owned = tuple(sorted({path for part in parts for path in part.owned}))
    return Judged(whole.findings, whole.warnings, whole.errors, whole.not_scanned, len(owned),
                  whole.needs, owned, sum(part.rendered for part in parts),
                  unstable=any(part.unstable for part in parts))

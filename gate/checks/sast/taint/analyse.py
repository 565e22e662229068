"""Entry point: analyse one file of the repository, with the rest of it for summaries."""

from __future__ import annotations

from pathlib import Path

from gate.checks.sast.syntax import parse_failure
from gate.checks.sast.taint.expressions import BudgetExceeded
from gate.checks.sast.taint.interface import FileAnalysis, Lookup
from gate.checks.sast.taint.mentions import Mentions
from gate.checks.sast.taint.project import ModuleScope, Project
from gate.checks.sast.taint.resolve import parse_module

__all__ = ["BUDGET", "analyse_file", "analyse_source", "forget_projects"]

BUDGET = 400_000
"""Evaluation steps per module: a generated or hostile file cannot hold a worker for long."""

_PROJECTS: dict[str, Project] = {}

_VERBS = (b"get", b"post", b"put", b"delete", b"patch", b"api_route", b"websocket")
_RELEVANT = Mentions(
    words=(b"request", b"argv", b"environ", b"getenv", b".route(", b"set_cookie", b"session",
           b".execute", b"subprocess", b"os.system", b"popen", b"compile(", b"pickle",
           b"marshal", b"shelve", b"yaml", b"xml", b"mark_safe", b"Markup", b"HttpResponse",
           b"make_response", b"urlopen", b"redirect", b"send_file", b"send_from_directory",
           b"Environment(", b"get_template", b"extractall", b"requests", b"httpx", b"urllib",
           b"ldap", b"xpath", b"elementpath", b"render_template_string", b"Template(",
           b"from_string", b"shutil",
           *(b"os." + op for op in (b"remove", b"unlink", b"rmdir", b"mkdir", b"makedirs",
                                    b"rename", b"replace", b"listdir", b"path.exists")),
           b".raw(", b".extra(", b"RawSQL", b"text(", b"Path(", b".search"),
    guarded=(*((b"." + verb + b"(", rb"\." + verb + rb"\(\s*[\"']/") for verb in _VERBS),
             *((call + b"(", rb"\b" + call + rb"\(") for call in (b"input", b"eval", b"exec",
                                                                  b"open"))),
)
"""A file mentioning none of these has no source and no sink: nothing to find or to prove."""


def forget_projects() -> None:
    """Drop what this process learnt about any repository (its modules, their summaries).

    A :class:`Project` describes the tree as one run found it: a pool worker
    lives for one run, but a run scanning in this process (one job, no cache)
    must not reuse what an earlier run of the same process parsed.
    """
    _PROJECTS.clear()


def _project(root: Path | None) -> Project:
    key = str(root)
    if key not in _PROJECTS:
        _PROJECTS.clear()  # one repository per worker; a new root starts afresh
        _PROJECTS[key] = Project(root, BUDGET)
    return _PROJECTS[key]


def analyse_source(rel: str, source: bytes | str, root: Path | None = None) -> FileAnalysis:
    """Analyse a module's text; ``root`` (when given) is where its imports are looked up."""
    data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    if not _RELEVANT.search(data):
        return FileAnalysis()
    project = _project(root)
    try:
        info = project.parse_scanned(rel, source) if isinstance(source, bytes) \
            else parse_module(rel, source)
    except (SyntaxError, ValueError) as exc:
        reason, line = parse_failure(source if isinstance(source, bytes) else source.encode(), exc)
        return FileAnalysis(error=reason, error_line=line)
    except (RecursionError, MemoryError):
        return FileAnalysis(error="the file is nested too deeply to analyse")
    project.begin()
    scope = ModuleScope(project, info, primary=True, budget=BUDGET)
    lines = data.split(b"\n")
    scope.relevant = lambda first, last: _RELEVANT.search(b"\n".join(lines[first - 1:last]))
    try:
        scope.run_module()
        scope.analyse_all()
    except BudgetExceeded:
        return FileAnalysis(error="dataflow analysis stopped: the file exceeds the analysis budget")
    except RecursionError:
        return FileAnalysis(error="dataflow analysis stopped: expressions nested too deeply")
    findings = tuple(sorted(scope.findings.values(), key=lambda f: (f.line, f.rule_id)))
    lookups = tuple(Lookup(dotted, directory, found)
                    for (dotted, directory), found in sorted(project.dependencies().items()))
    return FileAnalysis(findings, tuple(scope.marks), lookups=lookups)


def analyse_file(root: Path, rel: str) -> FileAnalysis:
    """Analyse ``root/rel``; an unreadable file is an error, never an exception."""
    try:
        data = (root / rel).read_bytes()
    except OSError as exc:
        return FileAnalysis(error=f"could not read the file: {exc.strerror}")
    return analyse_source(rel, data, root)

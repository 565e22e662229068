"""Driving bandit as a library: one :class:`BanditManager` run over absolute paths.

Kept apart from the mapping to :class:`~gate.findings.Finding` so that the
quirks of bandit's API (global plugin manager, logging used as an error
channel, a progress bar tied to the log level) live in one place.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.checks.engine.workers import between_files
from gate.checks.sast.syntax import parse_failure

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["SCAN_GROUPS", "BanditRun", "bandit_entry_points", "import_bandit", "run_bandit",
           "skip_reason"]

_TESTER_ERROR = re.compile(r"running: (?P<test>\S+) on file (?P<file>.+?) at line (?P<line>\d+)")


@dataclass(frozen=True)
class BanditRun:
    """bandit's raw output for one batch: issues, skipped files, and rules that crashed."""

    issues: tuple[Any, ...]
    """``bandit.core.issue.Issue`` objects (untyped: bandit ships no type hints)."""
    skipped: tuple[tuple[str, str], ...]
    """(absolute path, bandit's reason) for files bandit could not scan."""
    crashed: tuple[tuple[str, str, int], ...]
    """(test name, absolute path, line) for each bandit test that raised on a node."""


class _Collector(logging.Handler):
    """Keeps the error records bandit logs, which is how it reports a test that crashed."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Store the record instead of printing it."""
        self.records.append(record)


@contextmanager
def _captured_bandit_logs() -> Iterator[_Collector]:
    """Silence bandit's loggers for the run and collect their errors.

    bandit prints a progress bar when its logger is at INFO or below and logs
    (rather than raises) when one of its tests crashes; neither should leak
    into the gate's output, but a crash must not be lost either.
    """
    logger = logging.getLogger("bandit")
    collector = _Collector()
    saved = (logger.level, logger.propagate)
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def _crashes(records: Sequence[logging.LogRecord]) -> tuple[tuple[str, str, int], ...]:
    """Pick the "internal error running <test> on file <f> at line <n>" records apart."""
    crashed: list[tuple[str, str, int]] = []
    for record in records:
        if record.name != "bandit.core.tester":
            continue  # per-file failures also reach the skipped list; nothing to add
        match = _TESTER_ERROR.search(record.getMessage())
        if match:
            crashed.append((match["test"], match["file"], int(match["line"])))
        else:
            crashed.append(("unknown", "", 0))
    return tuple(crashed)


_ALL_OPERATORS = ("a = b; del c; a and b or c; +a; -a; ~a; not a\n"
                  "a + b - c * d @ e / f % g ** h << i >> j | k ^ l & m // n\n"
                  "a == b != c < d <= e > f >= g is h is not i in j not in k")


@functools.lru_cache(maxsize=1)
def _shared_nodes() -> tuple[ast.AST, ...]:
    """The node instances CPython shares between all parse trees: ``Load()``, ``Add()``...

    bandit links every node it visits to its parent (``_bandit_parent``), these
    shared ones too, so after a file each of them still points into that file's
    tree and keeps the whole tree (a web of reference cycles) alive, until a
    full collection, long after the file. Found by parsing every context and
    operator twice: a shared node is the same object in both trees.
    """
    def kinds(tree: ast.AST) -> dict[type[ast.AST], ast.AST]:
        found: dict[type[ast.AST], ast.AST] = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.expr_context, ast.boolop, ast.operator, ast.unaryop,
                                 ast.cmpop)):
                found.setdefault(type(node), node)
        return found

    first, second = kinds(ast.parse(_ALL_OPERATORS)), kinds(ast.parse(_ALL_OPERATORS))
    return tuple(node for kind, node in first.items() if second.get(kind) is node)


def _unlink_shared_nodes() -> None:
    """Drop the links bandit left on the shared nodes (it sets them afresh on every visit)."""
    for node in _shared_nodes():
        node.__dict__.pop("_bandit_parent", None)
        node.__dict__.pop("_bandit_sibling", None)


@functools.lru_cache(maxsize=1)
def _manager_class() -> type[Any]:
    """bandit's manager, without two kinds of bookkeeping whose results nothing here reads.

    - ``# nosec`` look-ups when none can apply: with ``ignore_nosec`` bandit
      reads no marker (the table of them stays empty), yet its tester still
      looks every node's line range up in that empty table, for every test,
      whether the test reported or not: a quarter of bandit's time. The tester
      used here answers "no marker" (``None``, what bandit's own look-up
      returns for an empty table) without the walk, and defers to bandit when
      a table has entries.
    - Scores: the visitor sums a severity and confidence score after every
      test run on every node (a tenth of bandit's time); they feed only
      bandit's metrics, which the gate does not report. The visitor used here
      does not sum them.

    The issues (what the gate reports) are bandit's own, test for test
    (``tests/checks/sast/test_bandit_run.py`` compares them with bandit's
    unchanged manager). When bandit's internals are not the ones this was
    written against, its manager is used unchanged.
    """
    from bandit.core import manager as b_manager
    from bandit.core import node_visitor as b_node_visitor
    from bandit.core import tester as b_tester

    base: type[Any] = b_manager.BanditManager
    if not (callable(getattr(base, "_execute_ast_visitor", None))
            and callable(getattr(b_tester.BanditTester, "_get_nosecs_from_contexts", None))
            and callable(getattr(b_node_visitor.BanditNodeVisitor, "update_scores", None))):
        return base

    class _Tester(b_tester.BanditTester):  # type: ignore[misc]  # bandit is untyped
        def _get_nosecs_from_contexts(self, context: Any, test_result: Any = None) -> Any:
            if not self.nosec_lines:
                return None
            return super()._get_nosecs_from_contexts(context, test_result=test_result)

    class _Visitor(b_node_visitor.BanditNodeVisitor):  # type: ignore[misc]
        def update_scores(self, scores: Any) -> None:
            pass

    class _Manager(base):  # type: ignore[misc]
        def _execute_ast_visitor(self, fname: Any, fdata: Any, data: Any,
                                 nosec_lines: Any) -> Any:
            visitor = _Visitor(
                fname, fdata, self.b_ma, self.b_ts, self.debug, nosec_lines, self.metrics)
            visitor.tester = _Tester(self.b_ts, self.debug, nosec_lines, self.metrics)
            score = visitor.process(data)
            self.results.extend(visitor.tester.results)
            return score

    return _Manager


def _defer_rich_progress() -> None:
    """Let ``rich.progress`` load only when something uses it.

    bandit's manager imports it at the top (a fifth of importing bandit) for the
    progress bar it draws over more than :data:`bandit.core.manager.PROGRESS_THRESHOLD`
    files at log level INFO; :func:`run_bandit` hands it one file at a time, at
    level WARNING, so it never draws one. The module is registered with the
    standard library's :class:`importlib.util.LazyLoader`, which runs it, unchanged,
    on the first use of any of its names: whoever uses it (bandit, or anyone else in
    this process) gets the real module. Nothing is done when it is already loaded or
    cannot be found (then the import fails as it would have).
    """
    name = "rich.progress"
    if name in sys.modules or "bandit.core.manager" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)  # imports the (small) ``rich`` package
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    setattr(sys.modules["rich"], "progress", module)  # noqa: B010  # bind it as an import does


SCAN_GROUPS = ("bandit.plugins", "bandit.blacklists")
"""The entry-point groups whose plugins decide bandit's findings (its tests and blacklists)."""


@functools.lru_cache(maxsize=1)
def bandit_entry_points() -> dict[str, tuple[EntryPoint, ...]]:
    """bandit's plugins, as the installed distributions declare them: by group, in
    :func:`importlib.metadata.entry_points` order, each (name, value) once, as stevedore
    lists them for bandit. Third-party plugins count: installing one changes bandit's
    findings, so it changes these, which are part of the cache key
    (``gate.checks.sast.check._rules``) and exactly what :func:`import_bandit`
    has bandit load."""
    from importlib.metadata import entry_points

    found = entry_points()
    listed: dict[str, tuple[EntryPoint, ...]] = {}
    for group in SCAN_GROUPS:
        seen: set[tuple[str, str]] = set()
        eps = []
        for ep in found.select(group=group):
            if (ep.name, ep.value) not in seen:
                seen.add((ep.name, ep.value))
                eps.append(ep)
        listed[group] = tuple(eps)
    return listed


def import_bandit() -> None:
    """Import bandit with its plugins loaded from :func:`bandit_entry_points`.

    On import, bandit builds its plugin manager from stevedore's extension
    managers for three groups. Seeding stevedore's own per-process list of each
    group's entry points (``ExtensionManager.ENTRY_POINT_CACHE``, which it fills on
    first use) with the lists this module read for the cache key spares stevedore
    reading them a second time (and checking its cache on disk against every
    ``sys.path`` entry), and makes the key describe exactly the plugins loaded.
    Every plugin and blacklist is still loaded by stevedore as bandit asks, so a
    third-party plugin runs exactly as with bandit alone. The formatters group
    (bandit's report writers: ``bandit.formatters``, used only by bandit's own
    ``output_results``, which the gate never calls) is listed as empty for the
    import and unseeded after it, so they are not imported; nothing else changes.
    rich.progress is deferred (:func:`_defer_rich_progress`). When bandit is
    already imported, or stevedore has no such list, bandit is imported as it is.
    """
    if "bandit.core.extension_loader" in sys.modules:
        return
    _defer_rich_progress()
    from stevedore import extension

    cache = getattr(extension.ExtensionManager, "ENTRY_POINT_CACHE", None)
    if not isinstance(cache, dict):
        import bandit.core  # stevedore as it is
        return
    seeded = {group: list(eps) for group, eps in bandit_entry_points().items()
              if group not in cache}
    formatters = "bandit.formatters" not in cache
    cache.update(seeded)
    if formatters:
        cache["bandit.formatters"] = []
    try:
        import bandit.core  # noqa: F401
    finally:
        if formatters:
            cache.pop("bandit.formatters", None)


def run_bandit(paths: Sequence[str]) -> BanditRun:
    """Run every bandit test over ``paths`` (absolute), with ``# nosec`` not honoured.

    Raises whatever bandit raises when it cannot run at all; the caller turns
    that into a :class:`~gate.checks.interface.CheckError`.
    """
    import_bandit()  # deferred: bandit loads plugins on import
    from bandit.core import config as b_config

    with _captured_bandit_logs() as collector:
        manager = _manager_class()(b_config.BanditConfig(), "file", quiet=True, ignore_nosec=True)
        # Set the list directly: discover_files() would prefix "./" relative to
        # the process's working directory, which a worker must not depend on.
        # One file at a time, so that each file's parse tree is freed before the next.
        for path in sorted(set(paths)):
            manager.files_list = [path]
            manager.run_tests()
            # bandit's metrics (unused here) keep a block per file that every run_tests()
            # re-sums: kept, they made the batch quadratic in its file count.
            manager.metrics.data.clear()
            manager.scores.clear()
            _unlink_shared_nodes()
            between_files()
        # ``results`` rather than get_issue_list(): the latter drops issues
        # whose severity or confidence is UNDEFINED instead of reporting them.
        issues = list(manager.results)
        skipped = tuple((str(p), str(r)) for p, r in manager.get_skipped())
    return BanditRun(tuple(issues), skipped, _crashes(collector.records))


def _nul_line(data: bytes) -> int | None:
    """The line of the first null byte (which Python refuses in source), if any."""
    nul = data.find(b"\x00")
    return data.count(b"\n", 0, nul) + 1 if nul >= 0 else None


def skip_reason(path: Path, reason: str) -> tuple[str, int | None]:
    """Turn bandit's terse skip reason into one a user can act on, with a line when known."""
    if "syntax error" in reason:
        try:
            data = path.read_bytes()
            ast.parse(data, filename=str(path))
        except OSError as exc:
            return f"bandit could not parse the file: {exc.strerror}", None
        except SyntaxError as exc:  # the message only, never the offending source text
            why, line = parse_failure(data, exc)
            if why.startswith("needs Python"):
                return f"bandit could not parse the file: it {why}", line
            return f"bandit could not parse the file: {exc.msg}", exc.lineno or _nul_line(data)
        except ValueError:  # null bytes, on Pythons that raise ValueError for them
            return "bandit could not parse the file: it contains null bytes", _nul_line(data)
        return "bandit could not parse the file (syntax error)", None
    if "exception while scanning" in reason:
        return "bandit crashed while scanning the file", None
    return f"bandit could not read the file: {reason}", None

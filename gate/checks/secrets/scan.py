"""detect-secrets' ``scan_file``, result for result, without most of its per-line overhead.

detect-secrets drives its plugins through a generic dependency-injection
helper: for every line of every file, each of ~27 plugins is introspected and
called, and the line filters run before any plugin, although nearly every
line yields nothing. Profiled over a 2,800-file tree, that machinery (not the
regular expressions) was most of the scan. This module does the same work in
an order that gives the same answer faster:

- A plain regex detector (base ``analyze_line``, base ``analyze_string``, a
  ``denylist`` of compiled expressions) reports ``findall`` matches, so it can
  only report something on a line where one of its expressions matches: its
  ``analyze_line`` (generators, a set, objects) is called only when a plain
  ``search`` finds one. Most lines of most files match none.
- The line filters (``is_indirect_reference``: a costly expression) run only
  on lines where some plugin found a candidate. Plugins are pure functions of
  the line, so "filter, then scan" and "scan, then filter" keep the same
  secrets; a plugin that raises on a line the filter would have skipped is
  forgiven, as before.
- Plugins and filters are called with their arguments bound once per run,
  not introspected per call.

Reading, decoding, file-name filters, transformers (YAML, INI...) and every
secret-level filter are detect-secrets' own functions. If its private helpers
are missing (another detect-secrets version), :func:`scan_file` is simply
detect-secrets' own. ``tests/checks/secrets/test_secrets_scan.py`` checks that both
give identical results; the benchmark checks it against the CLI on a large tree.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from gate.checks.secrets.detectors import DetectorSecret, Note, find_secrets
from gate.checks.secrets.detectors.lookalikes import digest_reason, placeholder_reason
from gate.findings import Severity

__all__ = ["merge", "our_hits", "scan_file", "scan_with_detectors", "verifying"]

_ARGS = ("filename", "line", "line_number", "context")


@dataclass(frozen=True)
class _Plugin:
    """One plugin with its ``analyze_line`` arguments worked out in advance."""

    plugin: Any
    wants: frozenset[str]
    patterns: tuple[re.Pattern[str], ...] | None
    """A plain regex detector's denylist: skipped on lines none of these finds anything in."""


def _wants(method: Callable[..., Any]) -> frozenset[str]:
    """Which of the four arguments detect-secrets would inject into ``method``."""
    from detect_secrets.util.inject import get_injectable_variables

    return frozenset(get_injectable_variables(method)) & frozenset(_ARGS)


def _denylist(plugin: Any) -> tuple[re.Pattern[str], ...] | None:
    """A plain regex detector's expressions; ``None`` for any other plugin (always run)."""
    from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector

    cls = type(plugin)
    if not (isinstance(plugin, RegexBasedDetector)
            and cls.analyze_line is BasePlugin.analyze_line
            and cls.analyze_string is RegexBasedDetector.analyze_string):
        return None
    denylist = inspect.getattr_static(plugin, "denylist", None)  # no property: may vary
    if not isinstance(denylist, (tuple, list)) or not denylist:
        return None
    if not all(isinstance(p, re.Pattern) for p in denylist):
        return None
    return tuple(denylist)


class _Scanner:
    """The plugins of the current detect-secrets settings, prepared for fast line scanning."""

    def __init__(self, plugins: Sequence[Any]) -> None:
        self.plugins = tuple(_Plugin(p, _wants(p.analyze_line), _denylist(p)) for p in plugins)

    def process(self, lines: list[tuple[int, str]], filename: str) -> Iterator[Any]:
        """detect-secrets' ``_process_line_based_plugins``, same results, same order."""
        from detect_secrets.core.scan import _is_filtered_out
        from detect_secrets.util.code_snippet import get_code_snippet

        line_content = [line for _, line in lines]
        for line_number, raw in lines:
            line = raw.rstrip()
            context = None
            found: list[tuple[Any, Any]] = []
            failed: BaseException | None = None
            for entry in self.plugins:
                if entry.patterns is not None:
                    for pattern in entry.patterns:
                        if pattern.search(line):
                            break
                    else:
                        continue  # none of its expressions matches: it has nothing to say
                if context is None and "context" in entry.wants:
                    context = get_code_snippet(lines=line_content, line_number=line_number)
                values = {"filename": filename, "line": line, "line_number": line_number,
                          "context": context}
                try:
                    secrets = entry.plugin.analyze_line(
                        **{k: v for k, v in values.items() if k in entry.wants})
                except Exception as exc:  # re-raised below unless the line is filtered out
                    failed = exc
                    break
                found.extend((entry.plugin, s) for s in secrets or ())
            if not found and failed is None:
                continue
            if context is None:
                context = get_code_snippet(lines=line_content, line_number=line_number)
            if _is_filtered_out(required_filter_parameters=["line"], filename=filename,
                                line=line, context=context):
                continue
            if failed is not None:
                raise failed
            for plugin, secret in found:
                if _is_filtered_out(required_filter_parameters=["secret"],
                                    filename=secret.filename, secret=secret.secret_value,
                                    plugin=plugin, line=line):
                    continue
                if _is_filtered_out(required_filter_parameters=["context"],
                                    filename=secret.filename, secret=secret.secret_value,
                                    plugin=plugin, line=line, context=context):
                    continue
                yield secret


_prepared: tuple[list[Any], _Scanner] | None = None


def _scanner() -> _Scanner:
    """The scanner for detect-secrets' current plugin list (rebuilt when settings change)."""
    global _prepared
    from detect_secrets.settings import get_plugins

    plugins = get_plugins()
    if _prepared is None or _prepared[0] is not plugins:
        _prepared = (plugins, _Scanner(plugins))
    return _prepared[1]


_PEM_TYPE = "Private Key"  # detect-secrets' type whose value is only the header's words


def _plain_note(secret: Any, line: str) -> Note | None:
    """A ``low`` look-alike rating for a detect-secrets hit none of our detectors explains."""
    value = secret.secret_value or ""
    if secret.type == _PEM_TYPE or not value:
        return None
    kind = placeholder_reason(value) or digest_reason(value, line)
    if kind is None:
        return None
    return Note(str(secret.type), Severity.LOW, kind, "placeholder, example or digest")


def _covers(ours: DetectorSecret, secret: Any) -> bool:
    """Whether our hit names the same secret as a detect-secrets hit on its line."""
    note = ours.gate_note
    assert note is not None and note.detector is not None
    if secret.type == _PEM_TYPE:
        return note.detector.extend is not None
    mine, theirs = ours.secret_value or "", secret.secret_value or ""
    if not theirs:
        return False
    # a look-alike only re-rates what it spans entirely: never a longer value around it
    return theirs in mine or (mine in theirs and not note.classification.quiet)


def merge(found: list[Any], ours: list[DetectorSecret], lines: Sequence[str],
          plugins: dict[str, Any]) -> Iterator[Any]:
    """detect-secrets' hits and ours, as one stream the check can group per secret.

    Every detect-secrets hit is kept (fidelity). Where one of ours names the
    same secret, both carry the same value, so the check reports one finding
    with our rule and detect-secrets' type as an alias. Our look-alikes
    (placeholders, examples, bad checksums) are kept only to re-rate a
    detect-secrets hit; alone, they stay quiet.
    """
    from gate.checks.secrets.lines import materials

    by_line: dict[int, list[DetectorSecret]] = {}
    for hit in ours:
        by_line.setdefault(hit.line_number, []).append(hit)
    used: set[int] = set()
    for secret in found:
        number = int(secret.line_number)
        match = next((h for h in by_line.get(number, ()) if _covers(h, secret)), None)
        if match is None:
            line = lines[number - 1] if 1 <= number <= len(lines) else ""
            secret.gate_note = _plain_note(secret, line)
        else:
            # same value, then the same fingerprint material (the check widens short captures
            # and takes a PEM key's whole block): one finding for both
            used.add(id(match))
            if secret.type != _PEM_TYPE:
                secret.secret_value = match.secret_value
            same = materials(secret.type, secret.secret_value or "", lines, number,
                             plugins.get(secret.type))
            if len(same) == 1:
                match.secret_value = same[0]
        yield secret
    for hit in ours:
        assert hit.gate_note is not None
        if id(hit) in used or not hit.gate_note.classification.quiet:
            yield hit


_verify_settings: Any = None
"""Set by :func:`verifying` for the duration of a scan (``--verify-secrets``)."""


@contextmanager
def verifying(settings: Any) -> Iterator[None]:
    """Ask providers whether live-format hits are live during this block (``None``: never)."""
    global _verify_settings
    previous, _verify_settings = _verify_settings, settings
    try:
        yield
    finally:
        _verify_settings = previous


def our_hits(filename: str, lines: Sequence[str]) -> list[DetectorSecret]:
    """Our detectors' hits in the file, verified with the provider when asked to."""
    hits = find_secrets(lines, filename)
    if _verify_settings is not None and hits:
        from gate.checks.secrets.verify import verify_hits

        verify_hits(hits, _verify_settings)
    return hits


def scan_file(filename: str) -> Iterator[Any]:
    """Drop-in for ``detect_secrets.core.scan.scan_file`` (same secrets, same order)."""
    from detect_secrets.core import scan

    helpers = ("_get_lines_from_file", "_is_filtered_out", "_process_line_based_plugins")
    if not all(hasattr(scan, name) for name in helpers):  # pragma: no cover - other versions
        from gate.yamlsafe import guard_detect_secrets_yaml

        guard_detect_secrets_yaml()
        yield from scan.scan_file(filename)
        return
    from detect_secrets.settings import get_plugins

    from gate.yamlsafe import guard_detect_secrets_yaml

    guard_detect_secrets_yaml()  # its YAML transformer must not expand an alias bomb
    if not get_plugins():
        return
    if scan._is_filtered_out(required_filter_parameters=["filename"], filename=filename):
        return
    scanner = _scanner()
    try:
        has_secret = False
        for lines in scan._get_lines_from_file(filename):
            for secret in scanner.process(list(enumerate(lines, start=1)), filename):
                has_secret = True
                yield secret
            if has_secret:
                break
    except OSError:
        return


def scan_with_detectors(filename: str, lines: Sequence[str]) -> Iterator[Any]:
    """:func:`scan_file`'s hits merged with our detectors' hits over ``lines`` (see :func:`merge`).

    ``lines`` are the file's lines as the caller decoded them. Our detectors
    run on every file detect-secrets reads (not on those it skips by name).
    Our hits are :class:`DetectorSecret` objects; a detect-secrets hit may
    carry a ``gate_note`` (a look-alike rating).
    """
    from detect_secrets.core import scan

    found = list(scan_file(filename))
    if not found and scan._is_filtered_out(required_filter_parameters=["filename"],
                                           filename=filename):
        return
    plugins = {str(p.plugin.secret_type): p.plugin for p in _scanner().plugins}
    yield from merge(found, our_hits(filename, lines), lines, plugins)

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
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from gate.checks.secrets.detectors import Classification, DetectorSecret, Note, find_secrets
from gate.checks.secrets.detectors.lookalikes import digest_reason, hash_field, placeholder_reason
from gate.checks.secrets.prefilter import LineIndex, TextHint, over_text
from gate.checks.secrets.rules import GENERIC_TYPES
from gate.findings import Severity

__all__ = ["merge", "our_hits", "prepare_scanner", "scan_file", "scan_with_detectors", "verifying"]

_ARGS = ("filename", "line", "line_number", "context")


@dataclass(frozen=True)
class _Plugin:
    """One plugin with its ``analyze_line`` arguments worked out in advance."""

    plugin: Any
    wants: frozenset[str]
    patterns: tuple[re.Pattern[str], ...] | None
    """A plain regex detector's denylist: skipped on lines none of these finds anything in."""
    hint: re.Pattern[str] | None = None
    """For another plugin: an expression every line it can report on matches (else ``None``)."""


def _wants(method: Callable[..., Any]) -> frozenset[str]:
    """Which of the four arguments detect-secrets would inject into ``method``."""
    from detect_secrets.util.inject import get_injectable_variables

    return frozenset(get_injectable_variables(method)) & frozenset(_ARGS)


def _defined_by(method: Any, module: str, qualname: str) -> bool:
    """Whether ``method`` is detect-secrets' own ``module.qualname`` (not a subclass's or a patch)."""
    return (getattr(method, "__module__", None) == module
            and getattr(method, "__qualname__", None) == qualname)


def _denylist(plugin: Any) -> tuple[re.Pattern[str], ...] | None:
    """A plain regex detector's expressions; ``None`` for any other plugin (always run).

    ``JwtTokenDetector`` counts as plain: its ``analyze_string`` only filters
    what the base one finds with its denylist.
    """
    from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector

    cls = type(plugin)
    jwt = _defined_by(cls.analyze_string, "detect_secrets.plugins.jwt",
                      "JwtTokenDetector.analyze_string")
    if not (isinstance(plugin, RegexBasedDetector)
            and cls.analyze_line is BasePlugin.analyze_line
            and (cls.analyze_string is RegexBasedDetector.analyze_string or jwt)):
        return None
    denylist = inspect.getattr_static(plugin, "denylist", None)  # no property: may vary
    if not isinstance(denylist, (tuple, list)) or not denylist:
        return None
    if not all(isinstance(p, re.Pattern) for p in denylist):
        return None
    return tuple(denylist)


def _hint(plugin: Any) -> re.Pattern[str] | None:
    """An expression every line ``plugin`` can report on matches, for two unmodified plugins.

    ``KeywordDetector``: each of its expressions requires one of its denylist
    words (``password``, ``api_key``...), so a line without one (any case)
    yields nothing. The high-entropy plugins report only ``findall`` matches
    of their quoted-string expression (outside the ad-hoc "eager" search, which
    a scan never asks for). Anything else, or a patched method: no hint.
    """
    from detect_secrets.plugins import keyword
    from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin

    cls = type(plugin)
    if (_defined_by(cls.analyze_line, keyword.__name__, "KeywordDetector.analyze_line")
            and _defined_by(cls.analyze_string, keyword.__name__,
                            "KeywordDetector.analyze_string")):
        words = getattr(keyword, "DENYLIST", None)
        if isinstance(words, tuple) and words and all(isinstance(w, str) for w in words):
            return re.compile("|".join(words), re.IGNORECASE)
        return None
    if (isinstance(plugin, HighEntropyStringsPlugin)
            and cls.analyze_line is HighEntropyStringsPlugin.analyze_line
            and cls.analyze_string is HighEntropyStringsPlugin.analyze_string
            and isinstance(getattr(plugin, "regex", None), re.Pattern)):
        return _long_enough(plugin) or plugin.regex
    return None


_ENTROPY = frozenset({"HighEntropyStringsPlugin.calculate_shannon_entropy",
                      "HexHighEntropyString.calculate_shannon_entropy"})


def _long_enough(plugin: Any) -> re.Pattern[str] | None:
    """The plugin's quoted-string expression, for strings long enough to pass its limit.

    Shannon entropy of ``n`` characters is at most ``log2(n)`` (all different),
    and detect-secrets' two entropy functions never add to it (the hex one
    subtracts for numbers), so a string shorter than ``2 ** limit`` is never
    reported; one character of margin absorbs rounding.
    """
    method = type(plugin).calculate_shannon_entropy
    charset, limit = getattr(plugin, "charset", None), getattr(plugin, "entropy_limit", None)
    if not (any(_defined_by(method, "detect_secrets.plugins.high_entropy_strings", name)
                for name in _ENTROPY)
            and isinstance(charset, str) and isinstance(limit, (int, float))):
        return None
    if plugin.regex.pattern != rf'([\'"])([{re.escape(charset)}]+)(\1)':
        return None
    shortest = max(1, math.ceil(2 ** float(limit)) - 1)
    return re.compile(rf'([\'"])([{re.escape(charset)}]{{{shortest},}})(\1)')


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P[<=]")


def _combined(patterns: Sequence[re.Pattern[str]]) -> tuple[re.Pattern[str], ...] | None:
    """One alternation per flag set that matches a line iff one of ``patterns`` does.

    ``search`` finds ``A|B`` somewhere exactly when it finds ``A`` or ``B``
    somewhere, so one call per line replaces one per expression. Groups and
    back-references would be renumbered: such a set is not combined (``None``).
    """
    by_flags: dict[int, list[str]] = {}
    for pattern in patterns:
        if _BACKREFERENCE.search(pattern.pattern):
            return None
        by_flags.setdefault(pattern.flags, []).append(pattern.pattern)
    combined = []
    for flags, sources in by_flags.items():
        end = "\n)" if flags & re.VERBOSE else ")"  # a verbose comment ends at a newline
        try:
            combined.append(re.compile("|".join(f"(?:{p}{end}" for p in sources), flags))
        except re.error:
            return None
    return tuple(combined)


_ASCII_WORDS = re.compile(r"[a-z0-9_?|]+")


def _text_hint(hint: re.Pattern[str]) -> TextHint | None:
    """How to search a hint over a file's text; ``None`` when only line by line is exact."""
    pattern = over_text(hint)
    if pattern is None:
        return None
    lowered = None
    if hint.flags & re.IGNORECASE and _ASCII_WORDS.fullmatch(hint.pattern.replace("ñ", "n")):
        # lower-case ASCII words, ``?`` and ``|`` only (``contraseña`` needs non-ASCII text)
        lowered = re.compile(hint.pattern, re.MULTILINE)
    return TextHint(pattern, lowered)


@dataclass(frozen=True)
class _TextSearch:
    """The expressions that find, per file, which lines need a plugin (see :class:`_Scanner`)."""

    regex_ok: bool
    """Whether the regex detectors can be skipped on the lines no expression matches."""
    regex_text: tuple[re.Pattern[str], ...]
    """Plain regex detectors' expressions, searched over the whole text."""
    regex_line: tuple[re.Pattern[str], ...]
    """The others (not exact over the whole text), combined, tried line by line."""
    hints: tuple[TextHint | None, ...]
    """Per plugin: its hint searched over the whole text, when that is exact (else ``None``)."""

    def regex_lines(self, index: LineIndex) -> set[int] | None:
        """Lines (0-based) where some plain regex detector may match; ``None``: every line."""
        if not self.regex_ok:
            return None
        lines: set[int] = set()
        for pattern in self.regex_text:
            lines |= index.candidates(pattern)
        return lines


TEXT_SEARCH_AFTER = 2_000
"""Lines a scanner (one per detect-secrets settings, so per :func:`check.scan_files` call: a
chunk of files in a cold run) scans line by line before it compiles the whole-text
expressions.

Compiling them costs about as much as scanning ~1,000 lines line by line, and
pays back, if at all, only over more lines than that: a warm re-run or a
pre-commit scan of a file or two never compiles them. Both ways give the same
secrets (the whole-text search only skips lines the plugins would reject)."""


class _Scanner:
    """The plugins of the current detect-secrets settings, prepared for fast line scanning.

    Which lines need a plugin at all is found per file, not per line
    (:mod:`gate.checks.secrets.prefilter`): the plain regex detectors'
    expressions, combined, and each hinted plugin's hint are searched over the
    file's whole text once; expressions that cannot be searched that way
    exactly are tried line by line, combined. Those whole-text expressions
    are compiled once this scanner has scanned ``text_search_after`` lines;
    before, each plugin's own expressions are tried line by line.
    """

    def __init__(self, plugins: Sequence[Any], text_search_after: int | None = None) -> None:
        self.plugins = tuple(_Plugin(p, _wants(p.analyze_line), _denylist(p), _hint(p))
                             for p in plugins)
        self.text_search_after = TEXT_SEARCH_AFTER if text_search_after is None else text_search_after
        self.lines_scanned = 0
        self._text: _TextSearch | None = None

    def text_search(self) -> _TextSearch:
        """The whole-text expressions (compiled at the first call)."""
        if self._text is None:
            patterns = [(p, over_text(p)) for entry in self.plugins for p in entry.patterns or ()]
            by_line = _combined([p for p, text in patterns if text is None])
            # One by one, not combined: an alternation loses the regex engine's fast scan for a
            # literal prefix (``AKIA``, ``ghp_``, ``-----BEGIN``), and is slower than all of them.
            self._text = _TextSearch(
                regex_ok=by_line is not None,
                regex_text=tuple(dict.fromkeys(text for _, text in patterns if text is not None)),
                regex_line=by_line or (),
                hints=tuple(_text_hint(e.hint) if e.hint is not None else None
                            for e in self.plugins))
        return self._text

    def process(self, lines: list[tuple[int, str]], filename: str) -> Iterator[Any]:
        """detect-secrets' ``_process_line_based_plugins``, same results, same order."""
        from detect_secrets.core.scan import _is_filtered_out
        from detect_secrets.util.code_snippet import get_code_snippet

        line_content = [line for _, line in lines]
        stripped = [raw.rstrip() for _, raw in lines]
        self.lines_scanned += len(lines)
        text = self.text_search() if self.lines_scanned > self.text_search_after else self._text
        regex_line: tuple[re.Pattern[str], ...] = ()
        regex_lines: set[int] | None = None  # every line: each plugin tries its own expressions
        hinted: list[set[int] | None] = [None] * len(self.plugins)  # each hint, line by line
        if text is not None:
            index = LineIndex(stripped)
            regex_line, regex_lines = text.regex_line, text.regex_lines(index)
            hinted = [hint.lines(index) if hint is not None else None for hint in text.hints]
        for position, (line_number, _) in enumerate(lines):
            line = stripped[position]
            context = None
            found: list[tuple[Any, Any]] = []
            failed: BaseException | None = None
            regex_may_match = regex_lines is None or position in regex_lines or any(
                pattern.search(line) for pattern in regex_line)
            for entry, text_lines in zip(self.plugins, hinted, strict=True):
                if entry.hint is not None:
                    if text_lines is not None and position not in text_lines:
                        continue  # a line it cannot report on
                    if text_lines is None and not entry.hint.search(line):
                        continue
                if entry.patterns is not None:
                    if not regex_may_match:
                        continue
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


def prepare_scanner() -> None:
    """Prepare the scanner for the current plugins now (a standby worker, before its job)."""
    _scanner()


_PEM_TYPE = "Private Key"  # detect-secrets' type whose value is only the header's words


_UNBOUNDED_TYPES = frozenset({"AWS Access Key"})
"""detect-secrets types whose pattern has no token boundary: a 20-character key id is matched
inside any longer run of letters and digits (a font or image in a ``data:`` URI)."""
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/]")


def _embedded(value: str, line: str) -> bool:
    """Every occurrence of ``value`` on ``line`` continues a longer run of token characters.

    An AWS key id is exactly 20 characters and no format carries one glued to other letters
    or digits: such a run is not the key id, and gitleaks, trufflehog and GitHub's secret
    scanning all require the boundary. One free-standing occurrence is a key id.
    """
    start = line.find(value)
    if start < 0:
        return False
    while start >= 0:
        end = start + len(value)
        before = line[start - 1] if start else ""
        after = line[end] if end < len(line) else ""
        if not (_TOKEN_CHARS.match(before) or _TOKEN_CHARS.match(after)):
            return False
        start = line.find(value, start + 1)
    return True


def _plain_note(secret: Any, line: str) -> Note | None:
    """A ``low`` look-alike rating for a detect-secrets hit none of our detectors explains."""
    value = secret.secret_value or ""
    if secret.type == _PEM_TYPE or not value:
        return None
    if secret.type in _UNBOUNDED_TYPES and _embedded(value, line):
        return Note(str(secret.type), Severity.LOW, Classification.CHECKSUM_INVALID,
                    "inside a longer run of letters and digits (no token boundary): not a key id")
    stand_in = placeholder_reason(value, documented_example_suffix=secret.type == "AWS Access Key")
    if stand_in is not None:
        return Note(str(secret.type), Severity.LOW, stand_in.classification, stand_in.reason)
    if digest_reason(value, line) is not None:
        return Note(str(secret.type), Severity.LOW, Classification.DIGEST,
                    "a digest or UUID, named as one")
    return None


def _loud(hit: DetectorSecret) -> bool:
    """Our hit is a live format or a rated credential, not a look-alike."""
    return hit.gate_note is not None and not hit.gate_note.classification.quiet


def _flat(value: str) -> str:
    """A value without line breaks, escaped or not (a key in a JSON string is one line)."""
    return re.sub(r"\\r|\\n|\s", "", value)


def _covers(ours: DetectorSecret, secret: Any) -> bool:
    """Whether our hit names the same secret as a detect-secrets hit on its line."""
    note = ours.gate_note
    assert note is not None and note.detector is not None
    if secret.type == _PEM_TYPE:
        return note.detector.extend is not None
    mine, theirs = _flat(ours.secret_value or ""), _flat(secret.secret_value or "")
    if not theirs:
        return False
    # a look-alike only re-rates what it spans entirely: never a longer value around it
    return theirs in mine or (mine in theirs and not note.classification.quiet)


_ADJACENT = tuple(range(8))
"""Where our hit may start relative to detect-secrets' line for the same value: the same line,
or the next seven (an ``EC PARAMETERS`` block may come first) when detect-secrets' line opens
a YAML block scalar (``key: |``)."""
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


def _same_secret(secret: Any, number: int, line: str, by_line: dict[int, list[DetectorSecret]],
                 spans: list[tuple[int, int, DetectorSecret]]) -> DetectorSecret | None:
    """Our hit naming the same secret as detect-secrets' ``secret`` (at line ``number``), if any.

    On its line (or the lines below a YAML block scalar's key); inside one of
    our multi-line values (a JWK's ``"d"``, a PuTTY line); or the very same
    value on a neighbouring line, which then moves up to the first line.
    """
    nearby = _ADJACENT if _BLOCK_SCALAR.search(line) else (0,)
    match = next((h for near in nearby for h in by_line.get(number + near, ())
                  if _covers(h, secret)), None)
    if match is None:
        match = next((h for first, last, h in spans
                      if first < number <= last and _covers(h, secret)), None)
    if match is None and secret.secret_value:
        match = next((h for near in (-2, -1, 1, 2) for h in by_line.get(number + near, ())
                      if h.secret_value == secret.secret_value and _loud(h)), None)
        if match is not None and match.line_number > number:
            match.line_number = number  # one finding, on the first line
    return match


def merge(found: list[Any], ours: list[DetectorSecret], lines: Sequence[str],
          plugins: dict[str, Any]) -> Iterator[Any]:
    """detect-secrets' hits and ours, as one stream the check can group per secret.

    Every detect-secrets hit is kept (fidelity), except a heuristic one
    (high entropy, keyword) whose value is a hash by proof: a password-hash
    encoding, or a digest its line names as an integrity/hash field (lock
    files, ``--hash=`` pins). Where one of ours names the
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
    matched: dict[int, tuple[DetectorSecret, list[Any]]] = {}
    dropped: set[int] = set()
    spans = [(hit.line_number, hit.line_number + (hit.secret_value or "").count("\n"), hit)
             for hit in ours if "\n" in (hit.secret_value or "")]
    for secret in found:
        number = int(secret.line_number)
        line = lines[number - 1] if 1 <= number <= len(lines) else ""
        match = _same_secret(secret, number, line, by_line, spans)
        if match is not None and match.line_number != number:
            # detect-secrets' YAML view reports a block scalar at its key's line; the value
            # (a key's BEGIN line) starts below: one finding, on the value's first line
            secret.line_number = number = match.line_number
        if match is None:
            if secret.type in GENERIC_TYPES and hash_field(secret.secret_value or "", line,
                                                         str(secret.filename)):
                dropped.add(id(secret))  # a lock file's integrity hash, a password hash
                continue
            secret.gate_note = _plain_note(secret, line)
        else:
            used.add(id(match))
            matched.setdefault(id(match), (match, []))[1].append(secret)
    for match, secrets in matched.values():
        # same value, then the same fingerprint material (the check widens short captures and
        # takes a PEM key's whole block, whatever else named it): one finding for all of them
        pem = [s for s in secrets if s.type == _PEM_TYPE]
        chosen = pem[0] if pem else secrets[0]
        value = chosen.secret_value if pem else match.secret_value
        same = materials(chosen.type, value or "", lines, int(chosen.line_number),
                         plugins.get(chosen.type))
        material = same[0] if len(same) == 1 else match.secret_value
        match.secret_value = material
        for secret in secrets:
            if secret.type != _PEM_TYPE:
                secret.secret_value = material
    yield from (secret for secret in found if id(secret) not in dropped)
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

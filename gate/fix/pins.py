"""Rewriting exact pins in manifests to the version that fixes their advisories.

Only an exact ``name==version`` (or ``===``) pin that the dependencies check
reported is ever touched, and only its version token: comments, extras,
markers, spacing and line endings stay as they are; unpinned lines are never
edited. A pin carrying ``--hash`` is not rewritten (the hashes would no longer
match): it is reported as needing a re-lock, as are lock files.

Manifests are untrusted input: they are only read as text, inside the
repository, and never larger than :data:`MAX_BYTES`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from gate.report.grouping import PackageFix

__all__ = ["MAX_BYTES", "FixPlan", "Skipped", "plan_fixes"]

MAX_BYTES = 1_000_000

_REQ_PIN = re.compile(
    r"^(?P<lead>\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*"
    r"===?\s*)(?P<version>[A-Za-z0-9!+._-]+)")
_QUOTED = re.compile(r""""(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'""")
_POETRY_PIN = re.compile(
    r"""^(?P<lead>\s*["']?(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=\s*"""
    r"""(?:\{[^}]*?\bversion\s*=\s*)?["'](?:==)?)(?P<version>[A-Za-z0-9!+._-]+)(?=["'])""")
_TABLE = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*(#.*)?$")
_PROJECT_TABLES = ("project", "project.optional-dependencies", "dependency-groups")
_LOCKS = ("poetry.lock", "uv.lock")


@dataclass(frozen=True)
class Skipped:
    """A pin that was not rewritten, and why (for the user to act on)."""

    package: str
    version: str
    path: str
    line: int | None
    reason: str


@dataclass
class FixPlan:
    """New contents per file, the pins changed, and the ones left alone."""

    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    """repo-relative path -> (old text, new text)."""
    changed: list[tuple[PackageFix, int]] = field(default_factory=list)
    """Each rewritten pin, with the number of lines changed for it."""
    skipped: list[Skipped] = field(default_factory=list)


def _same(name: str, version: str, fix: PackageFix) -> bool:
    if canonicalize_name(name) != fix.package:
        return False
    try:
        return Version(version) == Version(fix.version)
    except InvalidVersion:
        return False


def _logical(lines: Sequence[str], index: int) -> str:
    """The requirement line at ``index`` with its backslash continuations."""
    out, i = [], index
    while i < len(lines):
        out.append(lines[i])
        if not lines[i].rstrip("\r\n").endswith("\\"):
            break
        i += 1
    return "".join(out)


def _rewrite_requirements(lines: list[str], fix: PackageFix, target: str) -> int | str:
    """Rewrite the pin's line (or the one matching line); lines changed, or why not."""
    def matches(i: int) -> re.Match[str] | None:
        m = _REQ_PIN.match(lines[i])
        return m if m and _same(m["name"], m["version"], fix) else None

    order = ([fix.line - 1] if fix.line and 0 < fix.line <= len(lines) else [])
    found = [i for i in order if matches(i)] or [i for i in range(len(lines)) if matches(i)]
    if not found:
        return f"no exact pin {fix.package}=={fix.version} found in the file"
    for i in found:
        if "--hash" in _logical(lines, i):
            return ("pinned with --hash: update the requirement and re-lock "
                    "(e.g. pip-compile --generate-hashes) so the hashes match")
    for i in found:
        m = matches(i)
        assert m is not None
        lines[i] = lines[i][: m.start("version")] + target + lines[i][m.end("version"):]
    return len(found)


def _rewrite_quoted(m: re.Match[str], fix: PackageFix, target: str) -> str:
    """One quoted TOML string: the pin's version replaced when it is the pin, else as it was."""
    inner = m["dq"] if m["dq"] is not None else m["sq"]
    pin = _REQ_PIN.match(inner)
    if pin is None or not _same(pin["name"], pin["version"], fix):
        return m.group(0)
    quote = m.group(0)[0]
    return f"{quote}{inner[: pin.start('version')]}{target}{inner[pin.end('version'):]}{quote}"


def _rewrite_pyproject(lines: list[str], fix: PackageFix, target: str) -> int | str:
    """Rewrite exact pins in the dependency tables of a ``pyproject.toml``."""
    table, count = "", 0
    for i, text in enumerate(lines):
        header = _TABLE.match(text)
        if header:
            table = header["name"].strip()
            continue
        poetry = table.startswith("tool.poetry") and table.endswith("dependencies")
        if table in _PROJECT_TABLES:
            new = _QUOTED.sub(lambda m: _rewrite_quoted(m, fix, target), text)
        elif poetry:
            m = _POETRY_PIN.match(text)
            new = (text[: m.start("version")] + target + text[m.end("version"):]
                   if m and _same(m["name"], m["version"], fix) else text)
        else:
            continue
        if new != text:
            lines[i], count = new, count + 1
    return count or f"no exact pin {fix.package}=={fix.version} found in a dependency table"


def _read(root: Path, rel: str) -> str | None:
    from gate.checks.dependencies.repo_paths import resolve_in_repo

    resolved = resolve_in_repo(root, rel)
    if resolved is None or not resolved[1].is_file() or resolved[1].is_symlink():
        return None
    if resolved[1].stat().st_size > MAX_BYTES:
        return None
    try:
        with resolved[1].open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _skip(fix: PackageFix, reason: str) -> Skipped:
    return Skipped(fix.package, fix.version, fix.path, fix.line, reason)


def plan_fixes(root: Path, packages: Sequence[PackageFix]) -> FixPlan:
    """Work out every rewrite without writing anything."""
    plan = FixPlan()
    for fix in packages:
        name = fix.path.rpartition("/")[2]
        if fix.fix_version is None:
            ids = ", ".join(fix.unfixed or fix.advisories)
            plan.skipped.append(_skip(fix, f"no fix released ({ids})"))
            continue
        if name in _LOCKS or (name.startswith("pylock") and name.endswith(".toml")):
            plan.skipped.append(_skip(fix, f"lock file: require {fix.package}>="
                                           f"{fix.fix_version} and re-lock"))
            continue
        current = plan.files[fix.path][1] if fix.path in plan.files else _read(root, fix.path)
        if current is None:
            plan.skipped.append(_skip(fix, "file unreadable, too large, a symlink or outside "
                                           "the repository"))
            continue
        lines = current.splitlines(keepends=True)
        rewrite = _rewrite_pyproject if name == "pyproject.toml" else _rewrite_requirements
        outcome = rewrite(lines, fix, fix.fix_version)
        if isinstance(outcome, str):
            plan.skipped.append(_skip(fix, outcome))
            continue
        original = plan.files[fix.path][0] if fix.path in plan.files else current
        plan.files[fix.path] = (original, "".join(lines))
        plan.changed.append((fix, outcome))
    return plan

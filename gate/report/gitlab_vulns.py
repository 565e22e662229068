"""One finding as a GitLab security-report vulnerability (schema 15.x).

GitLab tracks a vulnerability by scanner, primary identifier and location, so
the primary identifier is the gate rule id (stable), and ``tracking`` carries
our line-free fingerprint as a signature so GitLab's advanced tracking can
follow code that moves. ``description`` is rendered as GitLab Flavored
Markdown, so tool text goes through :func:`gate.report.escape.md_text`. No
field ever carries a secret value: findings never hold one, and the
``raw_source_code_extract`` field GitLab offers is never filled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gate.findings import Finding
from gate.report.escape import md_text
from gate.report.interop import clean_text, http_url, repo_path, stable_uuid
from gate.report.severity_map import ADVISORY_CAP, GITLAB_SEVERITY, platform_severity
from gate.result import RunResult

__all__ = ["Locator", "dependency_files", "dependency_location", "secret_location",
           "source_location", "vulnerability"]

Locator = Callable[[Finding, RunResult], dict[str, Any]]

_MAX_NAME = 255
_MAX_SOLUTION = 7000
_MAX_DESCRIPTION = 20_000
_CWE = re.compile(r"^CWE-(\d+)$", re.IGNORECASE)
_ALIAS_TYPES: tuple[tuple[str, str, str | None], ...] = (
    # prefix, identifier type, URL template
    ("CVE-", "cve", "https://nvd.nist.gov/vuln/detail/{}"),
    ("GHSA-", "ghsa", "https://github.com/advisories/{}"),
    ("PYSEC-", "pysec", "https://osv.dev/vulnerability/{}"),
    ("CKV", "checkov", None),
)


def _plain(value: str, limit: int) -> str:
    """Plain text GitLab shows verbatim: control characters dropped, length capped."""
    return clean_text(value, limit)


def _identifier(kind: str, name: str, value: str, url: str | None) -> dict[str, str]:
    ident = {"type": kind, "name": _plain(name, _MAX_NAME), "value": _plain(value, _MAX_NAME)}
    if url and http_url(url):
        ident["url"] = url
    return ident


def identifiers(f: Finding) -> list[dict[str, str]]:
    """The gate rule first (GitLab's primary identifier), then CWE and advisory aliases."""
    found = [_identifier(f"gate_{f.check}", f"{f.check} {f.rule_id}", f.rule_id,
                         http_url(f.help_url))]
    for cwe in f.cwe:
        match = _CWE.match(cwe.strip())
        if match:
            number = match.group(1)
            found.append(_identifier("cwe", f"CWE-{number}", number,
                                     f"https://cwe.mitre.org/data/definitions/{number}.html"))
    for n, alias in enumerate((f.rule_id, *f.aliases)):
        kind, url = "alias", None
        for prefix, alias_kind, template in _ALIAS_TYPES:
            if alias.upper().startswith(prefix):
                kind, url = alias_kind, template.format(alias) if template else None
                break
        if n > 0 or kind != "alias":  # a rule id that is a CVE or GHSA is one as well
            found.append(_identifier(kind, alias, alias, url))
    unique = {(i["type"], i["value"]): i for i in found if i["value"]}
    return list(unique.values())


def _solution(f: Finding) -> str | None:
    parts: list[str] = []
    if f.fixed_versions:
        current = f" from {f.version}" if f.version else ""
        parts.append(f"Upgrade {f.package or 'the package'}{current} to a fixed version: "
                     f"{', '.join(f.fixed_versions)}.")
    if f.fix:
        parts.append(f.fix)
    return _plain(" ".join(parts), _MAX_SOLUTION) if parts else None


def _description(f: Finding, blocks: bool) -> str:
    paragraphs = [md_text(f.message, 4000)]
    if not blocks:
        paragraphs.append(f"Severity {f.severity.label}, reported at most as "
                          f"{ADVISORY_CAP.label}: it does not fail the gate where it is "
                          f"({md_text(f.context, 20)})")
    if f.confidence is not None:
        paragraphs.append(f"Confidence: {f.confidence.label}")
    paragraphs.append(f"Reported by the gate {md_text(f.check, 40)} check; "
                      f"fingerprint {md_text(f.fingerprint, 80)}")
    return "\n\n".join(paragraphs)[:_MAX_DESCRIPTION]


def source_location(f: Finding, run: RunResult) -> dict[str, Any]:
    """SAST and IaC: the file and its line span (lines omitted when unknown)."""
    loc: dict[str, Any] = {"file": repo_path(f.location.path)}
    if f.location.start_line:
        loc["start_line"] = f.location.start_line
        loc["end_line"] = max(f.location.end_line or 0, f.location.start_line)
    return loc


def secret_location(f: Finding, run: RunResult) -> dict[str, Any]:
    """Secrets: as for source, plus the commit GitLab requires (zeros when unknown)."""
    loc = source_location(f, run)
    loc["commit"] = {"sha": run.context.get("sha") or "0000000"}
    return loc


def dependency_location(f: Finding, run: RunResult) -> dict[str, Any]:
    """Dependencies: the manifest or lock file and the package at its installed version."""
    return {"file": repo_path(f.location.path),
            "dependency": {"package": {"name": f.package or f.rule_id},
                           "version": f.version or "unknown"}}


def vulnerability(f: Finding, key: str, run: RunResult, locate: Locator,
                  track: bool, blocks: bool = True) -> dict[str, Any]:
    """The vulnerability object; ``key`` is the finding's occurrence key (see interop).

    ``blocks``: whether the finding fails where it is (before suppression); when not, its
    severity is capped (:func:`gate.report.severity_map.platform_severity`), so an approval
    policy on High or Critical acts only on what the gate fails on.
    """
    vuln: dict[str, Any] = {
        "id": stable_uuid(f.check, f.rule_id, key),
        "name": _plain(f.title or f"{f.check} {f.rule_id}", _MAX_NAME),
        "description": _description(f, blocks),
        "severity": GITLAB_SEVERITY[platform_severity(f.severity, blocks)],
        "identifiers": identifiers(f),
        "location": locate(f, run),
    }
    solution = _solution(f)
    if solution:
        vuln["solution"] = solution
    url = http_url(f.help_url)
    if url:
        vuln["links"] = [{"name": f"{f.check} {f.rule_id}", "url": url}]
    if track:
        item: dict[str, Any] = {"file": repo_path(f.location.path),
                                "signatures": [{"algorithm": "hash", "value": key}]}
        if f.location.start_line:
            item["start_line"] = f.location.start_line
            item["end_line"] = max(f.location.end_line or 0, f.location.start_line)
        vuln["tracking"] = {"type": "source", "items": [item]}
    return vuln


_MANAGERS: tuple[tuple[str, str], ...] = (
    ("pipfile", "pipenv"), ("pipfile.lock", "pipenv"), ("poetry.lock", "poetry"),
    ("uv.lock", "uv"), ("pdm.lock", "pdm"), ("setup.py", "setuptools"),
    ("setup.cfg", "setuptools"),
)


def _package_manager(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    return next((manager for file, manager in _MANAGERS if name == file), "pip")


def dependency_files(findings: list[Finding]) -> list[dict[str, Any]]:
    """``dependency_files`` (required by the 15.x schema): the vulnerable packages per file.

    Only packages with findings are listed: the gate is not an SBOM tool, and
    GitLab links each vulnerability to its entry here.
    """
    files: dict[str, dict[tuple[str, str], None]] = {}
    for f in findings:
        name = f.package or f.rule_id
        files.setdefault(repo_path(f.location.path), {})[(name, f.version or "unknown")] = None
    return [{"path": path, "package_manager": _package_manager(path),
             "dependencies": [{"package": {"name": n}, "version": v} for n, v in sorted(deps)]}
            for path, deps in sorted(files.items()) if path]

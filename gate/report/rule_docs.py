"""An absolute documentation link for every finding (``help_url``), so every report can link it.

The checks set what they know: bandit's plugin pages, OSV advisories, a
provider's token documentation. IaC and pipeline rules link their anchor in
``docs/rules.md`` relative to the project (``docs/rules.md#gate-aws-s3-001``),
which a PR comment, code scanning or GitLab cannot open; detect-secrets'
own plugins have no page at all. Here every link becomes absolute, pointing at
the documentation of the gate version that produced the finding, and a finding
with no link gets its check's page.
"""

from __future__ import annotations

import re
from dataclasses import replace

import gate
from gate.findings import Finding
from gate.report.interop import http_url
from gate.result import RunResult

__all__ = ["DOCS_URL", "doc_url", "with_doc_links"]

DOCS_URL = f"https://github.com/ci-security-gate/ci-security-gate/blob/v{gate.__version__}/docs/"
"""The documentation of this release (a tag exists for every release)."""

_CHECK_PAGES = {"sast": "checks/sast.md", "dependencies": "checks/dependencies.md",
                "secrets": "checks/secrets.md", "iac": "rules.md"}
_RELATIVE = re.compile(r"^docs/([A-Za-z0-9_./-]+\.md)(#[a-z0-9-]+)?$")


def doc_url(f: Finding) -> str | None:
    """The finding's link, made absolute; else its check's page; ``None`` for an unknown check."""
    if http_url(f.help_url):
        return f.help_url
    relative = _RELATIVE.match(f.help_url or "")
    if relative and ".." not in relative.group(1):
        return DOCS_URL + relative.group(1) + (relative.group(2) or "")
    page = _CHECK_PAGES.get(f.check)
    return DOCS_URL + page if page else None


def with_doc_links(run: RunResult) -> RunResult:
    """``run`` with every finding's ``help_url`` absolute (see :func:`doc_url`)."""
    findings = []
    for f in run.findings:
        url = doc_url(f)
        findings.append(f if url == f.help_url else f.changed(help_url=url))
    return replace(run, findings=tuple(findings))

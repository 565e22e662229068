"""The report formats by name, as data: importing this module loads no reporter (nor the
result model), so the command line can offer them before anything is loaded."""

from __future__ import annotations

__all__ = ["FORMATS", "SIZE_LIMITED"]

FORMATS: dict[str, str] = {
    "text": "gate.report.text:TextReporter",
    "json": "gate.report.json:JsonReporter",
    "markdown": "gate.report.markdown:MarkdownReporter",
    "sarif": "gate.report.sarif:SarifReporter",
    "junit": "gate.report.junit:JunitReporter",
    "gitlab-sast": "gate.report.gitlab:GitlabSastReporter",
    "gitlab-secrets": "gate.report.gitlab:GitlabSecretsReporter",
    "gitlab-dependencies": "gate.report.gitlab:GitlabDependenciesReporter",
    "codequality": "gate.report.codequality:CodeQualityReporter",
    "cyclonedx": "gate.report.cyclonedx:CycloneDxReporter",
}


SIZE_LIMITED = frozenset({"sarif", "junit", "gitlab-sast", "gitlab-secrets",
                          "gitlab-dependencies", "codequality"})
"""Formats a platform ingests: kept under :data:`gate.report.budget.MAX_REPORT_BYTES`."""

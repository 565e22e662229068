"""GitLab security reports: ``gitlab-sast``, ``gitlab-secrets`` and ``gitlab-dependencies``.

Each is a GitLab security report (schema 15.x) for ``artifacts:reports:sast``,
``secret_detection`` and ``dependency_scanning``; what goes into which, and
why suppressed findings are left out, is in :mod:`gate.report.gitlab_security`.
"""

from __future__ import annotations

import json

from gate.report.gitlab_security import DEPENDENCIES, SAST, SECRETS, ReportKind, security_report
from gate.report.interface import Reporter
from gate.result import RunResult

__all__ = ["GitlabDependenciesReporter", "GitlabSastReporter", "GitlabSecretsReporter"]


class _GitlabReporter(Reporter):
    """Shared rendering; subclasses only pick the report kind."""

    kind: ReportKind

    def render(self, run: RunResult) -> str:
        """Pretty-printed JSON, so a failed ingestion is easy to read in the job artifacts."""
        return json.dumps(security_report(run, self.kind), indent=2, ensure_ascii=False) + "\n"


class GitlabSastReporter(_GitlabReporter):
    """SAST and IaC findings for GitLab's security widget and dashboard."""

    name = "gitlab-sast"
    description = "GitLab SAST report (sast, iac and plugin checks)"
    kind = SAST


class GitlabSecretsReporter(_GitlabReporter):
    """Secret findings for GitLab's secret detection widget (values never included)."""

    name = "gitlab-secrets"
    description = "GitLab secret detection report"
    kind = SECRETS


class GitlabDependenciesReporter(_GitlabReporter):
    """Vulnerable dependencies for GitLab's dependency scanning widget."""

    name = "gitlab-dependencies"
    description = "GitLab dependency scanning report"
    kind = DEPENDENCIES

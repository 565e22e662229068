"""GitLab Code Quality (a subset of Code Climate's issue format), for the MR diff view.

Code Quality is available on every GitLab tier, unlike the security widget, so
it is the cheapest way to see findings inline in a merge request. GitLab keeps
only the first issue per fingerprint, so each issue carries the finding's
occurrence key (its fingerprint, suffixed for repeats). Suppressed findings are
left out for the same reason as in the GitLab security reports: the format
cannot mark them, and the widget would present them as new problems.
"""

from __future__ import annotations

import json
from typing import Any

from gate.findings import Finding
from gate.report.interface import Reporter
from gate.report.interop import clean_text, occurrence_keys, repo_path
from gate.report.scope import Blocking, blocking
from gate.report.severity_map import CODEQUALITY_SEVERITY, platform_severity
from gate.result import RunResult

__all__ = ["CodeQualityReporter"]

_MAX_DESCRIPTION = 2000


def _issue(f: Finding, key: str, blocks: bool) -> dict[str, Any]:
    line = f.location.start_line if f.location.start_line and f.location.start_line > 0 else 1
    lines = {"begin": line}
    if f.location.end_line and f.location.end_line > line:
        lines["end"] = f.location.end_line
    text = f"[{f.severity.label}] {f.rule_id}: {f.message}"
    if f.fixed_versions:
        text += f" (fixed in {', '.join(f.fixed_versions)})"
    return {
        "type": "issue",
        "check_name": clean_text(f"gate/{f.check}/{f.rule_id}", 255),
        "description": clean_text(text, _MAX_DESCRIPTION),
        "categories": ["Security"],
        "fingerprint": key,
        "severity": CODEQUALITY_SEVERITY[platform_severity(f.severity, blocks)],
        "location": {"path": repo_path(f.location.path), "lines": lines},
    }


class CodeQualityReporter(Reporter):
    """A JSON array of Code Quality issues, one per active finding."""

    name = "codequality"
    description = "GitLab Code Quality report (MR diff annotations, all tiers)"

    def render(self, run: RunResult) -> str:
        """Active findings only, in report order (most severe first)."""
        keys = occurrence_keys(run.findings)
        issues = [_issue(f, keys[i], blocking(run, i) == Blocking.CONTEXT)
                  for i, f in enumerate(run.findings) if not f.suppressed]
        return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"

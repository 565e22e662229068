"""The GitHub check run: the verdict as its conclusion, one annotation per finding.

GitHub takes at most 50 annotations per request, so the run is created with
the first 50 and updated with the rest, 50 at a time, up to a cap (500 by
default); past the cap the summary says how many were left out. The check run
is created already ``completed``: the verdict lands with the first request,
and a job that dies half-way through the annotations leaves a correct
conclusion rather than a check stuck ``in_progress``.

Annotations are plain text on GitHub, but paths and messages come from the
scanned repository: they are cleaned to one line and cut to size.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from github.CheckRun import CheckRun
from github.GithubObject import NotSet
from github.Repository import Repository

from gate.context import Context
from gate.findings import Finding, Severity
from gate.publish.interface import PublishSettings
from gate.publish.retry import ApiFailure, call
from gate.publish.text import clean, status_description
from gate.report.markdown import render_markdown
from gate.result import RunResult, Verdict

__all__ = ["CHECK_NAME", "PER_REQUEST", "CheckRunWriter", "build_annotations", "conclusion"]

CHECK_NAME = "gate"
PER_REQUEST = 50
"""GitHub's limit of annotations per create/update request."""
_TEXT_BUDGET = 60_000
"""``output.text`` and ``output.summary`` are limited to 65,535 characters."""

Annotation = dict[str, Any]


def conclusion(verdict: str) -> str:
    """``success`` only for a pass: a gate that could not judge fails closed."""
    return "success" if verdict == Verdict.PASS else "failure"


def _level(finding: Finding, failing: bool) -> str:
    if failing:
        return "failure"
    return "warning" if finding.severity >= Severity.MEDIUM else "notice"


def build_annotations(run: RunResult, cap: int) -> tuple[list[Annotation], int]:
    """Failing findings first, then the rest (suppressed ones never); and how many were cut."""
    failing = [(f, True) for i, f in enumerate(run.findings) if i in run.failing]
    others = [(f, False) for i, f in enumerate(run.findings)
              if i not in run.failing and not f.suppressed]
    chosen = (failing + others)[:cap]
    out = []
    for f, is_failing in chosen:
        start = f.location.start_line or 1
        end = max(start, f.location.end_line or start)
        title = f"{f.rule_id}: {f.title}" if f.title else f.rule_id
        out.append({
            "path": clean(f.location.path, 1000),
            "start_line": start,
            "end_line": end,
            "annotation_level": _level(f, is_failing),
            "title": clean(f"[{f.severity.label}] {title}", 255),
            "message": clean(f.message or f.rule_id, 2000),
        })
    return out, len(failing) + len(others) - len(chosen)


class CheckRunWriter:
    """Creates one check run per publish and feeds it its annotations."""

    def __init__(self, repo: Repository, context: Context, settings: PublishSettings,
                 classify: Callable[[Exception], ApiFailure | None]) -> None:
        self.repo, self.context, self.settings, self.classify = repo, context, settings, classify
        self.external_id = uuid.uuid4().hex
        """Unique per publish: how a create that may have landed is found again."""

    def _output(self, run: RunResult, batch: list[Annotation], total: int, cut: int) -> dict[str, Any]:
        summary = status_description(run)
        if total:
            summary += f"\n\n{total} finding(s) annotated on their lines."
        if cut:
            summary += (f" {cut} more not annotated (the cap is {self.settings.max_annotations});"
                        " they are in the full report.")
        text = render_markdown(run, max_chars=_TEXT_BUDGET, details_url=self.context.run_url)
        return {"title": clean(f"gate {summary.splitlines()[0]}", 255), "summary": summary,
                "text": text, "annotations": batch}

    def _find_created(self) -> CheckRun | None:
        commit = self.repo.get_commit(self.context.sha or "")
        return next((c for c in commit.get_check_runs(check_name=CHECK_NAME)
                     if c.external_id == self.external_id), None)

    def write(self, run: RunResult) -> None:
        """Create the completed check run, then add the remaining annotations in batches."""
        notes, cut = build_annotations(run, self.settings.max_annotations)
        batches = [notes[i:i + PER_REQUEST] for i in range(0, len(notes), PER_REQUEST)] or [[]]
        url = self.context.run_url
        details = url if url and url.startswith(("https://", "http://")) else NotSet
        check = call(lambda: self.repo.create_check_run(
                         name=CHECK_NAME, head_sha=self.context.sha or "", status="completed",
                         conclusion=conclusion(run.verdict), external_id=self.external_id,
                         output=self._output(run, batches[0], len(notes), cut),
                         details_url=details),
                     classify=self.classify, policy=self.settings.retry,
                     what="create check run", recover=self._find_created)
        done = len(batches[0])
        for batch in batches[1:]:
            done += len(batch)
            self._add(check, self._output(run, batch, len(notes), cut), done)

    def _add(self, check: CheckRun, output: dict[str, Any], expected: int) -> None:
        """One batch of annotations; an update that may have landed is counted, not resent."""

        def send() -> bool:
            check.edit(output=output)
            return True

        def landed() -> bool | None:
            count = self.repo.get_check_run(check.id).output.annotations_count
            return True if (count or 0) >= expected else None

        call(send, classify=self.classify, policy=self.settings.retry,
             what="add check run annotations", recover=landed)

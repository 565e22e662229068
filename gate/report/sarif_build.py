"""Build the pieces of a SARIF 2.1.0 log: one run per check, its rules, results and notices.

The layout (documented in ``docs/formats.md``): each check that ran is its own
``run`` whose ``tool.driver`` is the underlying tool (bandit, pip-audit,
detect-secrets, gate-iac) and whose ``automationDetails.id`` is
``gate/<check>/``. GitHub keys an analysis on tool and category, and since
July 2025 rejects a file with two runs in one category, so each check gets
its own category and its alerts open and close independently. The gate
itself appears as the ``conversion`` tool: it turned each tool's output into
SARIF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gate.findings import Finding, Severity, Suppression
from gate.report.interop import http_url
from gate.report.sarif_notices import (
    SRCROOT,
    conversion,
    invocation,
    message,
    notice,
    physical,
    sarif_text,
)
from gate.report.scope import Blocking, blocking
from gate.report.severity_map import ADVISORY_CAP, SARIF_LEVEL, SECURITY_SEVERITY
from gate.result import CheckOutcome, RunResult, Verdict

__all__ = ["ADVISORY_SUFFIX", "FINGERPRINT_KEY", "CheckSlice", "build_run", "check_slices",
           "level", "sarif_rule_id"]

ADVISORY_SUFFIX = "/advisory"
"""Appended to the rule id of a finding that does not fail where it is (a test, the docs):
GitHub rates an alert by its rule, so these need a rule of their own, capped at Medium."""

FINGERPRINT_KEY = "gate/v1"
_MAX_TAGS = 20  # GitHub rejects a rule with more tags than this


@dataclass(frozen=True)
class CheckSlice:
    """One check's share of the run: its outcome (if it reported one) and its findings."""

    name: str
    outcome: CheckOutcome | None
    indexes: tuple[int, ...]
    """Indexes into ``RunResult.findings``, in report order."""


def check_slices(run: RunResult) -> list[CheckSlice]:
    """A slice for every check that ran (skipped ones would close their alerts), in run order.

    Findings from a check with no outcome (a merged or hand-made result) still
    get a run: a result is never dropped for want of a tool description.
    """
    by_check: dict[str, list[int]] = {}
    for i, f in enumerate(run.findings):
        by_check.setdefault(f.check, []).append(i)
    slices = [CheckSlice(c.name, c, tuple(by_check.pop(c.name, ())))
              for c in run.checks if c.verdict != Verdict.SKIPPED or c.name in by_check]
    slices += [CheckSlice(name, None, tuple(idx)) for name, idx in sorted(by_check.items())]
    return slices


def _cwe_tag(cwe: str) -> str:
    """GitHub's convention for CWE tags: ``external/cwe/cwe-78``."""
    return f"external/cwe/{cwe.lower()}"


def sarif_rule_id(run: RunResult, index: int) -> str:
    """The rule id a result carries: the tool's, or with :data:`ADVISORY_SUFFIX`.

    Whether a finding fails where it is (before suppression and newness) is a
    property of its rule, severity, confidence and path: suppressing it or a
    base comparison never moves its alert to another rule.
    """
    f = run.findings[index]
    if blocking(run, index) == Blocking.CONTEXT:
        return f.rule_id
    return f.rule_id + ADVISORY_SUFFIX


def level(run: RunResult, index: int) -> str:
    """``error`` exactly when the finding fails the gate; else ``warning`` at most."""
    if run.is_failing(index):
        return "error"
    found = SARIF_LEVEL[run.findings[index].severity]
    return "warning" if found == "error" else found


def _rule(rule_id: str, check: str, findings: Sequence[Finding]) -> dict[str, Any]:
    """A rule from every kept finding of it; severity is the worst among them.

    GitHub ranks an alert by its rule's ``security-severity``, not by the
    result, so the rule carries the most severe instance: under-ranking a
    critical result would be the worse mistake. An advisory rule (findings
    that do not fail where they are) is capped at Medium, so that GitHub's
    High and Critical, which fail its own pull request check by default,
    always mean the gate fails too.
    """
    worst = max(f.severity for f in findings)
    if rule_id.endswith(ADVISORY_SUFFIX):
        worst = min(worst, ADVISORY_CAP)
    first = findings[0]
    tags = ["security", check]
    for f in findings:
        tags += [_cwe_tag(c) for c in f.cwe]
    url = next((u for u in (http_url(f.help_url) for f in findings) if u), None)
    rule: dict[str, Any] = {"id": rule_id}
    if first.title:
        rule["name"] = first.title
    rule["shortDescription"] = message(first.title or rule_id)
    if url:
        rule["helpUri"] = url
    help_lines = [first.fix] if first.fix else []
    if first.cwe:
        help_lines.append("Weakness: " + ", ".join(first.cwe))
    if first.aliases:
        help_lines.append("Also known as: " + ", ".join(first.aliases))
    if url:
        help_lines.append(f"More: {url}")
    if help_lines:
        rule["help"] = {"text": sarif_text("\n".join(help_lines))}
    found = SARIF_LEVEL[worst]
    default = "warning" if found == "error" and rule_id.endswith(ADVISORY_SUFFIX) else found
    rule["defaultConfiguration"] = {"level": default}
    rule["properties"] = {"security-severity": SECURITY_SEVERITY[worst],
                          "tags": list(dict.fromkeys(tags))[:_MAX_TAGS]}
    return rule


def _suppression(s: Suppression) -> dict[str, Any]:
    """``inSource`` for an inline marker the policy honoured; ``external`` for waivers and baselines."""
    why = s.kind + (f": {s.reason}" if s.reason else "")
    if s.expires:
        why += f" (expires {s.expires.isoformat()})"
    return {"kind": "inSource" if s.kind == "inline" else "external", "status": "accepted",
            "justification": why}


def _result(run: RunResult, i: int, rule_index: dict[str, int], key: str) -> dict[str, Any]:
    f = run.findings[i]
    failing = run.is_failing(i)
    rule_id = sarif_rule_id(run, i)
    text = f.message.rstrip()
    if f.fixed_versions:
        text += ("" if text.endswith((".", "!", "?")) else ".")
        text += f" Fixed in: {', '.join(f.fixed_versions)}."
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index[rule_id],
        "level": level(run, i),
        "message": message(text),
        "partialFingerprints": {FINGERPRINT_KEY: key},
    }
    if f.location.path:
        result["locations"] = [physical(f.location.path, f.location.start_line,
                                         f.location.end_line)]
    if f.related:
        result["relatedLocations"] = [
            {"id": n, **physical(r.location.path, r.location.start_line, r.location.end_line),
             "message": message(r.message)} for n, r in enumerate(f.related, start=1)]
    if f.flow:
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {**physical(s.location.path, s.location.start_line, s.location.end_line),
                          "message": message(s.message)}}
            for s in f.flow]}]}]
    if f.suppression is not None:
        result["suppressions"] = [_suppression(f.suppression)]
    if f.new is not None:
        result["baselineState"] = "new" if f.new else "unchanged"
    props: dict[str, Any] = {"gate/severity": f.severity.label, "gate/failing": failing,
                             "gate/context": f.context}
    if f.confidence is not None:
        props["gate/confidence"] = f.confidence.label
    if f.package:
        props["gate/package"] = f.package
        props["gate/version"] = f.version or ""
        props["gate/fixedVersions"] = list(f.fixed_versions)
    result["properties"] = props
    return result


def build_run(run: RunResult, part: CheckSlice, keys: Sequence[str], kept: Sequence[int],
              *, first: bool) -> dict[str, Any]:
    """One SARIF run for one check, with only the ``kept`` findings as results.

    Findings cut for GitHub's limits are counted in ``properties`` and in a
    notification, so nobody mistakes a truncated upload for a clean one.
    """
    outcome = part.outcome
    kept_set = set(kept)
    by_rule: dict[str, list[Finding]] = {}
    for i in kept:
        by_rule.setdefault(sarif_rule_id(run, i), []).append(run.findings[i])
    rule_index = {rule_id: n for n, rule_id in enumerate(by_rule)}
    results = [_result(run, i, rule_index, keys[i]) for i in kept]
    omitted = [run.findings[i] for i in part.indexes if i not in kept_set]
    props: dict[str, Any] = {"gate/check": part.name}
    extra: list[dict[str, Any]] = []
    if outcome is not None:
        props.update({"gate/verdict": outcome.verdict, "gate/failOn": outcome.fail_on.label,
                      "gate/filesScanned": outcome.files_scanned})
    if omitted:
        props["gate/omittedResults"] = len(omitted)
        props["gate/omittedBySeverity"] = {
            s.label: n for s in sorted(Severity, reverse=True)
            if (n := sum(1 for f in omitted if f.severity == s))}
        extra.append(notice(
            f"{len(omitted)} less severe results were left out to stay within GitHub's code "
            "scanning limits; the JSON report has every finding.", "warning",
            "gate/results-truncated"))
    driver: dict[str, Any] = {"name": (outcome.tool if outcome else "") or part.name,
                              "rules": [_rule(r, part.name, fs) for r, fs in by_rule.items()]}
    if outcome is not None and outcome.tool_version:
        driver["version"] = outcome.tool_version
    return {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"gate/{part.name}/"},
        "conversion": conversion(run, first),
        "invocations": [invocation(outcome, part.name, extra)],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The repository root."}}},
        "results": results,
        "properties": props,
    }

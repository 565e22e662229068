"""The JUnit XML report: findings as test cases, so CI test panels show them.

One ``testsuite`` per check (named ``gate.<check>``) and one ``testcase`` per
finding: a failing finding is a ``<failure>``, a suppressed one is
``<skipped>`` with the reason, one below the threshold passes and keeps its
details in ``<system-out>``. A check that could not complete adds a test case
with an ``<error>``; a check with no findings gets one passing test case, so
the panel shows that it ran. GitLab, Jenkins and most JUnit viewers read this
dialect (the common subset of the Ant/Surefire schema).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from gate.findings import Finding
from gate.report.interface import Reporter
from gate.report.interop import clean_text as xml_text
from gate.report.interop import repo_path, run_window
from gate.result import CheckOutcome, RunResult, Verdict

__all__ = ["JunitReporter"]

_MAX_ATTR = 500


def _where(f: Finding) -> str:
    line = f":{f.location.start_line}" if f.location.start_line else ""
    return f"{repo_path(f.location.path)}{line}"


def _details(f: Finding, failing: bool) -> str:
    lines = [f.message, "", f"rule: {f.rule_id}" + (f" ({f.title})" if f.title else ""),
             f"severity: {f.severity.label}", f"location: {_where(f)}"]
    if f.confidence is not None:
        lines.append(f"confidence: {f.confidence.label}")
    if f.package:
        lines.append(f"package: {f.package} {f.version or ''}".rstrip())
    if f.fixed_versions:
        lines.append(f"fixed in: {', '.join(f.fixed_versions)}")
    if f.fix:
        lines.append(f"fix: {f.fix}")
    if f.cwe:
        lines.append(f"cwe: {', '.join(f.cwe)}")
    if f.help_url:
        lines.append(f"help: {f.help_url}")
    lines.append(f"fingerprint: {f.fingerprint}")
    lines.append("fails the gate" if failing else "does not fail the gate")
    return xml_text("\n".join(lines))


def _case(suite: ET.Element, classname: str, name: str, **attrs: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": classname, "name": xml_text(name),
                                             "time": "0", **attrs})


def _finding_case(suite: ET.Element, classname: str, name: str, f: Finding,
                  failing: bool) -> str:
    """Add one finding's test case; return its outcome (failure, skipped or passed)."""
    attrs = {"file": xml_text(repo_path(f.location.path))}
    if f.location.start_line:
        attrs["line"] = str(f.location.start_line)
    case = _case(suite, classname, name, **attrs)
    headline = xml_text(f"[{f.severity.label}] {f.rule_id}: {f.message}", _MAX_ATTR)
    if f.suppression is not None:
        s = f.suppression
        why = f"suppressed ({s.kind})" + (f": {s.reason}" if s.reason else "")
        ET.SubElement(case, "skipped", {"message": xml_text(why, _MAX_ATTR)})
        ET.SubElement(case, "system-out").text = _details(f, failing)
        return "skipped"
    if failing:
        failure = ET.SubElement(case, "failure", {"message": headline,
                                                  "type": f.severity.label})
        failure.text = _details(f, failing)
        return "failure"
    ET.SubElement(case, "system-out").text = _details(f, failing)
    return "passed"


def _suite(run: RunResult, name: str, outcome: CheckOutcome | None,
           items: list[tuple[int, Finding]]) -> ET.Element:
    classname = xml_text(f"gate.{name}", _MAX_ATTR)
    suite = ET.Element("testsuite", {"name": classname})
    tally: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for i, f in items:
        base = f"{f.rule_id} at {_where(f)}"
        seen[base] += 1
        label = base if seen[base] == 1 else f"{base} #{seen[base]}"
        tally[_finding_case(suite, classname, label, f, run.is_failing(i))] += 1
    if outcome is not None and outcome.verdict == Verdict.SKIPPED and not items:
        case = _case(suite, classname, f"{name} check")
        ET.SubElement(case, "skipped", {"message": "check not run"})
        tally["skipped"] += 1
    elif outcome is not None and outcome.errors:
        case = _case(suite, classname, f"{name} check completes")
        message = xml_text(f"{name} could not complete: {outcome.errors[0]}", _MAX_ATTR)
        error = ET.SubElement(case, "error", {"message": message, "type": "CheckError"})
        error.text = xml_text("\n".join(outcome.errors))
        tally["error"] += 1
    elif not items:
        _case(suite, classname, f"{name} check: no findings")
        tally["passed"] += 1
    notes = [f"warning: {w}" for w in (outcome.warnings if outcome else ())]
    notes += [f"not scanned: {n.path}" + (f":{n.line}" if n.line else "") + f" ({n.reason})"
              for n in (outcome.not_scanned if outcome else ())]
    if notes:
        ET.SubElement(suite, "system-err").text = xml_text("\n".join(notes))
    suite.set("tests", str(sum(tally.values())))
    suite.set("failures", str(tally["failure"]))
    suite.set("errors", str(tally["error"]))
    suite.set("skipped", str(tally["skipped"]))
    suite.set("time", f"{outcome.duration:.3f}" if outcome else "0")
    window = run_window(run)
    if window:
        suite.set("timestamp", window[0].strftime("%Y-%m-%dT%H:%M:%S"))
    return suite


class JunitReporter(Reporter):
    """JUnit XML for test-report panels (GitLab ``artifacts:reports:junit``, Jenkins, ...)."""

    name = "junit"
    description = "JUnit XML: one test suite per check, one test case per finding"

    def render(self, run: RunResult) -> str:
        """The whole document, with an XML declaration, indented."""
        grouped: dict[str, list[tuple[int, Finding]]] = {}
        for i, f in enumerate(run.findings):
            grouped.setdefault(f.check, []).append((i, f))
        root = ET.Element("testsuites", {"name": "gate"})
        for c in run.checks:
            root.append(_suite(run, c.name, c, grouped.pop(c.name, [])))
        for name, items in sorted(grouped.items()):
            root.append(_suite(run, name, None, items))
        for key in ("tests", "failures", "errors", "skipped"):
            root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
        root.set("time", f"{run.duration:.3f}")
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

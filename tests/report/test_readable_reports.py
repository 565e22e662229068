"""Snapshots of the human reports on a run with hundreds of low findings.

The terminal and Markdown reports must put the verdict before any list and
stay short (under 60 lines without ``--verbose``). The expected outputs are
committed under ``tests/report/snapshots/``; after an intended layout change,
regenerate them with ``GATE_UPDATE_SNAPSHOTS=1 python -m pytest tests/report`` and review
the diff.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from many_findings import SHA, many_findings_run, write_sources
from rich.cells import cell_len

from gate.checks.interface import NotScanned
from gate.findings import Finding, Location, Severity
from gate.report.markdown import render_markdown
from gate.report.text import TextReporter
from gate.result import RunResult
from gate.verdict import sort_findings

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _matches_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("GATE_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed (see the module docstring)"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return write_sources(tmp_path)


def test_terminal_report_snapshot(checkout: Path) -> None:
    text = TextReporter(width=100, root=checkout).render(many_findings_run())
    _matches_snapshot("terminal.txt", text)
    lines = text.splitlines()
    assert len(lines) < 60
    assert lines[0] == "gate: FAIL  5 failing · 1,162 findings · 1 suppressed · 3 not scanned (5.3s)"
    verdict_table = lines.index("check         status  findings  failing  suppressed  "
                                "not scanned  fails on  tool")
    assert verdict_table < lines.index("Failing findings (3)")
    assert ["sast", "B101", "assert_used", "\u00d71,084", "low", "test"] in [
        line.split() for line in lines]
    # the dataflow, one line per step, and the module call the IaC finding came through
    assert "    1. app/views.py:5: request.args.get('q')" in lines
    assert "    via infra/main.tf:1-3: module.logs" in lines
    # excerpts come from the checkout
    assert "    6 │     return db.execute(\"SELECT * FROM t WHERE name = '%s'\" % q)" in lines


def test_terminal_report_verbose_lists_everything(checkout: Path) -> None:
    run = many_findings_run()
    text = TextReporter(width=100, root=checkout, verbose=True).render(run)
    assert text.startswith("gate: FAIL")
    assert sum(1 for line in text.splitlines() if " B101 " in line) == 1084
    assert text.rstrip().endswith("gate: FAIL (5 failing)")
    assert len(text.splitlines()) > len(run.findings)


def test_terminal_report_respects_width_and_no_color(
        checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = many_findings_run()
    narrow = TextReporter(width=60, root=checkout).render(run)
    assert max(len(line) for line in narrow.splitlines()) <= 60
    coloured = TextReporter(rich=True, width=100).render(run)
    assert "\x1b[" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    plain = TextReporter(rich=True, width=100).render(run)
    assert "\x1b[" not in plain
    assert plain == TextReporter(width=100).render(run)


def test_markdown_report_snapshot() -> None:
    body = render_markdown(many_findings_run(), max_chars=65_536,
                           details_url="https://github.com/acme/shop/actions/runs/7")
    _matches_snapshot("comment.md", body)
    lines = body.splitlines()
    assert len(lines) < 60
    assert lines[0] == "## ❌ gate failed"
    assert lines.index("| Check | Status | Findings | Failing | Suppressed | Not scanned | "
                       "Fails on | Tool |") < lines.index("### Failing findings (3)")
    blob = f"https://github.com/acme/shop/blob/{SHA}/"
    assert f"({blob}app/views.py#L6)" in body
    assert f"({blob}infra/modules/bucket/main.tf#L1-L6)" in body
    assert "**upgrade urllib3 to 1\\.26\\.18**: fixes 6 advisories (high)" in body
    assert "**py 1\\.11\\.0: no fix released** for PYSEC\\-2022\\-42969" in body
    assert "<details><summary>Not failing: 1,148 findings (test 1,084 · code 57 · docs 6 · " \
           "example 1)</summary>" in body
    assert f"from [<code>app/views\\.py</code>]({blob}app/views.py#L5) (line 5) to " \
           f"[<code>app/views\\.py</code>]({blob}app/views.py#L6) (line 6)" in body
    assert f"via [<code>infra/main\\.tf&#58;1\\-3</code>]({blob}infra/main.tf#L1-L3)" in body


def test_markdown_links_on_gitlab() -> None:
    run = many_findings_run()
    gitlab = {"platform": "gitlab", "repository": "42", "sha": SHA,
              "project_url": "https://gitlab.example/group/shop"}
    body = render_markdown(type(run)(**{**run.__dict__, "context": gitlab}))
    assert f"(https://gitlab.example/group/shop/-/blob/{SHA}/app/views.py#L6)" in body
    assert f"/-/blob/{SHA}/infra/modules/bucket/main.tf#L1-6)" in body
    local = render_markdown(type(run)(**{**run.__dict__, "context": {"platform": "local"}}))
    assert "/blob/" not in local and "<code>app/views\\.py&#58;6</code>" in local


def test_terminal_report_caps_long_lists(checkout: Path) -> None:
    run = many_findings_run()
    noisy = type(run)(**{**run.__dict__, "warnings": tuple(f"waiver {i} expired" for i in range(40)),
                         "failing": frozenset(i for i, f in enumerate(run.findings)
                                              if not f.suppressed)})
    text = TextReporter(width=100, root=checkout).render(noisy)
    lines = text.splitlines()
    assert len(lines) < 90  # more than ten failing findings: by rule, then counts
    assert "  … 35 more warnings (--verbose)" in lines
    assert "Failing findings (1,151), by rule" in lines
    assert "  --verbose lists every failing finding" in lines


LONG_WARNING = ("dependencies: pyproject.toml declares 'django>=4.2,<6' and no lock file pins it: "
                "the range was not audited, because any version in it could be installed; add a "
                "lock file (uv.lock, poetry.lock) or pin it in requirements.txt")
LONG_REASON = ("not audited: 'flask>=2.0' is not pinned, and neither uv.lock nor poetry.lock "
               "lists it; pin it or commit the lock file")


def _crowded_run() -> RunResult:
    """Long rule names, every finding failing, long warnings and not-scanned reasons."""
    run = many_findings_run()
    extra = [
        Finding("secrets", "Base64 High Entropy String", Severity.HIGH,
                "Base64 High Entropy String found (value redacted)",
                Location("frontend/pnpm-lock.yaml", 1204, 1204), "fp-entropy", context="code"),
        Finding("iac", "GATE-K8S-POD-SECURITY-CONTEXT-ALLOW-PRIVILEGE-ESCALATION-001",
                Severity.HIGH, "Container api allows privilege escalation",
                Location("deploy/kubernetes/overlays/production/api-deployment.yaml", 31, 31),
                "fp-k8s", title="Containers must not allow privilege escalation", context="iac"),
    ]
    findings = sort_findings([*run.findings, *extra])
    not_scanned = (*run.not_scanned, NotScanned("src/" + "very_long_directory_name/" * 4
                                                + "module.py", LONG_REASON))
    return replace(run, findings=tuple(findings),
                   failing=frozenset(i for i, f in enumerate(findings) if not f.suppressed),
                   warnings=(LONG_WARNING, *(f"waiver {i} expired" for i in range(3))),
                   not_scanned=not_scanned)


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_report_fits_the_width(width: int, checkout: Path) -> None:
    text = TextReporter(width=width, root=checkout).render(_crowded_run())
    _matches_snapshot(f"terminal-{width}.txt", text)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    # Check names whole, reasons and warnings whole (wrapped on their own lines).
    assert [line.split()[0] for line in lines if line.startswith(("sast ", "dependencies ",
                                                                   "secrets ", "iac "))] == [
        "sast", "dependencies", "secrets", "iac"]
    flowing = " ".join(line.strip() for line in lines)
    assert f"warning: {LONG_WARNING}" in flowing
    assert LONG_REASON in flowing
    # More failing findings than a screen: grouped by rule, long rule names cut at their end.
    assert "Failing findings (1,153), by rule" in lines
    [entropy] = [line for line in lines if "secrets Base64" in line]
    assert entropy.startswith("  secrets Base64 High Entropy")


def test_a_failing_findings_title_is_cut_or_left_out_never_an_ellipsis_alone() -> None:
    f = Finding("sast", "B602", Severity.HIGH, "shell=True", Location(
        "src/pip/_internal/commands/configuration.py", 248, 248), "fp",
        title="subprocess_popen_with_shell_equals_true")
    roomy = TextReporter(width=120).render(replace(_crowded_run(), findings=(f,),
                                                   failing=frozenset({0})))
    narrow = TextReporter(width=80).render(replace(_crowded_run(), findings=(f,),
                                                   failing=frozenset({0})))
    assert ("  HIGH     sast B602  src/pip/_internal/commands/configuration.py:248  (code)  "
            "subprocess_popen_with_shell_equals_true") in roomy.splitlines()
    assert ("  HIGH     sast B602  src/pip/_internal/commands/configuration.py:248  (code)"
            ) in narrow.splitlines()

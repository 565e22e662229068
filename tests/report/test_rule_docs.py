"""Every finding carries an absolute documentation link (IaC, pipeline and secrets rules too)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import gate
from gate.cli.main import main
from gate.findings import Finding, Location, Severity
from gate.report.rule_docs import DOCS_URL, doc_url

BASE = f"https://github.com/ci-security-gate/ci-security-gate/blob/v{gate.__version__}/docs/"


def _f(check: str, rule: str, url: str | None) -> Finding:
    return Finding(check, rule, Severity.HIGH, "m", Location("a.tf", 1, 1), "fp", help_url=url)


def test_links_are_made_absolute_or_given_the_checks_page() -> None:
    assert DOCS_URL == BASE
    assert doc_url(_f("iac", "GATE-GHA-001", "docs/rules.md#gate-gha-001")) == (
        BASE + "rules.md#gate-gha-001")
    assert doc_url(_f("secrets", "Base64 High Entropy String", None)) == (
        BASE + "checks/secrets.md")
    bandit = "https://bandit.readthedocs.io/en/latest/plugins/b602.html"
    assert doc_url(_f("sast", "B602", bandit)) == bandit
    # Anything odd in a relative link is not followed: the check's page instead.
    assert doc_url(_f("iac", "X", "docs/../../etc/passwd.md")) == BASE + "rules.md"
    assert doc_url(_f("iac", "X", "javascript:alert(1)")) == BASE + "rules.md"
    assert doc_url(_f("plugin-check", "X", None)) is None


def test_a_run_reports_absolute_links_for_pipeline_rules(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                        "      - uses: some-org/deploy-action@v1\n", encoding="utf-8")
    # A medium finding in CI: outside the SARIF's default scope, so the policy widens it.
    (root / ".gate.yml").write_text("reports:\n  scope:\n    sarif: all\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    report, sarif = tmp_path / "gate.json", tmp_path / "gate.sarif"
    main(["run", str(root), "--checks", "pipeline", "--no-post", "--no-cache",
          "--report", f"json={report}", "--report", f"sarif={sarif}"])
    found = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert [(f["rule_id"], f["help_url"]) for f in found] == [
        ("GATE-GHA-001", BASE + "rules.md#gate-gha-001")]
    rules = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["tool"]["driver"]["rules"]
    assert [r["helpUri"] for r in rules] == [BASE + "rules.md#gate-gha-001"]

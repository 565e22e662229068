"""The sast check with its dataflow layer: taint findings beside bandit's, and downgrades."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gate.checks.sast import SastCheck
from gate.checks.sast.taint_scan import MARK_RULE
from gate.findings import Confidence, FlowStep, Location, Severity

if TYPE_CHECKING:  # the fixture's class, from tests/checks/conftest.py
    from conftest import SourceTree

APP = (
    "import subprocess\n"                                                    # 1  B404
    "from flask import Flask, request\n"                                     # 2
    "app = Flask(__name__)\n"                                                # 3
    "\n"                                                                     # 4
    "@app.route('/user')\n"                                                  # 5
    "def user(cursor):\n"                                                    # 6
    "    name = request.args.get('name')\n"                                  # 7
    "    cursor.execute(\"SELECT * FROM u WHERE n = '%s'\" % name)\n"        # 8  B608 + taint
    "\n"                                                                     # 9
    "@app.route('/count')\n"                                                 # 10
    "def count(cursor):\n"                                                   # 11
    "    limit = 42\n"                                                       # 12
    "    cursor.execute(\"SELECT * FROM u LIMIT %s\" % limit)\n"             # 13 B608, proven safe
    "    subprocess.run('uptime', shell=True)\n"                             # 14 B602, proven safe
    "    return 'ok'\n"                                                      # 15
)


def test_taint_finding_carries_cwe_path_and_confidence(source_tree: SourceTree) -> None:
    source_tree.write("app.py", APP)
    result = SastCheck().run(source_tree.target())

    taint = [f for f in result.findings if f.rule_id == "GATE-PY-SQLI"]
    assert len(taint) == 1
    finding = taint[0]
    assert finding.check == "sast"
    assert finding.cwe == ("CWE-89",)
    assert finding.severity == Severity.HIGH
    assert finding.confidence == Confidence.HIGH
    assert finding.location == Location("app.py", 8, 8)
    assert finding.flow == (
        FlowStep(Location("app.py", 7, 7), "user input: request.args"),
        FlowStep(Location("app.py", 7, 7), "assigned to name"),
        FlowStep(Location("app.py", 8, 8), "reaches cursor.execute"),
    )
    assert "request.args (line 7) reaches cursor.execute (line 8)" in finding.message
    assert [f for f in result.findings if f.rule_id == MARK_RULE] == []


def test_bandit_finding_on_proven_safe_sink_is_downgraded_not_dropped(
        source_tree: SourceTree) -> None:
    source_tree.write("app.py", APP)
    result = SastCheck().run(source_tree.target())

    b608 = sorted((f for f in result.findings if f.rule_id == "B608"), key=lambda f: f.start_line or 0)
    assert [(f.start_line, f.severity) for f in b608] == [(8, Severity.MEDIUM), (13, Severity.INFO)]
    downgraded = dict(b608[1].extra)
    assert downgraded["bandit_severity"] == "medium"
    assert downgraded["downgraded_by"] == \
        "dataflow: every value reaching the SQL string (line 13) is proven safe"
    assert downgraded["proof"] == "constant"
    assert "[downgraded: dataflow:" in b608[1].message
    b602 = [f for f in result.findings if f.rule_id == "B602"]
    assert [(f.start_line, f.severity) for f in b602] == [(14, Severity.INFO)]
    assert dict(b602[0].extra)["proof"] == "constant"
    b404 = [f for f in result.findings if f.rule_id == "B404"]  # B607 (partial path) is a use
    assert [(f.start_line, f.severity) for f in b404] == [(1, Severity.LOW)]


def test_import_warning_stays_when_a_shell_sink_is_tainted(source_tree: SourceTree) -> None:
    source_tree.write("tool.py", "import subprocess\nfrom flask import request\n\n"
                                 "def run():\n"
                                 "    subprocess.run(request.args['c'], shell=True)\n")
    result = SastCheck().run(source_tree.target())

    assert sorted((f.rule_id, f.start_line, f.severity) for f in result.findings) == [
        ("B404", 1, Severity.LOW), ("B602", 5, Severity.HIGH),
        ("GATE-PY-CMDI", 5, Severity.HIGH)]


def test_inline_marker_is_attached_to_a_taint_finding(source_tree: SourceTree) -> None:
    source_tree.write("app.py", "import os\nfrom flask import request\n\ndef v():\n"
                                "    os.system(request.args['c'])  # gate:ignore[GATE-PY-CMDI] lab only\n")
    result = SastCheck().run(source_tree.target())

    taint = [f for f in result.findings if f.rule_id == "GATE-PY-CMDI"]
    assert len(taint) == 1
    assert taint[0].suppression is not None
    assert taint[0].suppression.reason == "lab only"
    assert taint[0].suppression.rules == ("GATE-PY-CMDI",)


def test_pooled_and_cached_runs_agree_with_the_plain_run(source_tree: SourceTree,
                                                         tmp_path: object) -> None:
    source_tree.write("app.py", APP)
    source_tree.write("other.py", "import os\nfrom app import app\n")
    plain = SastCheck().run(source_tree.target())
    from dataclasses import replace
    from pathlib import Path

    cache = Path(str(tmp_path)) / "cache"
    pooled = SastCheck().run(replace(source_tree.target(), jobs=2, cache_dir=cache))
    again = SastCheck().run(replace(source_tree.target(), jobs=2, cache_dir=cache))
    assert pooled.findings == plain.findings
    assert again.findings == plain.findings


def test_a_plain_run_leaves_the_collector_as_it_found_it(source_tree: SourceTree) -> None:
    """The one-process run scans with the collector off, and turns it back on (or leaves it off)."""
    import gc

    source_tree.write("app.py", APP)
    assert gc.isenabled()
    found = SastCheck().run(source_tree.target()).findings
    assert gc.isenabled()
    gc.disable()
    try:
        assert SastCheck().run(source_tree.target()).findings == found
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert [f.rule_id for f in found if f.rule_id.startswith("GATE-PY-")] != []

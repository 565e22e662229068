"""The sast check against real bandit, over fixture trees with planted flaws."""

from __future__ import annotations

import logging
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gate.checks.interface import CheckResult
from gate.checks.sast import SastCheck, python_files, scan_files
from gate.checks.sast.source import parse_marker
from gate.findings import Confidence, Finding, Severity

if TYPE_CHECKING:  # the fixture's class, from tests/checks/conftest.py
    from conftest import SourceTree

# Built at run time so that no scanner flags this test file itself.
PLANTED = "Tr0ub4dor" + "-horse-staple"

FLAWS = (
    "import subprocess\n"                        # 1  B404
    "import yaml\n"                              # 2
    "\n"                                         # 3
    f'password = "{PLANTED}"\n'                 # 4  B105
    "\n"                                         # 5
    "def run(cmd):\n"                            # 6
    "    subprocess.call(cmd, shell=True)\n"     # 7  B602
    "\n"                                         # 8
    "def load(stream):\n"                        # 9
    "    return yaml.load(stream)\n"             # 10 B506
)
SHELL_CALL = "import subprocess\nsubprocess.call(c, shell=True)"


def only(result: CheckResult | object, rule_id: str) -> list[Finding]:
    """The findings of one rule, in line order."""
    findings: tuple[Finding, ...] = result.findings  # type: ignore[attr-defined]
    return sorted((f for f in findings if f.rule_id == rule_id), key=lambda f: f.start_line or 0)


def scan_one(tree: SourceTree, source: str, rel: str = "app.py") -> CheckResult:
    """Write one Python file and run the check over it."""
    tree.write(rel, source)
    return SastCheck().run(tree.target(rel))


# --- planted flaws ----------------------------------------------------------------------------


def test_planted_flaws_are_found_with_rule_path_and_line(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, FLAWS, "pkg/app.py")

    found = {(f.rule_id, f.path, f.start_line) for f in result.findings}
    assert {("B404", "pkg/app.py", 1), ("B105", "pkg/app.py", 4), ("B602", "pkg/app.py", 7),
            ("B506", "pkg/app.py", 10)} <= found
    assert result.check == "sast" and result.tool == "bandit" and result.tool_version
    assert result.status == "ok" and result.files_scanned == 1 and not result.not_scanned


def test_finding_keeps_bandit_metadata(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, FLAWS)

    [shell] = only(result, "B602")
    assert shell.check == "sast"
    assert shell.severity is Severity.HIGH
    assert shell.confidence is Confidence.HIGH
    assert shell.cwe == ("CWE-78",)
    assert shell.title == "subprocess_popen_with_shell_equals_true"
    assert ("test_name", "subprocess_popen_with_shell_equals_true") in shell.extra
    assert shell.help_url and "b602" in shell.help_url
    assert shell.end_line == 7
    assert shell.suppression is None
    [yaml_load] = only(result, "B506")
    assert yaml_load.severity is Severity.MEDIUM and yaml_load.cwe == ("CWE-20",)


def test_clean_file_has_no_findings(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, "def add(a, b):\n    return a + b\n")

    assert result.findings == () and result.not_scanned == () and result.files_scanned == 1


def test_only_python_sources_are_scanned(source_tree: SourceTree) -> None:
    source_tree.write("tool.py", "import subprocess\n")
    source_tree.write("stub.pyi", "import subprocess\n")
    source_tree.write("notes.txt", "subprocess.call(cmd, shell=True)\n")

    result = SastCheck().run(source_tree.target())

    assert {f.path for f in result.findings} == {"tool.py"}
    assert result.files_scanned == 1
    assert python_files(("a.py", "b.pyi", "c.txt", "d.py.bak")) == ("a.py",)


def test_no_python_files_is_an_empty_ok_result(source_tree: SourceTree) -> None:
    source_tree.write("README.md", "# hello\n")

    result = SastCheck().run(source_tree.target())

    assert result.findings == () and result.status == "ok" and result.files_scanned == 0


# --- files bandit cannot scan -----------------------------------------------------------------


def test_unparsable_file_is_not_scanned_and_others_still_found(source_tree: SourceTree) -> None:
    source_tree.write("good.py", FLAWS)
    source_tree.write("broken.py", "x = 1\ndef f(:\n    pass\n")

    result = SastCheck().run(source_tree.target())

    [skipped] = result.not_scanned
    assert skipped.path == "broken.py"
    assert skipped.line == 2
    assert "could not parse" in skipped.reason
    assert only(result, "B602")[0].path == "good.py"
    assert result.files_scanned == 1


def test_file_with_null_bytes_is_not_scanned(source_tree: SourceTree) -> None:
    source_tree.write("nul.py", b"x = 1\ny = 2\x00\n")

    result = SastCheck().run(source_tree.target())

    [skipped] = result.not_scanned
    assert skipped.path == "nul.py" and skipped.line == 2 and "null bytes" in skipped.reason
    assert result.findings == ()


def test_missing_file_is_not_scanned(source_tree: SourceTree) -> None:
    result = SastCheck().run(source_tree.target("gone.py"))

    [skipped] = result.not_scanned
    assert skipped.path == "gone.py" and "could not read" in skipped.reason


def test_bandit_logging_is_restored_after_a_scan(source_tree: SourceTree) -> None:
    logger = logging.getLogger("bandit")
    before = (logger.level, logger.propagate, list(logger.handlers))

    scan_one(source_tree, FLAWS)

    assert (logger.level, logger.propagate, list(logger.handlers)) == before


# --- inline suppressions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "rules", "reason", "kind"),
    [
        ("# nosec", (), None, "nosec"),
        ("# nosec B602", ("B602",), None, "nosec"),
        ("# nosec B602,B101", ("B602", "B101"), None, "nosec"),
        ("# nosec B602, B101 -- input is a constant", ("B602", "B101"),
         "input is a constant", "nosec"),
        ("# nosec: the command is a constant", (), "the command is a constant", "nosec"),
        ("# nosec subprocess_popen_with_shell_equals_true", ("B602",), None, "nosec"),
        ("# gate:ignore[B602] trusted admin tool", ("B602",), "trusted admin tool", "gate:ignore"),
        ("# gate:ignore[B602,B101] ok", ("B602", "B101"), "ok", "gate:ignore"),
    ],
)
def test_marker_becomes_suppression(source_tree: SourceTree, comment: str,
                                    rules: tuple[str, ...], reason: str | None,
                                    kind: str) -> None:
    result = scan_one(source_tree, f"{SHELL_CALL}  {comment}\n")

    [shell] = only(result, "B602")
    assert shell.suppression is not None
    assert shell.suppression.kind == "inline"
    assert shell.suppression.rules == rules
    assert shell.suppression.reason == reason
    assert shell.suppression.source == f"app.py:2 # {kind}"


@pytest.mark.parametrize(
    "comment",
    [
        "# nosec B101",             # names another rule
        "# nosec B999",             # names an unknown rule: narrows, never widens
        "# gate:ignore[B101] why",  # our marker, another rule
        "# gate:ignore[] why",      # our marker must name a rule
        "# nosecurity: see docs",   # not the word nosec (bandit would take it as one)
    ],
)
def test_marker_for_other_rules_does_not_suppress(source_tree: SourceTree, comment: str) -> None:
    result = scan_one(source_tree, f"{SHELL_CALL}  {comment}\n")

    [shell] = only(result, "B602")
    assert shell.suppression is None


def test_nosec_inside_a_string_is_not_a_marker(source_tree: SourceTree) -> None:
    result = scan_one(source_tree,
                      "import subprocess\nsubprocess.call('echo # nosec', shell=True)\n")

    assert only(result, "B602")[0].suppression is None


def test_nosec_on_the_closing_line_of_a_multiline_call(source_tree: SourceTree) -> None:
    source = "import subprocess\nsubprocess.call(\n    cmd,\n    shell=True,\n)  # nosec B602\n"

    result = scan_one(source_tree, source)

    [shell] = only(result, "B602")
    assert shell.suppression is not None and shell.suppression.source == "app.py:5 # nosec"


def test_suppressed_findings_are_still_reported(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, "import subprocess  # nosec\n")

    [imported] = only(result, "B404")
    assert imported.suppressed


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# just a comment", None),
        ("# noqa: S602 # nosec B602", ("B602",)),
        ("# nosec B602 # gate:ignore[B101] both", ("B101",)),
    ],
)
def test_parse_marker(comment: str, expected: tuple[str, ...] | None) -> None:
    marker = parse_marker(comment)

    assert (marker.rules if marker else None) == expected


# --- hardcoded passwords ----------------------------------------------------------------------


def test_password_literal_never_leaves_the_scan(source_tree: SourceTree) -> None:
    source = (
        f'password = "{PLANTED}"\n'
        f'connect(password="{PLANTED}")\n'
        f'def login(user, password="{PLANTED}"):\n    return user\n'
    )

    result = scan_one(source_tree, source)

    assert {f.rule_id for f in result.findings} >= {"B105", "B106", "B107"}
    for finding in result.findings:
        assert finding.message == "Possible hardcoded password: '[REDACTED]'"
    assert PLANTED not in repr(result)
    assert PLANTED.encode() not in pickle.dumps(result)


def test_password_quoted_in_the_marker_reason_is_redacted(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, f'password = "{PLANTED}"  # nosec: {PLANTED} is a dev default\n')

    [password] = only(result, "B105")
    assert password.suppression is not None
    assert password.suppression.reason == "[REDACTED] is a dev default"
    assert PLANTED not in repr(result)


def test_password_fingerprint_depends_on_the_line(source_tree: SourceTree) -> None:
    first = only(scan_one(source_tree, f'password = "{PLANTED}"\n'), "B105")[0]
    second = only(scan_one(source_tree, 'password = "an0ther-s3cret-v4lue"\n'), "B105")[0]

    assert first.fingerprint != second.fingerprint


# --- fingerprints -----------------------------------------------------------------------------


def test_fingerprint_survives_lines_above_and_reindenting(source_tree: SourceTree) -> None:
    before = only(scan_one(source_tree, FLAWS), "B602")[0]
    moved = ("# a new header comment\n\nimport os\n\n"
             + FLAWS.replace("    subprocess.call(cmd, shell=True)\n",
                             "    if cmd:\n        subprocess.call(cmd,  shell=True)\n"))
    after = only(scan_one(source_tree, moved), "B602")[0]

    assert after.start_line != before.start_line
    assert after.fingerprint == before.fingerprint


def test_adding_a_nosec_keeps_the_fingerprint(source_tree: SourceTree) -> None:
    before = only(scan_one(source_tree, FLAWS), "B602")[0]
    marked = FLAWS.replace("shell=True)\n", "shell=True)  # nosec B602\n")
    after = only(scan_one(source_tree, marked), "B602")[0]

    assert after.suppressed and after.fingerprint == before.fingerprint


def test_identical_flagged_lines_get_distinct_stable_fingerprints(source_tree: SourceTree) -> None:
    line = "subprocess.call(cmd, shell=True)\n"
    twice = only(scan_one(source_tree, "import subprocess\n" + line + "x = 1\n" + line), "B602")
    shifted = only(scan_one(source_tree, "import subprocess\n\n\n" + line + line), "B602")

    assert len({f.fingerprint for f in twice}) == 2
    assert [f.fingerprint for f in shifted] == [f.fingerprint for f in twice]


def test_same_flaw_in_two_files_differs(source_tree: SourceTree) -> None:
    source_tree.write("a.py", FLAWS)
    source_tree.write("b.py", FLAWS)

    a, b = only(SastCheck().run(source_tree.target()), "B602")

    assert a.path != b.path and a.fingerprint != b.fingerprint


# --- the scanning core ------------------------------------------------------------------------


def test_scan_files_is_picklable_for_a_process_pool(source_tree: SourceTree) -> None:
    source_tree.write("a.py", FLAWS)
    source_tree.write("broken.py", "def (:\n")

    scan = scan_files(source_tree.root, ["a.py", "broken.py"])

    assert pickle.loads(pickle.dumps(scan)) == scan
    assert scan.findings and scan.not_scanned


def test_scan_files_runs_in_a_spawned_worker(source_tree: SourceTree) -> None:
    source_tree.write("a.py", FLAWS)
    source_tree.write("broken.py", "def (:\n")
    here = scan_files(source_tree.root, ["a.py", "broken.py"])

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        scan = pool.submit(scan_files, source_tree.root, ["a.py", "broken.py"]).result()

    assert scan == here


def test_scan_files_with_a_relative_root(source_tree: SourceTree,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    source_tree.write("a.py", FLAWS)
    monkeypatch.chdir(source_tree.root.parent)

    scan = scan_files(Path(source_tree.root.name), ["a.py"])

    assert {f.path for f in scan.findings} == {"a.py"}


def test_weak_hash_is_medium_with_bandits_level_kept(tmp_path: Path) -> None:
    (tmp_path / "h.py").write_text("import hashlib\n\nkey = hashlib.md5(b'x').hexdigest()\n")
    scan = scan_files(tmp_path, ["h.py"])
    (weak,) = [f for f in scan.findings if f.rule_id == "B324"]
    assert weak.severity is Severity.MEDIUM
    assert dict(weak.extra)["bandit_severity"] == "high"

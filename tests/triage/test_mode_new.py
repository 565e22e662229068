"""New-findings-only gating on real git repositories, with the fake checks.

``lflaw`` is file-local (the base is rescanned only where the change touched
it, and in mode new so is the head); ``rflaw`` is not (the base is rescanned
whole). Both must agree on what is new.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from gitrepo import Repo

from gate.pipeline import RunOptions, run
from gate.policy import Mode
from gate.result import RunResult, Verdict

OLD = "import os\n\n\ndef legacy():\n    os.system('FLAW-high')\n"


def _run(repo: Repo, check: str, mode: Mode | None = Mode.NEW, base: str | None = "main",
         **kw: object) -> RunResult:
    return run(RunOptions(path=repo.root, checks=(check,), env={}, mode=mode, base=base,
                          **kw))  # type: ignore[arg-type]


def _pr(repo: Repo, files: dict[str, str]) -> Repo:
    repo.write({"app.py": OLD, "util.py": "x = 1\n"}).commit("base")
    repo.branch("feature").write(files).commit("feature")
    return repo


def _flags(result: RunResult) -> list[tuple[str, int | None, bool | None]]:
    return sorted((f.path, f.start_line, f.new) for f in result.findings)


@pytest.mark.parametrize("check", ["lflaw", "rflaw"])
def test_moved_old_flaw_and_new_file(fakes: dict[str, str], repo: Repo, check: str) -> None:
    moved = "import os\n" + "\n" * 5 + OLD.removeprefix("import os\n")
    _pr(repo, {"app.py": moved, "new.py": "eval('FLAW-high')\n"})
    result = _run(repo, check)
    assert _flags(result) == [("app.py", 10, False), ("new.py", 1, True)]
    assert result.verdict == Verdict.FAIL
    assert [(f.path, f.new) for f in result.failing_findings()] == [("new.py", True)]
    assert result.context["base"] == "main"
    assert result.context["merge_base"] == repo.git("rev-parse", "main")


@pytest.mark.parametrize("check", ["lflaw", "rflaw"])
def test_move_alone_passes_in_mode_new_and_fails_in_mode_all(
        fakes: dict[str, str], repo: Repo, check: str) -> None:
    reindented = "import os\n\n\n\n\n\nif True:\n    def legacy():\n        os.system('FLAW-high')\n"
    _pr(repo, {"app.py": reindented})
    new = _run(repo, check, Mode.NEW)
    assert new.verdict == Verdict.PASS
    assert _flags(new) == [("app.py", 9, False)]
    everything = _run(repo, check, Mode.ALL)
    assert everything.verdict == Verdict.FAIL
    assert _flags(everything) == [("app.py", 9, False)]


def test_mode_new_scans_only_changed_files_of_file_local_checks(
        fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {"new.py": "x = 2\n"})
    result = _run(repo, "lflaw")
    outcome = result.check("lflaw")
    assert outcome is not None and outcome.files_scanned == 1
    assert any("scanned only the files this change touched" in w for w in result.warnings)
    assert result.findings == ()  # app.py's old flaw is not even looked at
    assert result.verdict == Verdict.PASS
    full = _run(repo, "lflaw", Mode.ALL)
    assert _flags(full) == [("app.py", 5, False)]


@pytest.fixture
def cflaw(fakes: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The fakes and ``cflaw`` (reads ``.cfg`` files only)."""
    checks = {**fakes, "cflaw": "triage_fakes:ConfigFlaw"}
    monkeypatch.setattr("gate.checks.registry.BUILTIN_CHECKS", checks)
    return checks


def test_a_change_to_no_file_a_check_reads_scans_nothing_on_the_base(
        cflaw: dict[str, str], repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "scans.log"
    monkeypatch.setenv("CFLAW_LOG", str(log))
    repo.write({"app.cfg": "FLAW-high\n", "app.py": "x = 1\n"}).commit("base")
    repo.branch("feature").write({"app.py": "x = 2\n"}).commit("feature")
    result = _run(repo, "cflaw", Mode.ALL)
    assert _flags(result) == [("app.cfg", 1, False)]
    assert result.verdict == Verdict.FAIL
    assert log.read_text(encoding="utf-8").splitlines() == [str(repo.root)]  # the head only
    log.unlink()
    repo.write({"app.cfg": "FLAW-high\nFLAW-medium\n"}).commit("a file it reads")
    result = _run(repo, "cflaw", Mode.ALL)
    assert _flags(result) == [("app.cfg", 1, False), ("app.cfg", 2, True)]
    head, base = log.read_text(encoding="utf-8").splitlines()
    assert head == str(repo.root) and base != head  # the base, in its own temporary tree


def test_mode_new_gives_a_check_that_reads_no_changed_file_nothing_to_scan(
        cflaw: dict[str, str], repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "scans.log"
    monkeypatch.setenv("CFLAW_LOG", str(log))
    repo.write({"app.cfg": "FLAW-high\n", "app.py": "x = 1\n"}).commit("base")
    repo.branch("feature").write({"app.py": "x = 2\n"}).commit("feature")
    result = _run(repo, "cflaw")
    assert not log.exists()  # neither side was scanned: no worker ran the check
    assert result.findings == ()  # app.cfg's flaw is old by construction
    assert result.verdict == Verdict.PASS
    assert any("mode new: cflaw scanned only the files this change touched" in w
               for w in result.warnings)
    repo.delete("app.cfg").commit("deleting a file it reads is a change it must see")
    result = _run(repo, "cflaw")
    # the head has no .cfg file left (no worker), the base is scanned in its own tree
    (scanned,) = log.read_text(encoding="utf-8").splitlines()
    assert scanned != str(repo.root)
    assert result.findings == ()
    assert result.verdict == Verdict.EMPTY  # the head has no file left that it reads
    assert not any("cflaw scanned only" in w for w in result.warnings)


def test_renamed_file_keeps_its_findings_old(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({"app.py": OLD}).commit("base")
    repo.branch("feature")
    repo.git("mv", "app.py", "legacy.py")
    repo.commit("rename")
    for check in ("lflaw", "rflaw"):
        assert _flags(_run(repo, check)) == [("legacy.py", 5, False)]


def test_duplicate_flaw_is_new_only_once(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({"a.py": "eval('FLAW-high')\n"}).commit("base")
    repo.branch("feature").write({"a.py": "eval('FLAW-high')\neval('FLAW-high')\n"}).commit()
    assert [f.new for f in _run(repo, "lflaw").findings] == [False, True]


def test_uncommitted_and_untracked_changes_count(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({"app.py": OLD}).commit("base")
    repo.write({"scratch.py": "eval('FLAW-critical')\n"})  # untracked, not committed
    result = _run(repo, "lflaw")
    assert _flags(result) == [("scratch.py", 1, True)]
    assert result.verdict == Verdict.FAIL


def test_mode_all_with_base_still_marks_every_finding(fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {"new.py": "eval('FLAW-high')\n"})
    result = _run(repo, "lflaw", Mode.ALL)
    assert _flags(result) == [("app.py", 5, False), ("new.py", 1, True)]
    assert len(result.failing) == 2


def test_without_base_new_is_null_and_mode_new_fails_closed(
        fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {"new.py": "eval('FLAW-high')\n"})
    result = _run(repo, "lflaw", Mode.NEW, base=None)
    assert {f.new for f in result.findings} == {None}
    assert len(result.failing) == 2
    assert any("mode new without a base ref" in w for w in result.warnings)


def test_base_scan_failure_leaves_new_unknown(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({"app.py": OLD + "BOOM = 1\n"}).commit("base")
    repo.branch("feature").write({"app.py": OLD}).commit("defuse")
    result = _run(repo, "lflaw")
    assert _flags(result) == [("app.py", 5, None)]
    assert result.verdict == Verdict.FAIL  # unknown counts as new: fail closed
    assert any("could not scan the base" in w for w in result.warnings)


def test_policy_mode_new_from_file(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({"app.py": OLD, ".gate.yml": "mode: new\n"}).commit("base")
    repo.branch("feature").write({"util.py": "y = 1\n"}).commit()
    result = _run(repo, "lflaw", mode=None)
    assert result.mode == "new"
    assert result.verdict == Verdict.PASS


def test_base_from_ci_context(fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {"new.py": "eval('FLAW-high')\n"})
    env = {"GITLAB_CI": "true", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "CI_MERGE_REQUEST_IID": "7"}
    result = run(RunOptions(path=repo.root, checks=("lflaw",), env=env, mode=Mode.NEW))
    assert [(f.path, f.new) for f in result.failing_findings()] == [("new.py", True)]


def test_subdirectory_scan_root(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({"svc/app.py": OLD, "other/x.py": "eval('FLAW-high')\n"}).commit("base")
    moved = "\n\n" + OLD
    repo.branch("feature").write({"svc/app.py": moved, "svc/new.py": "eval('FLAW-low')\n",
                                  "other/y.py": "eval('FLAW-high')\n"}).commit()
    result = run(RunOptions(path=repo.root / "svc", checks=("rflaw",), env={}, mode=Mode.NEW,
                            base="main"))
    assert _flags(result) == [("app.py", 7, False), ("new.py", 1, True)]


def test_github_pull_request_on_a_depth_1_checkout(fakes: dict[str, str], repo: Repo,
                                                   tmp_path: Path) -> None:
    """actions/checkout's default: the PR merge commit, one commit deep, base not fetched."""
    _pr(repo, {"app.py": "\n\n" + OLD, "new.py": "eval('FLAW-high')\n",
               ".gate.yml": "checks:\n  lflaw: {enabled: false}\n"})
    repo.git("checkout", "-q", "--detach", "main")
    repo.write({"util.py": "x = 2\n"}).commit("main moves on")
    repo.git("merge", "-q", "--no-edit", "feature")
    repo.git("update-ref", "refs/pull/7/merge", "HEAD")
    repo.git("checkout", "-q", "main")
    clone = tmp_path / "checkout"
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    work = Repo(clone)
    work.git("remote", "add", "origin", f"file://{repo.root}")
    work.git("fetch", "-q", "--no-tags", "--depth=1", "origin", "+refs/pull/7/merge")
    work.git("checkout", "-q", "--detach", "FETCH_HEAD")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 7, "head": {"sha": repo.git("rev-parse", "feature")},
        "base": {"ref": "main"}}}))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "o/r"}
    result = run(RunOptions(path=clone, checks=("lflaw",), env=env, mode=Mode.NEW))
    assert _flags(result) == [("app.py", 7, False), ("new.py", 1, True)]
    assert [f.path for f in result.failing_findings()] == ["new.py"]
    assert result.policy_changed == (".gate.yml",)
    assert result.context["base"] == "main"

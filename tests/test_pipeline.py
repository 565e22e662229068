"""The flow end to end with fake checks: verdicts, exit codes, fail-closed behaviour."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.errors import UsageError
from gate.pipeline import RunOptions, run
from gate.result import Verdict
from gate.verdict import exit_code

MakeRepo = Callable[..., Path]


def _run(root: Path, checks: tuple[str, ...], **kw: object) -> object:
    return run(RunOptions(path=root, checks=checks, env={}, **kw))  # type: ignore[arg-type]


def test_clean_repo_passes(fake_checks: dict[str, str], make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert result.verdict == Verdict.PASS
    assert exit_code(result.verdict) == 0
    assert result.checks[0].files_scanned == 1


def test_high_finding_fails_under_default_policy(fake_checks: dict[str, str],
                                                  make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1  # FLAW-high\n", "b.py": "y = 2  # FLAW-medium\n"})
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert result.verdict == Verdict.FAIL
    assert exit_code(result.verdict) == 1
    failing = result.failing_findings()
    assert [(f.path, f.start_line, f.severity.label) for f in failing] == [("a.py", 1, "high")]
    assert len(result.findings) == 2  # the medium one is reported, not failing


def test_policy_threshold_per_check(fake_checks: dict[str, str], make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "# FLAW-low\n", ".gate.yml": "checks:\n  flaw: {fail_on: low}\n"})
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert result.verdict == Verdict.FAIL


@pytest.mark.parametrize("name, message", [
    ("crash", "crashed: RuntimeError: boom"),
    ("refuse", "service unreachable"),
    ("die", "worker process died (exit code 9)"),
])
def test_broken_check_fails_closed(fake_checks: dict[str, str], make_repo: MakeRepo,
                                   name: str, message: str) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    result = run(RunOptions(path=root, checks=("flaw", name), env={}))
    assert result.verdict == Verdict.ERROR
    assert exit_code(result.verdict) == 3
    outcome = result.check(name)
    assert outcome is not None and outcome.verdict == Verdict.ERROR
    assert outcome.errors == (message,)
    assert result.check("flaw").verdict == Verdict.PASS  # type: ignore[union-attr]


def test_timeout_is_an_error_and_the_worker_is_killed(fake_checks: dict[str, str],
                                                      make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    result = run(RunOptions(path=root, checks=("hang", "flaw"), timeout=2, env={}))
    assert result.verdict == Verdict.ERROR
    assert result.check("hang").errors == ("timed out after 2s",)  # type: ignore[union-attr]
    assert result.check("hang").duration < 30  # type: ignore[union-attr]


def test_on_error_warn_passes_with_a_warning(fake_checks: dict[str, str],
                                             make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n", ".gate.yml": "checks:\n  crash: {on_error: warn}\n"})
    result = run(RunOptions(path=root, checks=("crash",), env={}))
    assert result.verdict == Verdict.PASS
    assert "on_error: warn" in result.checks[0].warnings[-1]


def test_unparsable_file_is_reported_and_others_still_found(fake_checks: dict[str, str],
                                                            make_repo: MakeRepo) -> None:
    root = make_repo({"bad.py": "UNPARSABLE\n", "good.py": "# FLAW-high\n"})
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert [n.path for n in result.checks[0].not_scanned] == ["bad.py"]
    assert [f.path for f in result.findings] == ["good.py"]


def test_binary_and_large_files_are_left_to_the_secrets_check(fake_checks: dict[str, str],
                                                               make_repo: MakeRepo) -> None:
    root = make_repo({"small.py": "x = 1\n", "big.txt": "FLAW-high\n" * 50_000,
                      ".gate.yml": "max_file_size: 100KB\n"})
    (root / "blob.bin").write_bytes(b"\x00\x01FLAW-high")
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert result.not_scanned == ()  # the secrets check streams them (tests/test_inventory.py)
    assert result.checks[0].files_scanned == 2  # small.py and .gate.yml
    assert result.verdict == Verdict.PASS


def test_excludes_apply_globally_and_per_check(fake_checks: dict[str, str],
                                               make_repo: MakeRepo) -> None:
    root = make_repo({"vendor/x.py": "# FLAW-high\n", "tests/t.py": "# FLAW-high\n",
                      "src/s.py": "# FLAW-high\n",
                      ".gate.yml": "exclude: ['vendor/**']\nchecks:\n  flaw: {exclude: [tests/]}\n"})
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert [f.path for f in result.findings] == ["src/s.py"]


def test_gitignored_files_are_not_scanned(fake_checks: dict[str, str],
                                          make_repo: MakeRepo) -> None:
    root = make_repo({".gitignore": "build/\n", "a.py": "x = 1\n"})
    (root / "build").mkdir()
    (root / "build" / "gen.py").write_text("# FLAW-critical\n")
    (root / "new.py").write_text("# FLAW-high\n")  # untracked but not ignored: scanned
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert [f.path for f in result.findings] == ["new.py"]


def test_plain_directory_without_git(fake_checks: dict[str, str], make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "# FLAW-high\n", ".venv/lib/x.py": "# FLAW-high\n"}, git=False)
    result = run(RunOptions(path=root, checks=("flaw",), env={}))
    assert [f.path for f in result.findings] == ["a.py"]


def test_unknown_check_is_a_usage_error(fake_checks: dict[str, str], make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": ""})
    with pytest.raises(UsageError, match="unknown check"):
        run(RunOptions(path=root, checks=("nope",), env={}))


def test_missing_vuln_db_is_a_usage_error(fake_checks: dict[str, str],
                                          make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo({"a.py": ""})
    with pytest.raises(UsageError, match="--vuln-db"):
        run(RunOptions(path=root, checks=("flaw",), vuln_db=tmp_path / "missing", env={}))


def test_disabled_checks_do_not_run(fake_checks: dict[str, str], make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "# FLAW-high\n",
                      ".gate.yml": "checks:\n" + "".join(
                          f"  {n}: {{enabled: false}}\n" for n in fake_checks if n != "flaw")})
    result = run(RunOptions(path=root, env={}))
    assert [c.name for c in result.checks] == ["flaw"]


def test_reports_are_written(fake_checks: dict[str, str], make_repo: MakeRepo,
                             tmp_path: Path) -> None:
    root = make_repo({"a.py": "# FLAW-high\n"})
    out = tmp_path / "out"
    run(RunOptions(path=root, checks=("flaw",), env={},
                   reports=(("json", out / "r.json"), ("markdown", out / "r.md"))))
    data = json.loads((out / "r.json").read_text())
    assert data["schema_version"] == "1.0" and data["verdict"] == "fail"
    assert data["findings"][0]["failing"] is True
    assert "gate failed" in (out / "r.md").read_text()


def test_branch_override_from_context(fake_checks: dict[str, str], make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "# FLAW-medium\n",
                      ".gate.yml": "branches:\n  'release/*': {fail_on: medium}\n"})
    subprocess.run(["git", "-C", str(root), "branch", "release/2.0"], check=True)
    env = {"GITLAB_CI": "true", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "release/2.0"}
    assert run(RunOptions(path=root, checks=("flaw",), env=env)).verdict == Verdict.FAIL
    assert run(RunOptions(path=root, checks=("flaw",), env={})).verdict == Verdict.PASS


def test_files_set_aside_by_size_or_content_are_listed_by_the_checks_that_would_read_them(
        make_repo: MakeRepo) -> None:
    """A .py, a template or a manifest padded past max_file_size is never a silent pass."""
    padding = "# padding\n" * 200
    cfn = ('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": '
           '{"Type": "AWS::S3::Bucket"}}, "Pad": "' + "x" * 2000 + '"}')
    files = {
        "small.py": "import subprocess\nsubprocess.call(c, shell=True)\n",
        "big.py": "import subprocess\nsubprocess.call(c, shell=True)\n" + padding,
        "stack.json": cfn, "data.json": '{"rows": "' + "x" * 3000 + '"}',
        "requirements.txt": "requests==2.0.0\n" + padding,
        ".gate.yml": "max_file_size: 1KB\n"}
    root = make_repo(files)
    (root / "blob.py").write_bytes(b"import os\n\x00\n")
    result = run(RunOptions(path=root, checks=("sast", "iac", "dependencies", "secrets"),
                            env={}, jobs=1, vuln_db=Path(__file__).parent / "fixtures" / "osv"))
    listed = {c.name: [(n.path, n.reason) for n in c.not_scanned] for c in result.checks}
    def over(name: str) -> str:
        return (f"over max_file_size ({len(files[name]):,} bytes > 1,000 bytes): read by the "
                "secrets check only")

    binary = "binary content (a null byte near the start): read by the secrets check only"
    assert listed == {
        "sast": [("big.py", over("big.py")), ("blob.py", binary)],
        "iac": [("stack.json", over("stack.json"))],
        "dependencies": [("requirements.txt", over("requirements.txt"))],
        "secrets": [],
    }
    assert [(f.rule_id, f.path) for f in result.findings if f.check == "sast"] == [
        ("B602", "small.py"), ("B404", "small.py")]  # `c` is unresolved: B602 stays high


def test_the_tree_snapshot_goes_to_the_checks_that_key_their_cache_by_content(
        tmp_path: Path) -> None:
    """Taken once, with a cache only, for sast, secrets and iac; none for a check that does
    not use it (a run of the dependencies check alone takes none)."""
    from gate.checks.interface import ScanTarget
    from gate.checks.registry import BUILTIN_CHECKS
    from gate.inventory import build_inventory
    from gate.pipeline import _with_tree
    from gate.runner import CheckJob

    root = tmp_path / "r"
    root.mkdir()
    (root / "a.py").write_text("a = 1\n")
    (root / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    inventory = build_inventory(root)
    jobs = [CheckJob(name=name, target=BUILTIN_CHECKS[name], timeout=60,
                     scan=ScanTarget(root=inventory.root, files=inventory.files))
            for name in ("sast", "secrets", "iac", "dependencies")]
    given = {job.name: job.scan.tree for job in _with_tree(jobs, inventory, tmp_path / "c")}
    assert given["dependencies"] is None
    assert given["sast"] is not None and given["sast"] is given["secrets"] is given["iac"]
    assert sorted(given["sast"].ids) == ["a.py", "main.tf"]
    assert [job.scan.tree for job in _with_tree(jobs, inventory, None)] == [None] * 4
    assert [job.scan.tree for job in _with_tree(jobs[3:], inventory, tmp_path / "c")] == [None]

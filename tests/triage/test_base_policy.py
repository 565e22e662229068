"""The base branch's policy rules a pull request; the PR's own edits to it are reported."""

from __future__ import annotations

import json

from gitrepo import Repo

from gate.cli.main import main
from gate.pipeline import RunOptions, run
from gate.result import RunResult, Verdict

FLAW = "eval('FLAW-medium')\n"
BASE_POLICY = "fail_on: medium\n"
NOTICE = "this PR changes the gate policy"


def _pr(repo: Repo, base_files: dict[str, str], pr_files: dict[str, str]) -> Repo:
    repo.write(base_files).commit("base")
    repo.branch("feature").write(pr_files).commit("feature")
    return repo


def _run(repo: Repo, base: str | None = "main", **kw: object) -> RunResult:
    return run(RunOptions(path=repo.root, env={}, base=base, **kw))  # type: ignore[arg-type]


def test_pr_raising_fail_on_is_judged_by_the_base(fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {".gate.yml": BASE_POLICY, "a.py": "x = 1\n"},
        {".gate.yml": "fail_on: critical\n", "a.py": FLAW})
    result = _run(repo, checks=("lflaw",))
    assert result.verdict == Verdict.FAIL
    assert result.policy_changed == (".gate.yml",)
    assert result.reasons[0].startswith(NOTICE)
    assert "applies after merge" in result.reasons[0]
    assert result.policy_source == "main:.gate.yml"
    # Locally, without a base, the working tree's policy applies.
    assert _run(repo, base=None, checks=("lflaw",)).verdict == Verdict.PASS


def test_pr_disabling_a_check_is_judged_by_the_base(fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {".gate.yml": BASE_POLICY, "a.py": "x = 1\n"},
        {".gate.yml": BASE_POLICY + "checks:\n  lflaw: {enabled: false}\n", "a.py": FLAW})
    result = _run(repo)  # no --checks: the policy decides which checks run
    assert [c.name for c in result.checks] == ["lflaw", "rflaw"]
    assert result.verdict == Verdict.FAIL
    assert result.policy_changed == (".gate.yml",)


def test_pr_adding_a_waiver_or_exclude_does_not_apply(fakes: dict[str, str],
                                                      repo: Repo) -> None:
    weakened = (BASE_POLICY + "exclude: ['a.py']\n"
                "waivers:\n  - {rule: FLAW1, reason: 'trust me'}\n")
    _pr(repo, {".gate.yml": BASE_POLICY, "a.py": "x = 1\n"}, {".gate.yml": weakened, "a.py": FLAW})
    result = _run(repo, checks=("lflaw",))
    assert result.verdict == Verdict.FAIL
    assert result.waivers == ()


def test_pr_growing_the_baseline_does_not_apply(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({".gate.yml": BASE_POLICY, "a.py": "x = 1\n"}).commit("base")
    repo.branch("feature").write({"a.py": FLAW})
    assert main(["baseline", str(repo.root), "--checks", "lflaw"]) == 0
    repo.commit("baseline my own finding")
    result = _run(repo, checks=("lflaw",))
    assert result.verdict == Verdict.FAIL
    assert result.policy_changed == (".gate-baseline.json",)
    assert [f.suppression for f in result.findings] == [None]


def test_base_without_policy_uses_the_default(fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {"a.py": "x = 1\n"}, {".gate.yml": "fail_on: critical\n",
                                     "a.py": "eval('FLAW-high')\n"})
    result = _run(repo, checks=("lflaw",))
    assert result.verdict == Verdict.FAIL
    assert result.policy_source == "built-in default"
    assert result.policy_changed == (".gate.yml",)


def test_base_policy_applies_its_own_branch_overrides(fakes: dict[str, str], repo: Repo) -> None:
    repo.write({".gate.yml": "fail_on: high\nbranches:\n  'release/*': {fail_on: medium}\n",
                "a.py": "x = 1\n"}).commit("base")
    repo.git("branch", "release/2.0")
    repo.branch("feature").write({"a.py": FLAW}).commit()
    assert _run(repo, base="release/2.0", checks=("lflaw",)).verdict == Verdict.FAIL
    assert _run(repo, base="main", checks=("lflaw",)).verdict == Verdict.PASS


def test_unchanged_policy_has_no_notice(fakes: dict[str, str], repo: Repo) -> None:
    _pr(repo, {".gate.yml": BASE_POLICY, "a.py": "x = 1\n"}, {"a.py": "y = 2\n"})
    result = _run(repo, checks=("lflaw",))
    assert result.policy_changed == ()
    assert not any(NOTICE in r for r in result.reasons)


def test_policy_change_in_json_report(fakes: dict[str, str], repo: Repo,
                                      capsys: object) -> None:
    _pr(repo, {".gate.yml": BASE_POLICY, "a.py": "x = 1\n"},
        {".gate.yml": "fail_on: critical\n", "a.py": FLAW})
    code = main(["run", str(repo.root), "--checks", "lflaw", "--base", "main",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert code == 1
    assert out["policy_changed"] == [".gate.yml"]
    assert out["reasons"][0].startswith(NOTICE)
    assert out["context"]["base"] == "main"


def test_invalid_base_policy_is_a_configuration_error(fakes: dict[str, str], repo: Repo,
                                                      capsys: object) -> None:
    _pr(repo, {".gate.yml": "fail_onn: high\n", "a.py": "x\n"}, {".gate.yml": "fail_on: high\n"})
    assert main(["run", str(repo.root), "--checks", "lflaw", "--base", "main"]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "main:.gate.yml:1" in err and "did you mean 'fail_on'" in err


def test_unknown_base_is_a_configuration_error(fakes: dict[str, str], repo: Repo,
                                               capsys: object) -> None:
    repo.write({"a.py": "x\n"}).commit()
    assert main(["run", str(repo.root), "--checks", "lflaw", "--base", "nope"]) == 2
    assert "fetch-depth: 0" in capsys.readouterr().err  # type: ignore[attr-defined]


def test_a_nested_policy_is_read_from_the_base_and_its_edit_reported(
        fakes: dict[str, str], repo: Repo) -> None:
    """``gate run pkg`` with a base: the nearest .gate.yml on the base governs (pkg's)."""
    _pr(repo, {".gate.yml": "fail_on: critical\n", "pkg/.gate.yml": BASE_POLICY,
               "pkg/a.py": "x = 1\n"},
        {"pkg/.gate.yml": "fail_on: critical\n", "pkg/a.py": FLAW})
    result = run(RunOptions(path=repo.root, env={}, base="main", checks=("lflaw",),
                            scope="pkg", policy_start="pkg"))
    assert (result.verdict, result.policy_source) == (Verdict.FAIL, "main:pkg/.gate.yml")
    assert result.policy_changed == ("pkg/.gate.yml",)

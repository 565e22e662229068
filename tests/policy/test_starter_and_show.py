"""``gate init`` writes the built-in default (stricter options commented); ``gate policy show``
prints the effective policy with where each value comes from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gate.cli.init import starter_policy
from gate.cli.main import main
from gate.policy import Policy, load_policy_text


def test_the_starter_policy_is_exactly_the_built_in_default() -> None:
    assert load_policy_text(starter_policy(), ".gate.yml").policy == Policy()


def _adopt_top_level(text: str) -> str:
    """Each active top-level line followed by a commented alternative, replaced by it."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        line, after = lines[i], lines[i + 1] if i + 1 < len(lines) else ""
        if line[:1].isalpha() and after.startswith(f"# {line.split(':')[0]}:"):
            out.append(after[2:].split("  #")[0])
            i += 2
        else:
            out.append(line)
            i += 1
    return "\n".join(out)


def test_every_stricter_option_is_in_the_starter_commented() -> None:
    text = starter_policy()
    for option in ("# fail_on: medium", "# on_empty: fail", "# not_scanned: fail",
                   "# inline_suppressions: require-reason", "# fail_on: low"):
        assert option in text
    policy = load_policy_text(_adopt_top_level(text), "x").policy
    assert (policy.fail_on, policy.on_empty.value, policy.not_scanned.value,
            policy.inline_suppressions.value) == ("medium", "fail", "fail", "require-reason")


def test_init_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 0
    assert capsys.readouterr().out == (
        f"wrote {tmp_path / '.gate.yml'}: the built-in default policy (no verdict changes); "
        "stricter options are commented out in it; `gate policy show` prints the effective "
        "policy\n")


def test_init_then_run_gives_the_verdict_of_no_policy(
        make_repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    # Medium findings (pickle, an unreasoned nosec) and a keyword secret: the old starter
    # (sast medium, secrets low, require-reason) failed this; the default does not.
    app = ('import pickle\n\n\ndef load(d):\n    return pickle.loads(d)  # nosec\n\n\n'
           'password = "' + "Tr0ub4dor" + "-and-3" + '"\n')
    root = make_repo({"app.py": app})
    assert main(["run", str(root), "--no-post", "--no-cache", "--checks", "sast,secrets"]) == 0
    without = capsys.readouterr().out.splitlines()[0].split("(")[0]
    assert main(["init", str(root)]) == 0
    capsys.readouterr()
    assert main(["run", str(root), "--no-post", "--no-cache", "--checks", "sast,secrets"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split("(")[0] == without


def test_policy_show_names_each_origin(make_repo: Callable[..., Path],
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({".gate.yml": "fail_on: medium\nbranches:\n  'release/*':\n"
                                   "    checks:\n      sast:\n        fail_on: low\n",
                      "src/a.py": "x = 1\n"})
    monkeypatch.chdir(root / "src")
    assert main(["policy", "show", "--branch", "release/1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "# policy: .gate.yml (effective for branch release/1)"
    rows = {line.split(":")[0]: line.split("  # ")[1] for line in lines[1:]}
    assert rows["fail_on"] == ".gate.yml:1"
    assert rows["mode"] == "default"
    assert rows["checks.sast.fail_on"] == "branches.release/* (.gate.yml:6)"
    assert rows["checks.iac.fail_on"] == "default: inherits fail_on: medium"


def test_validate_without_a_file_uses_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["policy", "validate"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "# no .gate.yml found: the built-in default applies")

"""action.yml, .gitlab-ci-template.yml, .pre-commit-hooks.yaml and the docs' example workflows.

Schema validation uses ``check-jsonschema --builtin-schema`` (schemas bundled in
the package, no network) and ``pre-commit validate-manifest`` when they are on
PATH; CI installs them. The structural checks below run everywhere.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from publish_fixtures import finding, make_run

from gate.publish.github_actions import step_outputs

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
GITLAB = ROOT / ".gitlab-ci-template.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _action() -> dict:
    data = _yaml(ACTION)
    assert isinstance(data, dict)
    return data


def test_action_is_composite_with_the_documented_inputs_and_outputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    for name in ("path", "policy", "checks", "vuln-db", "token", "python-version", "args"):
        assert name in inputs, name
    assert inputs["token"]["default"] == "${{ github.token }}"
    produced = set(step_outputs(make_run([finding(1)]), [("json", Path("x"))]))
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.gate.outputs.{name} }}}}"
        assert name in produced or name.startswith("report-"), name


def test_action_never_interpolates_expressions_into_scripts() -> None:
    for step in _action()["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
            assert step["shell"] == "bash"
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]


def _run_step() -> str:
    (step,) = [s for s in _action()["runs"]["steps"] if s.get("id") == "gate"]
    return str(step["run"])


def _fake_gate(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    gate = venv / "bin" / "gate"
    gate.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', encoding="utf-8")
    gate.chmod(gate.stat().st_mode | stat.S_IEXEC)
    return venv


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_action_script_passes_hostile_inputs_as_plain_arguments(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "GATE_VENV": str(_fake_gate(tmp_path)),
           "INPUT_PATH": "-odd dir", "INPUT_POLICY": "$(touch pwned).yml", "INPUT_CHECKS": "",
           "INPUT_VULN_DB": "", "INPUT_ARGS": "--timeout 60 ; touch pwned2 *",
           "INPUT_REPORT_DIR": "out dir", "INPUT_REPORTS": "json, sarif,,gitlab-sast",
           "INPUT_POST": "false", "INPUT_PUBLISH": "", "GITHUB_TOKEN": "t"}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           _run_step()], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == [
        "run", "--policy", "$(touch pwned).yml", "--no-post",
        "--report", "json=out dir/gate.json", "--report", "sarif=out dir/gate.sarif",
        "--report", "gitlab-sast=out dir/gate.gitlab-sast.json",
        "--timeout", "60", ";", "touch", "pwned2", "*", "--", "-odd dir"]
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()
    assert (tmp_path / "out dir").is_dir()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_action_publish_mode_runs_gate_publish(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "GATE_VENV": str(_fake_gate(tmp_path)),
           "INPUT_PUBLISH": "result/gate.json"}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", _run_step()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["publish", "--", "result/gate.json"]


def test_gitlab_template_runs_in_merge_requests_and_keeps_reports() -> None:
    data = _yaml(GITLAB)
    assert isinstance(data, dict)
    job = data[".gate"]
    assert data["security-gate"]["extends"] == ".gate"
    assert any("merge_request_event" in rule["if"] for rule in job["rules"])
    assert job["artifacts"]["when"] == "always"
    assert set(job["artifacts"]["reports"]) == {"junit", "codequality", "sast",
                                                "secret_detection", "dependency_scanning"}
    caches = {cache["key"]: cache for cache in job["cache"]}
    assert ".cache/pip" in caches["gate-pip"]["paths"]
    assert caches["gate-results-$CI_COMMIT_REF_SLUG"] == {  # docs/security.md: per branch,
        "key": "gate-results-$CI_COMMIT_REF_SLUG", "unprotect": False,  # protected apart
        "when": "always", "paths": [".gate-cache/"]}
    assert job["variables"]["GATE_CACHE_DIR"] == "$CI_PROJECT_DIR/.gate-cache"
    script = "\n".join(job["script"])
    assert "GITLAB_TOKEN" not in script and "CI_JOB_TOKEN" not in script
    assert "GITLAB_TOKEN" not in data["variables"]


def test_gitlab_template_only_asks_for_known_report_formats() -> None:
    from gate.report.registry import FORMATS

    script = "\n".join(_yaml(GITLAB)[".gate"]["script"])  # type: ignore[index]
    asked = re.findall(r'--report "([\w-]+)=', script)
    missing = [fmt for fmt in asked if fmt not in FORMATS]
    if missing:
        pytest.skip(f"formats not registered yet: {missing}")


def test_pre_commit_hook_runs_on_pre_push() -> None:
    hooks = {h["id"]: h for h in _yaml(HOOKS)}  # type: ignore[union-attr]
    assert sorted(hooks) == ["gate", "gate-full"]
    assert hooks["gate"]["entry"] == "gate pre-push"
    assert hooks["gate-full"]["entry"] == "gate run --no-post"
    for hook in hooks.values():
        assert hook["stages"] == ["pre-push"] and hook["pass_filenames"] is False


def _doc_blocks(name: str) -> list[str]:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    return re.findall(r"```ya?ml\n(.*?)```", text, flags=re.S)


def _workflows() -> list[dict]:
    docs = [yaml.safe_load(b) for b in _doc_blocks("github.md")]
    return [d for d in docs if isinstance(d, dict) and "jobs" in d]


def test_docs_workflows_pin_actions_and_keep_expressions_out_of_scripts() -> None:
    workflows = _workflows()
    assert len(workflows) >= 3  # the action, the two phases
    for workflow in workflows:
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                uses = step.get("uses", "")
                assert not uses or PINNED.match(uses) or uses.startswith("your-org/gate@"), uses
                assert "${{" not in step.get("run", "")
    publish_phase = [w for w in workflows if "workflow_run" in w[True]]
    assert publish_phase, "the fork-safe workflow_run example is missing"
    for step in publish_phase[0]["jobs"]["publish"]["steps"]:
        assert "checkout" not in step.get("uses", "")  # never check out PR code here


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name  # the active venv, activated or not
    path = str(beside) if beside.exists() else shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (CI installs it)")
    return path


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-actions", ACTION),
                                              ("vendor.gitlab-ci", GITLAB)])
def test_files_validate_against_their_schemas(schema: str, path: Path) -> None:
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_docs_workflows_validate(tmp_path: Path) -> None:
    tool = _tool("check-jsonschema")
    for i, block in enumerate(b for b in _doc_blocks("github.md") if "jobs:" in b):
        path = tmp_path / f"workflow{i}.yml"
        path.write_text(block, encoding="utf-8")
        done = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", str(path)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + block


def test_pre_commit_manifest_validates() -> None:
    done = subprocess.run([_tool("pre-commit"), "validate-manifest", str(HOOKS)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gitlab_docs_examples_validate(tmp_path: Path) -> None:
    tool = _tool("check-jsonschema")
    for i, block in enumerate(_doc_blocks("gitlab.md")):
        path = tmp_path / f"gitlab{i}.yml"
        path.write_text(block, encoding="utf-8")
        done = subprocess.run([tool, "--builtin-schema", "vendor.gitlab-ci", str(path)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + block

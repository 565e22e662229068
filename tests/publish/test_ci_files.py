"""action.yml, .gitlab-ci-template.yml, .pre-commit-hooks.yaml and the docs' example workflows.

Schema validation uses ``check-jsonschema --builtin-schema`` (schemas bundled in
the package, no network) and ``pre-commit validate-manifest`` (both in the ``test``
extra). The GitLab component, the legacy include and the action's steps are also
run as their runner would run them, against the fake forge, installing the gate
from its locally built wheel (see tests/wheel_build.py).
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
from publish_fixtures import HEAD, finding, github_env, gitlab_env, make_run
from wheel_build import build_wheel, fresh_venv, offline_pip_env, python_on_path

import gate
from gate.publish.github_actions import step_outputs

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
GITLAB = ROOT / ".gitlab-ci-template.yml"
COMPONENT = ROOT / "templates" / "security-gate.yml"
PROJECT = "ci-security-gate/ci-security-gate"
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
                                                "secret_detection", "dependency_scanning",
                                                "cyclonedx"}
    caches = {cache["key"]: cache for cache in job["cache"]}
    assert ".cache/pip" in caches["gate-pip"]["paths"]
    assert caches["gate-results-$CI_COMMIT_REF_SLUG"] == {  # docs/security.md: per branch,
        "key": "gate-results-$CI_COMMIT_REF_SLUG", "unprotect": False,  # protected apart
        "when": "always", "paths": [".gate-cache/"]}
    assert job["variables"]["GATE_CACHE_DIR"] == "$CI_PROJECT_DIR/.gate-cache"
    script = "\n".join(job["script"])
    assert "GITLAB_TOKEN" not in script and "CI_JOB_TOKEN" not in script
    assert "GITLAB_TOKEN" not in data["variables"]


def test_gitlab_files_only_ask_for_known_report_formats() -> None:
    from gate.report.registry import FORMATS

    for script in (_job_script(_legacy_job()), _job_script(_component_job())):
        asked = re.findall(r'--report "([\w-]+)=', script)
        assert len(asked) == 8
        assert [fmt for fmt in asked if fmt not in FORMATS] == []


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
                assert not uses or PINNED.match(uses) or uses.startswith(f"{PROJECT}@v"), uses
                assert "${{" not in step.get("run", "")
    publish_phase = [w for w in workflows if "workflow_run" in w[True]]
    assert publish_phase, "the fork-safe workflow_run example is missing"
    for step in publish_phase[0]["jobs"]["publish"]["steps"]:
        assert "checkout" not in step.get("uses", "")  # never check out PR code here


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name  # the active venv, activated or not
    path = str(beside) if beside.exists() else shutil.which(name)
    assert path is not None, f"{name} is not installed: pip install -e '.[test]'"
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


# --- the GitLab component, the legacy include and the action, as shipped -------------------

INPUT_REF = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]")


def _component_docs() -> tuple[dict, str]:
    """The component's ``spec`` header and its body's text (before interpolation)."""
    header, body = COMPONENT.read_text(encoding="utf-8").split("\n---\n", 1)
    spec = yaml.safe_load(header)
    assert isinstance(spec, dict)
    return spec, body


def _render_component(**inputs: object) -> dict:
    """The body with ``$[[ inputs.x ]]`` replaced as GitLab does (defaults for the rest)."""
    spec, body = _component_docs()
    declared = spec["spec"]["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, unknown
    values = {name: inputs.get(name, decl.get("default")) for name, decl in declared.items()}

    def text(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        return str(value).lower() if isinstance(value, bool) else str(value)

    rendered = yaml.safe_load(INPUT_REF.sub(text, body))
    assert isinstance(rendered, dict)
    return rendered


def _component_job(**inputs: object) -> dict:
    return _render_component(**inputs)["security-gate"]


def _legacy_job() -> dict:
    data = _yaml(GITLAB)
    assert isinstance(data, dict)
    job = dict(data[".gate"])
    job["variables"] = {**data["variables"], **job["variables"]}
    return job


def _job_script(job: dict) -> str:
    return "\n".join(job["script"])


def test_component_inputs_are_typed_and_described() -> None:
    spec, body = _component_docs()
    inputs = spec["spec"]["inputs"]
    assert set(inputs) == {"stage", "path", "policy", "checks", "args", "post", "version",
                           "image", "install"}
    for name, decl in inputs.items():
        assert decl["description"], name
        assert decl.get("type", "string") in {"string", "boolean"}, name
        default = decl["default"]
        assert isinstance(default, bool) == (decl.get("type") == "boolean"), name
    assert set(INPUT_REF.findall(body)) == set(inputs)  # every input is used, nothing else
    assert inputs["version"]["default"] == gate.__version__
    assert re.fullmatch(inputs["version"]["regex"], gate.__version__)
    assert inputs["image"]["default"] == "python:3.14"  # the newest supported Python
    job = _component_job(stage="security", args="$(touch pwned)")
    assert job["stage"] == "security" and job["variables"]["GATE_ARGS"] == "$(touch pwned)"
    assert "$[[" not in _job_script(job) and "inputs." not in _job_script(job)


def test_component_lives_where_the_catalog_looks() -> None:
    assert sorted(p.name for p in (ROOT / "templates").iterdir()) == ["security-gate.yml"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"component: $CI_SERVER_FQDN/{PROJECT}/security-gate@" in readme


def test_gitlab_files_install_the_distribution_with_hash_pinned_dependencies() -> None:
    legacy, component = _legacy_job(), _component_job()
    assert legacy["variables"]["GATE_PACKAGE"] == f"ci-security-gate=={gate.__version__}"
    assert component["variables"]["GATE_PACKAGE"] == f"ci-security-gate=={gate.__version__}"
    for job in (legacy, component):
        script = _job_script(job)
        assert "--require-hashes --no-deps --only-binary :all: -r" in script
        assert '"$GATE_VENV/bin/python" -I -m gate.pins' in script
        assert "python -I -m venv" in script and " -m pip " not in script.replace("-I -m pip", "")
    assert legacy["image"] == "python:3.14"
    assert component["image"] == {"name": "python:3.14", "entrypoint": [""]}


def test_action_defaults_to_the_newest_python_and_installs_from_the_lock() -> None:
    action = _action()
    classifiers = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    newest = max(re.findall(r"Programming Language :: Python :: 3\.(\d+)", classifiers), key=int)
    assert action["inputs"]["python-version"]["default"] == f"3.{newest}"
    (install,) = [s for s in action["runs"]["steps"] if s.get("name") == "Install the gate"]
    assert '--require-hashes --no-deps --only-binary :all:' in install["run"]
    assert '"$GATE_ACTION_PATH/requirements/lock.txt"' in install["run"]


def test_component_validates_against_the_gitlab_schema(tmp_path: Path) -> None:
    spec, _ = _component_docs()
    header, body = tmp_path / "header.yml", tmp_path / "body.yml"
    header.write_text(yaml.safe_dump(spec), encoding="utf-8")
    body.write_text(yaml.safe_dump(_render_component()), encoding="utf-8")
    for path in (header, body):
        done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                               str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "bad.yml"  # the schema does know spec:inputs
    bad.write_text("spec:\n  inputs:\n    a:\n      type: nonsense\n", encoding="utf-8")
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                           str(bad)], capture_output=True, text=True)
    assert done.returncode == 1


# --- executed as a runner would, against the fake forge, from the built wheel --------------

SCRIPT_REPO = {"app.py": "print(eval(input()))\n",
               ".gate.yml": "version: 1\nchecks:\n  sast:\n    fail_on: medium\n"}


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("build")).parent


def _git_repo(root: Path) -> Path:
    root.mkdir()
    for rel, text in SCRIPT_REPO.items():
        (root / rel).write_text(text, encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
    return root


def _expand(value: str, env: dict[str, str]) -> str:
    """GitLab's expansion of ``$VAR`` / ``${VAR}`` inside variable values."""
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), value)


def _runner_env(tmp_path: Path, wheelhouse: Path) -> dict[str, str]:
    env = offline_pip_env(wheelhouse)
    env.update({"PATH": python_on_path(tmp_path / "bin"), "HOME": str(tmp_path / "home"),
                "GATE_VENV": str(fresh_venv(tmp_path / "gate-venv"))})
    return env


def _run_gitlab_job(job: dict, tmp_path: Path, wheelhouse: Path,
                    forge_base: str) -> subprocess.CompletedProcess[str]:
    repo = _git_repo(tmp_path / "repo")
    env = {**_runner_env(tmp_path, wheelhouse), **gitlab_env(forge_base),
           "CI_PROJECT_DIR": str(repo), "CI_BUILDS_DIR": str(tmp_path)}
    venv = env["GATE_VENV"]
    for key, value in job["variables"].items():
        env[key] = _expand(str(value), env)
    env["GATE_VENV"] = venv  # the runner's venv: one the test environment's packages show in
    assert any(_expand(rule["if"].split("==")[0].strip(), env) == "merge_request_event"
               for rule in job["rules"])
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           _job_script(job)], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=900)


def _assert_gated_and_posted(done: subprocess.CompletedProcess[str], tmp_path: Path,
                             forge: object) -> None:
    assert done.returncode == 1, done.stdout + done.stderr  # B307 fails at medium
    assert f"gate {gate.__version__} (ci-security-gate, " in done.stdout
    venv = tmp_path / "gate-venv"
    assert list(venv.glob("lib/python3.*/site-packages/gate/lock.txt"))  # from the wheel
    reports = sorted(p.name for p in (tmp_path / "repo" / "gate-reports").iterdir())
    assert reports == ["gate-junit.xml", "gate.json", "gate.md", "gl-code-quality-report.json",
                       "gl-dependency-scanning-report.json", "gl-sast-report.json",
                       "gl-sbom-gate.cdx.json", "gl-secret-detection-report.json"]
    notes = [n for n in forge.notes[5] if not n["system"]]  # type: ignore[attr-defined]
    assert len(notes) == 1 and "B307" in notes[0]["body"]
    assert [s["status"] for s in forge.gl_statuses[HEAD]] == ["failed"]  # type: ignore[attr-defined]


def test_legacy_include_runs_in_a_merge_request(tmp_path: Path, wheelhouse: Path,
                                                gitlab: object) -> None:
    done = _run_gitlab_job(_legacy_job(), tmp_path, wheelhouse, gitlab.base)  # type: ignore[attr-defined]
    _assert_gated_and_posted(done, tmp_path, gitlab)


def test_component_runs_in_a_merge_request(tmp_path: Path, wheelhouse: Path,
                                           gitlab: object) -> None:
    job = _component_job(stage="security", checks="sast,secrets,iac")
    done = _run_gitlab_job(job, tmp_path, wheelhouse, gitlab.base)  # type: ignore[attr-defined]
    _assert_gated_and_posted(done, tmp_path, gitlab)


def test_action_steps_install_and_gate_a_pull_request(tmp_path: Path, wheelhouse: Path,
                                                      github: object) -> None:
    repo = _git_repo(tmp_path / "repo")
    env = {**_runner_env(tmp_path, wheelhouse), **github_env(github.base, tmp_path)}  # type: ignore[attr-defined]
    steps = {s.get("name"): s for s in _action()["runs"]["steps"]}
    install = {**env, "GATE_ACTION_PATH": str(ROOT), "INPUT_VERSION": ""}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           steps["Install the gate"]["run"]], cwd=repo, env=install,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"gate {gate.__version__} (ci-security-gate, ")
    inputs = {f"INPUT_{k.upper().replace('-', '_')}": str(v.get("default", ""))
              for k, v in _action()["inputs"].items() if k != "token"}
    run = {**env, **inputs}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           steps["Run the gate"]["run"]], cwd=repo, env=run,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr
    assert sorted(p.name for p in (repo / "gate-reports").iterdir()) == [
        "gate.json", "gate.md", "gate.sarif"]
    outputs = (tmp_path / "output.txt").read_text(encoding="utf-8").splitlines()
    assert outputs[outputs.index(next(o for o in outputs if o.startswith("verdict<<"))) + 1] \
        == "fail"
    (comment,) = github.comments[7]  # type: ignore[attr-defined]
    assert "B307" in comment["body"]
    assert [s["state"] for s in github.statuses[HEAD]] == ["failure"]  # type: ignore[attr-defined]


def test_component_with_an_image_that_has_the_gate_installs_nothing(
        tmp_path: Path, wheelhouse: Path, gitlab: object) -> None:
    image = fresh_venv(tmp_path / "image")  # stands in for the gate's container image
    env = offline_pip_env(wheelhouse)
    subprocess.run([str(image / "bin" / "python"), "-I", "-m", "ensurepip"], check=True,
                   capture_output=True, env=env, timeout=300)
    subprocess.run([str(image / "bin" / "python"), "-I", "-m", "pip", "install", "--quiet",
                    "--no-deps", "ci-security-gate"], check=True, env=env, timeout=300)
    job = _component_job(image="registry.example.com/ci-security-gate:0.1.0", install=False)
    assert job["variables"]["GATE_INSTALL"] == "false"
    job["variables"]["PATH"] = f"{image / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    done = _run_gitlab_job(job, tmp_path, wheelhouse, gitlab.base)  # type: ignore[attr-defined]
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"gate {gate.__version__} (ci-security-gate, ")
    assert not (tmp_path / "gate-venv" / "bin" / "gate").exists()  # nothing installed
    notes = [n for n in gitlab.notes[5] if not n["system"]]  # type: ignore[attr-defined]
    assert len(notes) == 1 and "B307" in notes[0]["body"]

"""What each check imports: its class alone (asked in the parent process for ``reads`` and
``tool_version``), and its run on a tree that needs one part of it.

Each probe runs in a fresh interpreter and lists which of :data:`WATCHED` got loaded;
the tests compare that list exactly (a positive control shows the probe sees imports).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gate.checks.registry import BUILTIN_CHECKS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

WATCHED_PACKAGES = ("bandit", "detect_secrets", "pip_audit", "pip_api", "pip_requirements_parser",
                    "requests", "urllib3", "hcl2", "lark", "yaml", "pydantic", "github", "gitlab")
"""Third-party packages that cost tens to hundreds of milliseconds to import."""

WATCHED_MODULES = (
    "gate.checks.dependencies.audit", "gate.checks.dependencies.offline",
    "gate.checks.dependencies.requirements", "gate.checks.engine.pool", "gate.checks.iac.loader",
    "gate.checks.iac.parsers.cloudformation", "gate.checks.iac.parsers.terraform",
    "gate.checks.iac.registry", "gate.checks.iac.rendering", "gate.checks.iac.rules.aws",
    "gate.checks.iac.rules.azure", "gate.checks.iac.rules.compose", "gate.checks.iac.rules.docker",
    "gate.checks.iac.rules.gcp", "gate.checks.iac.rules.k8s", "gate.checks.pipeline.registry",
    "gate.checks.sast.bandit_run", "gate.checks.sast.taint_scan", "gate.checks.secrets.detectors",
    "gate.checks.secrets.scan", "gate.checks.secrets.verify.client", "gate.policy",
)
"""The gate's own modules that bring a scanner, a parser or a rule registry with them (the
check classes' modules are light: the class tests below keep them so)."""

_REPORT = (
    "import json, sys\n"
    f"packages = {WATCHED_PACKAGES!r}\nmodules = {WATCHED_MODULES!r}\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in packages and "
    "'.' not in m or m in modules)))\n"
)


def loaded_after(code: str, *args: str) -> list[str]:
    """The watched modules a fresh interpreter holds after running ``code``."""
    done = subprocess.run([sys.executable, "-c", code + "\n" + _REPORT, *args],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("name", sorted(BUILTIN_CHECKS))
def test_a_check_class_loads_no_scanner(name: str) -> None:
    """What the parent asks before any worker starts: the class, ``reads`` and the version."""
    module, _, attr = BUILTIN_CHECKS[name].partition(":")
    code = (f"from {module} import {attr} as cls\n"
            "version = cls().tool_version()\n"
            "assert version and isinstance(version, str), version\n"
            "[cls.reads(p, {}) for p in ('app.py', 'requirements.txt', 'main.tf', "
            "'.github/workflows/ci.yml', 'README.md')]\n")
    assert loaded_after(code) == []


def test_the_registry_resolves_every_class_cheaply() -> None:
    code = ("from gate.checks.registry import BUILTIN_CHECKS, check_class\n"
            "classes = [check_class(t) for t in BUILTIN_CHECKS.values()]\n"
            "assert all(c is not None for c in classes)\n")
    assert loaded_after(code) == []


VOCABULARY = ("gate.checks.dependencies.vulndb", "gate.checks.iac.interface",
              "gate.checks.pipeline.interface")
"""What a check's run needs and the parent's idle test does not (dataclasses by the dozen)."""


def test_the_idle_test_loads_no_check_vocabulary() -> None:
    """The runner's question in the parent, for every built-in check: does it read any of
    these files (an IaC file, a workflow, a manifest, none), and if not, its result."""
    code = ("import sys\nfrom pathlib import Path\n"
            "from gate.checks.idle import idle_result\n"
            "from gate.checks.interface import ScanTarget\n"
            "from gate.checks.registry import BUILTIN_CHECKS\n"
            "for files in (('main.tf',), ('.github/workflows/ci.yml',), ('uv.lock',), "
            "('README.md',)):\n"
            "    for target in BUILTIN_CHECKS.values():\n"
            "        idle_result(target, ScanTarget(root=Path('.'), files=files))\n"
            f"print(sorted(m for m in sys.modules if m.startswith({VOCABULARY!r})))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


_RUN = (
    "import sys\nfrom pathlib import Path\n"
    "from gate.checks.interface import ScanTarget\nfrom gate.checks.registry import load_check\n"
    "root = Path(sys.argv[2])\n"
    "files = tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob('*') "
    "if p.is_file()))\n"
    "db = Path(sys.argv[3]) if len(sys.argv) > 3 else None\n"
    "result = load_check(sys.argv[1]).run(ScanTarget(root=root, files=files, vuln_db=db))\n"
    "assert not result.errors, result.errors\n"
    "assert result.findings, 'the fixture has a finding: the check must have run'\n"
)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


WORKFLOW = ("on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "      - run: echo ${{ github.event.pull_request.title }}\n")


def test_the_pipeline_check_loads_neither_the_dependencies_check_nor_the_iac_rules(
        tmp_path: Path) -> None:
    """A workflow-only tree, with GitHub Actions advisories to match (their reader is the
    dependencies package's ``vulndb.actions``: that module, not the check)."""
    repo = _tree(tmp_path / "repo", {".github/workflows/ci.yml": WORKFLOW})
    db = tmp_path / "db"
    (db / "github-actions").mkdir(parents=True)
    with zipfile.ZipFile(db / "github-actions" / "all.zip", "w") as archive:
        for record in sorted((FIXTURES / "osv-actions").glob("*.json")):
            archive.write(record, record.name)
    with zipfile.ZipFile(db / "all.zip", "w"):
        pass
    code = _RUN + "import sys\nassert 'gate.checks.dependencies.vulndb.actions' in sys.modules\n"
    assert loaded_after(code, "pipeline", str(repo), str(db / "all.zip")) == [
        "gate.checks.pipeline.registry", "yaml"]


def test_the_dependencies_check_offline_loads_no_pip_audit_and_no_http_stack(
        tmp_path: Path) -> None:
    repo = _tree(tmp_path / "repo", {"requirements.txt": "requests==2.19.1\n"})
    assert loaded_after(_RUN, "dependencies", str(repo), str(FIXTURES / "osv")) == [
        "gate.checks.dependencies.audit", "gate.checks.dependencies.offline",
        "gate.checks.dependencies.requirements", "pip_requirements_parser", "yaml"]


def test_the_dependencies_check_reads_a_lock_file_without_the_requirements_parser(
        tmp_path: Path) -> None:
    lock = ('version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "requests"\n'
            'version = "2.19.1"\nsource = { registry = "https://pypi.org/simple" }\n')
    repo = _tree(tmp_path / "repo", {"uv.lock": lock})
    loaded = loaded_after(_RUN, "dependencies", str(repo), str(FIXTURES / "osv"))
    assert "pip_requirements_parser" not in loaded and "pip_audit" not in loaded
    assert "gate.checks.dependencies.offline" in loaded  # it did audit the pin


def test_the_iac_check_loads_the_parser_and_rules_of_the_frameworks_found(tmp_path: Path) -> None:
    docker = _tree(tmp_path / "docker", {"Dockerfile": "FROM python:latest\nUSER root\n"})
    assert loaded_after(_RUN, "iac", str(docker)) == [
        "gate.checks.iac.loader", "gate.checks.iac.rules.docker"]
    terraform = _tree(tmp_path / "tf", {"main.tf": 'resource "aws_s3_bucket" "b" {\n'
                                                   '  bucket = "x"\n  acl = "public-read"\n}\n'})
    assert loaded_after(_RUN, "iac", str(terraform)) == [
        "gate.checks.iac.loader", "gate.checks.iac.parsers.terraform", "gate.checks.iac.rules.aws",
        "gate.checks.iac.rules.azure", "gate.checks.iac.rules.gcp", "gate.checks.iac.rules.k8s",
        "hcl2", "lark", "yaml"]
    overlay = _tree(tmp_path / "overlay", {
        "deploy/kustomization.yaml": "resources:\n  - pod.yaml\n",
        "deploy/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                           "  containers:\n    - name: c\n      image: nginx:latest\n"})
    assert "gate.checks.iac.rendering" in loaded_after(_RUN, "iac", str(overlay))


def test_the_sast_check_loads_bandit_and_nothing_of_the_other_checks(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "repo", {"app.py": "import subprocess\n\n\ndef run(cmd):\n"
                                               "    return subprocess.call(cmd, shell=True)\n"})
    assert loaded_after(_RUN, "sast", str(repo)) == [
        "bandit", "gate.checks.sast.bandit_run", "gate.checks.sast.taint_scan", "yaml"]


def test_the_secrets_check_loads_detect_secrets_and_not_its_own_verifier(tmp_path: Path) -> None:
    """Neither the gate's verifier (``--verify-secrets`` only) nor ``requests``, which
    detect-secrets imports for its own verification only (:mod:`gate.checks.secrets.deferred`)."""
    repo = _tree(tmp_path / "repo", {"settings.py": "AWS_KEY = 'AKIAIOSFODNN7EXAMPLE'\n"})
    assert loaded_after(_RUN, "secrets", str(repo)) == [
        "detect_secrets", "gate.checks.secrets.detectors", "gate.checks.secrets.scan", "yaml"]

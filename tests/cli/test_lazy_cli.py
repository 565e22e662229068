"""``gate --help`` imports no scanner; each subcommand's help line is the same both ways;
``gate run`` imports no scanner, parser, rule registry or HTTP stack before its workers do."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from gate.cli.main import SUBCOMMANDS, build_parser


def _help_lines(parser: argparse.ArgumentParser) -> dict[str, str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: choice.help or "" for choice in action._choices_actions}


def test_the_light_table_matches_every_module() -> None:
    full = _help_lines(build_parser())
    assert full == {name: help_line for name, (_module, help_line) in SUBCOMMANDS.items()}


def test_help_and_version_load_no_heavy_module() -> None:
    probe = ("import sys\nfrom gate.cli.main import main\n"
             "for argv in (['--help'], ['--version']):\n"
             "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('bandit', 'detect_secrets', 'pip_audit', 'pydantic', 'github', 'gitlab', 'hcl2', "
             "'rich', 'yaml', 'requests') or m.startswith('gate.checks') or m == 'gate.pipeline')\n"
             "print(heavy, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert "run" in done.stdout and "pre-push" in done.stdout


def test_version_reads_metadata_headers_only() -> None:
    """``gate --version`` reads each scanner's ``Version:`` header (:mod:`gate.versions`),
    not its whole metadata through the ``email`` parser (about 35 ms)."""
    probe = ("import sys\nfrom gate.cli.main import main\n"
             "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith(('email.', 'bandit', "
             "'detect_secrets', 'pip_audit', 'hcl2'))), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert [line.split()[0] for line in done.stdout.splitlines()] == [
        "gate", "bandit", "pip-audit", "detect-secrets", "python-hcl2"]


def test_unknown_command_is_exit_2() -> None:
    done = subprocess.run([sys.executable, "-m", "gate", "frobnicate"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr


HEAVY = ("requests", "urllib3", "github", "gitlab", "bandit", "detect_secrets", "pip_audit",
         "pip_api", "pip_requirements_parser", "hcl2", "lark")
"""Packages only a publisher or a check worker needs (tens to hundreds of ms each)."""

HEAVY_GATE = ("gate.publish.sarif_upload", "gate.checks.secrets.detectors",
              "gate.checks.secrets.scan", "gate.checks.secrets.verify",
              "gate.checks.sast.bandit_run", "gate.checks.sast.taint",
              "gate.checks.dependencies.audit", "gate.checks.dependencies.offline",
              "gate.checks.dependencies.manifests", "gate.checks.iac.loader",
              "gate.checks.iac.registry", "gate.checks.iac.parsers", "gate.checks.iac.rendering",
              "gate.checks.pipeline.registry", "gate.checks.pipeline.loader")
"""The gate's modules that bring a scanner, a parser or a rule registry with them."""


def _heavy_after(code: str) -> list[str]:
    probe = (f"import json, sys\n{code}\n"
             f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} "
             f"or m.startswith({HEAVY_GATE!r}))), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


def test_the_run_path_loads_no_http_stack_and_no_scanner() -> None:
    """``gate run`` imports HTTP clients only to publish, and a scanner only in its worker."""
    assert _heavy_after("import gate.cli.run") == []


def test_the_parent_can_ask_every_check_what_it_reads() -> None:
    """What the runner asks in the parent before starting any worker: each built-in check's
    class, ``reads`` over some paths and ``tool_version``."""
    code = ("import gate.cli.run\nfrom gate.checks.registry import BUILTIN_CHECKS, check_class\n"
            "for target in BUILTIN_CHECKS.values():\n"
            "    cls = check_class(target)\n"
            "    assert cls is not None, target\n"
            "    cls().tool_version()\n"
            "    [cls.reads(p, {}) for p in ('a.py', 'requirements.txt', 'main.tf', "
            "'.github/workflows/ci.yml', 'k8s/app.yaml')]\n")
    assert _heavy_after(code) == []


ONLY_SOMETIMES = ("gate.git.objects", "gate.git.refs", "gate.triage.base", "gate.triage.baseline",
                  "gate.triage.newness", "gate.checks.engine.pool", "difflib", "uuid",
                  "urllib.parse", "packaging")
"""What a run needs only with a base, a baseline file, a misspelt policy key, some report
formats or a dependency finding (and the process pool, which only a check worker runs)."""


def test_a_plain_run_loads_only_what_it_uses() -> None:
    """Everything the parent of a ``gate run`` without a base or a baseline, writing the text
    report, imports: its path, judging, the reporters' registry, the terminal reporter."""
    code = ("import sys\nimport gate.cli.run, gate.judging, gate.report.registry\n"
            "import gate.report.text, gate.triage.suppress_unused\n"
            f"print(sorted(m for m in sys.modules if m.startswith({ONLY_SOMETIMES!r})))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

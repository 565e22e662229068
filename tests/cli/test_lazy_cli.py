"""``gate --help`` imports no scanner; each subcommand's help line is the same both ways."""

from __future__ import annotations

import argparse
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


def test_unknown_command_is_exit_2() -> None:
    done = subprocess.run([sys.executable, "-m", "gate", "frobnicate"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr


def test_the_run_path_loads_no_http_stack_and_no_scanner() -> None:
    """``gate run`` imports HTTP clients only to publish, and a scanner only in its worker."""
    probe = ("import sys\nimport gate.cli.run\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('requests', 'urllib3', 'github', 'gitlab', 'bandit', 'detect_secrets', 'pip_audit',"
             " 'hcl2') or m.startswith(('gate.publish.sarif_upload', 'gate.checks.secrets.check',"
             " 'gate.checks.sast.check')))\n"
             "print(heavy, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[]"

"""Odd and hostile shapes: every value the YAML allows where a rule expects another type.
The check must judge what it can and never crash (a rule crash is an error of the check)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_support import scan, write

SHAPES = [
    "on: 5\njobs: 3\n",
    "on: [1, {a: b}]\njobs: [a, b]\n",
    "on: {push: 1, workflow_dispatch: {inputs: 7}}\njobs: {a: 1, b: [1]}\n",
    "on: push\npermissions: 7\nenv: [a, b]\njobs:\n  a:\n    permissions: [x]\n"
    "    runs-on: {group: 5}\n    steps: {a: b}\n",
    "on: push\njobs:\n  a:\n    runs-on: 5\n    env: 3\n    if: 4\n    steps:\n"
    "      - 5\n      - {uses: 7, run: 8, with: 9, env: 10, if: 11}\n"
    "      - {uses: '@@@', with: {script: 5, path: [1]}}\n      - {uses: actions/checkout}\n"
    "      - {uses: './', with: {ref: 1}}\n      - {uses: docker://alpine}\n",
    "on: workflow_call\njobs:\n  a:\n    uses: 5\n    secrets: 3\n    with: 4\n"
    "  b:\n    uses: ./.github/workflows/x.yml\n    with: {t: '${{ inputs.t }}'}\n",
    "on: issue_comment\njobs:\n  a:\n    runs-on: x\n    steps:\n"
    "      - run: '${{ }} ${{ github.event.comment.body ${{ }} }} ${{ (( }}'\n"
    "      - run: \"echo ${{ github['event'] }} && curl https://[::1/ -d ${{ secrets.A }}\"\n"
    "      - run: \"curl http://%zz/ -d ${{ secrets.A }} \\\\\"\n",
]
GITLAB = [
    "include: 5\nstages: 3\n",
    "include: [5, {remote: 3}, {project: 1, ref: 2}, {component: 4}]\nt: {script: 5}\n",
    "spec: 5\n---\nt:\n  script: [1, {a: b}, '$[[ inputs.x ]]']\n  image: {name: 3}\n  services: 4\n",
    "t:\n  script: !reference [.a, script]\n  before_script: 'eval $CI_COMMIT_TITLE'\n",
]


@pytest.mark.parametrize("text", SHAPES)
def test_odd_workflows_do_not_crash(tmp_path: Path, text: str) -> None:
    write(tmp_path, {".github/workflows/x.yml": text, "action.yml": "runs: {steps: 5}\n",
                     ".github/actions/a/action.yml": "runs:\n  using: composite\n  steps: [1]\n"})
    result = scan(tmp_path)
    assert result.errors == ()
    assert result.not_scanned == ()


@pytest.mark.parametrize("text", GITLAB)
def test_odd_gitlab_files_do_not_crash(tmp_path: Path, text: str) -> None:
    write(tmp_path, {".gitlab-ci.yml": text, "templates/c.yml": text})
    result = scan(tmp_path)
    assert result.errors == ()


def test_recursive_local_calls_end(tmp_path: Path) -> None:
    """A reusable workflow calling itself, and two actions calling each other."""
    write(tmp_path, {
        ".github/workflows/x.yml": "on: [workflow_call, issues]\njobs:\n  a:\n"
        "    uses: ./.github/workflows/x.yml\n    with: {t: '${{ github.event.issue.title }}'}\n"
        "  b:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/p\n"
        "        with: {t: '${{ github.event.issue.title }}'}\n",
        ".github/actions/p/action.yml": "runs:\n  using: composite\n  steps:\n"
        "    - uses: ./.github/actions/q\n      with: {t: '${{ inputs.t }}'}\n",
        ".github/actions/q/action.yml": "runs:\n  using: composite\n  steps:\n"
        "    - uses: ./.github/actions/p\n      with: {t: '${{ inputs.t }}'}\n"
        "    - run: echo \"${{ inputs.t }}\"\n      shell: bash\n",
    })
    result = scan(tmp_path)
    assert result.errors == ()
    assert [(f.rule_id, f.path, f.severity.label) for f in result.findings] == [
        ("GATE-GHA-003", ".github/actions/q/action.yml", "high")]


def test_long_hostile_scripts_are_read_in_one_pass(tmp_path: Path) -> None:
    """Unclosed ``${{`` openings and thousands of distinct expressions in one script: every
    scan is linear (a quadratic one would take minutes here)."""
    unclosed = "${{ github.head_ref " * 20_000
    distinct = " ".join(f"${{{{ github.event.field{i} }}}}" for i in range(5_000))
    for name, body in (("a", unclosed), ("b", distinct)):
        write(tmp_path, {f".github/workflows/{name}.yml": (
            "on: pull_request_target\njobs:\n  j:\n    runs-on: x\n    steps:\n"
            "      - run: '" + body + "'\n")})
    result = scan(tmp_path)
    assert result.errors == () and result.not_scanned == ()
    assert len([f for f in result.findings if f.path.endswith("b.yml")]) == 5_000
    assert [f for f in result.findings if f.path.endswith("a.yml")] == []


_REPEATED = ["git fetch ", "base64 -d ", "eval $(", "python -c \"", "bash ./x ",
             "echo a=x >> $GITHUB_ENV; ", "curl -d ${{ secrets.A }} ", "FromBase64String ",
             "iex ", "read x ", "cat a ", "${{ x ", "${{ github['", "${{ '", "echo a=",
             "Out-File ", "github.actor == '", "# gate:ignore[X]      "]


@pytest.mark.parametrize("unit", _REPEATED)
def test_repeated_fragments_do_not_backtrack(tmp_path: Path, unit: str) -> None:
    """Each pattern a rule searches, repeated over 60 kB of one command line: bounded
    quantifiers keep every search linear (the unbounded ones took minutes at 300 kB)."""
    body = (unit * (60_000 // len(unit))).replace("'", "''")
    write(tmp_path, {".github/workflows/x.yml": (
        "on: workflow_run\npermissions: write-all\njobs:\n  j:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/download-artifact@" + "a" * 40 + "\n        with: {path: x}\n"
        "      - id: s\n        run: '" + body + "'\n"
        "      - run: echo ${{ steps.s.outputs.a }}\n"),
        ".gitlab-ci.yml": "t:\n  script:\n    - '" + body + "'\n"})
    result = scan(tmp_path)
    assert result.errors == () and result.not_scanned == ()

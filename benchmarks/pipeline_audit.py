"""Time the pipeline check on a generated repository of N workflows (default 50).

The repository mixes the shapes real projects have: CI matrices, release jobs with caches
and publishing, pull_request_target labelers, workflow_run deployers, composite actions
under .github/actions/ called from workflows, local reusable workflows with inputs, and one
.gitlab-ci.yml. Prints the check's own duration (parse + model + rules, in-process, best of
--repeat runs) and a full `gate run --checks pipeline` wall time for comparison.

    python benchmarks/pipeline_audit.py [--workflows 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"

CI = """name: ci {i}
on:
  push: {{branches: [main]}}
  pull_request:
permissions: {{contents: read}}
jobs:
  test:
    runs-on: ${{{{ matrix.os }}}}
    strategy:
      matrix: {{os: [ubuntu-latest, windows-latest], python: ["3.10", "3.11", "3.12", "3.13"]}}
    steps:
      - uses: actions/checkout@{sha} # v4.2.2
        with: {{persist-credentials: false}}
      - uses: actions/setup-python@{sha} # v5.3.0
        with: {{python-version: "${{{{ matrix.python }}}}", cache: pip}}
      - run: |
          python -m pip install -e .[test]
          python -m pytest -q --junitxml=out-${{{{ github.sha }}}}.xml
      - uses: ./.github/actions/report
        with: {{title: "${{{{ github.event.pull_request.title }}}}", sha: "${{{{ github.sha }}}}"}}
  reuse:
    uses: ./.github/workflows/reusable-{r}.yml
    with: {{ref: "${{{{ github.head_ref }}}}"}}
"""
RELEASE = """name: release {i}
on:
  push: {{tags: ["v*"]}}
permissions: {{contents: read}}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{sha} # v4.2.2
      - uses: actions/setup-python@{sha} # v5.3.0
        with: {{python-version: "3.12", cache: pip}}
      - run: python -m build
  publish:
    needs: build
    runs-on: ubuntu-latest
    environment: pypi
    permissions: {{id-token: write}}
    steps:
      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4
"""
LABELER = """name: labeler {i}
on: pull_request_target
permissions: {{contents: read, pull-requests: write}}
jobs:
  label:
    runs-on: ubuntu-latest
    if: github.actor == 'dependabot[bot]'
    steps:
      - uses: actions/labeler@{sha} # v5
      - env: {{TITLE: "${{{{ github.event.pull_request.title }}}}"}}
        run: echo "$TITLE" && echo "BRANCH=${{{{ github.head_ref }}}}" >> "$GITHUB_ENV"
"""
DEPLOY = """name: deploy {i}
on:
  workflow_run:
    workflows: [ci]
    types: [completed]
permissions:
  contents: read
  statuses: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@{sha} # v4.1.8
        with:
          name: pr
          run-id: ${{{{ github.event.workflow_run.id }}}}
          path: .pr
      - run: |
          N=$(cat .pr/number)
          echo "N=$N" >> $GITHUB_ENV
      - run: |
          curl -s -H "Authorization: Bearer ${{{{ secrets.DEPLOY_TOKEN }}}}" https://deploy.example.net/$N
"""
REUSABLE = """on:
  workflow_call:
    inputs:
      ref: {type: string}
jobs:
  use:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{{{ inputs.ref }}}}"
"""
ACTION = """name: report
inputs: {title: {required: true}, sha: {required: true}}
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "${{ inputs.title }} at ${{ inputs.sha }}"
"""
GITLAB = """include:
  - component: gitlab.com/org/ci/lint@1
test:
  image: python:3.12
  script: [pytest]
"""


def make_repo(root: Path, workflows: int) -> list[str]:
    """Write the repository; return its files."""
    templates = [CI, RELEASE, LABELER, DEPLOY]
    files: dict[str, str] = {}
    reusables = max(1, workflows // 10)
    for r in range(reusables):
        files[f".github/workflows/reusable-{r}.yml"] = REUSABLE
    for i in range(workflows - reusables):
        text = templates[i % len(templates)].format(i=i, sha=SHA, r=i % reusables)
        files[f".github/workflows/wf-{i:03d}.yml"] = text
    for a in range(5):
        files[f".github/actions/{'report' if a == 0 else f'a{a}'}/action.yml"] = ACTION
    files[".gitlab-ci.yml"] = GITLAB
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return sorted(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workflows", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from gate.checks.interface import ScanTarget
    from gate.checks.pipeline import PipelineCheck

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = make_repo(root, args.workflows)
        workflows = sum(1 for f in files if "/workflows/" in f)
        times, findings = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = PipelineCheck().run(ScanTarget(root, tuple(files)))
            times.append(time.perf_counter() - started)
            findings = len(result.findings)
        print(f"pipeline check, {workflows} workflows + 5 actions + 1 GitLab file "
              f"({len(files)} files): best {min(times):.3f} s, median "
              f"{sorted(times)[len(times) // 2]:.3f} s over {args.repeat} runs; "
              f"{findings} findings")
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "gate", "run", str(root), "--checks",
                               "pipeline", "--no-post", "--no-cache", "--format", "json"],
                              capture_output=True, check=False)
        wall = time.perf_counter() - started
        print(f"gate run --checks pipeline (process start, worker spawn, report): "
              f"{wall:.2f} s wall, exit {done.returncode}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the default policy on real public repositories, and the precision of its failures.

Usage::

    python benchmarks/real_world.py [--before REF] [--only NAME,...] [--save DIR]

Each corpus project is a bare git mirror brought by the ``fetch`` tool (under
``--mirror``, default ``/work/.mirror/<owner>+<name>/repo``). The pinned commit is
extracted (blob by blob) into a temporary directory, ``git init`` makes the
inventory work, and ``gate run`` judges it with the built-in default policy and the
offline OSV database (``--vuln-db``, default the PyPA snapshot in
``/work/shared/data`` when present). Nothing from the corpus is committed.

For every project it prints the findings, the failing findings by check, context and
rule, and matches the failing findings against the hand labels in
``benchmarks/real_world_labels.yml`` (``real`` / ``not real``, with a reason). The
precision of failing findings is ``real / labelled``; failing findings without a label
are listed so they can be labelled.

``--before REF`` also runs the gate as it is at REF of this repository (``git archive``
of the ref, run with ``PYTHONPATH``), in the same run, for the before/after table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gate.triage.context import context_of

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LABELS = HERE / "real_world_labels.yml"
DEFAULT_MIRROR = Path("/work/.mirror")
DEFAULT_DB = Path("/work/shared/data/pypa-advisory-db")


@dataclass(frozen=True)
class Project:
    """One corpus repository, pinned to the commit that was labelled."""

    name: str
    repo: str
    commit: str
    kind: str


CORPUS = (
    Project("flask", "pallets/flask", "2ac89889f4cc330eabd50f295dcef02828522c69",
            "web framework"),
    Project("requests", "psf/requests", "1f6589ec3a1ee910f9a65cc3ceac60b26677bc0e",
            "HTTP library"),
    Project("django-oscar", "django-oscar/django-oscar",
            "cdbfc4412c87dd9037d62b04755780b76490373c", "Django e-commerce app"),
    Project("saleor", "saleor/saleor", "723cd4eba87dfc72822ade45dc08a3caa548428d",
            "Django e-commerce API"),
    Project("bakerydemo", "wagtail/bakerydemo", "8e2b625755d8942412d5b7627b146a795933b8b2",
            "Wagtail (Django) demo site"),
    Project("microblog", "miguelgrinberg/microblog", "a975ef64864354867c88e0ed3a17ba7d17dca752",
            "Flask app"),
    Project("tf-s3-bucket", "terraform-aws-modules/terraform-aws-s3-bucket",
            "dd0c434de5e74d8864e249ee020d917b076b6e32", "Terraform module"),
    Project("tf-vpc", "terraform-aws-modules/terraform-aws-vpc",
            "82d1929e669efef4e2ad00611b8a68e7a56e049c", "Terraform module"),
    Project("cdk-examples", "aws-samples/aws-cdk-examples",
            "bccff1d2775e4b0bf777721c6b41c0107e122f73", "CDK examples"),
    Project("cfn-templates", "awslabs/aws-cloudformation-templates",
            "3ac5e031cc2340dee710f769bacdd78c1f39f187", "CloudFormation templates"),
    Project("k8s-examples", "kubernetes/examples", "279e8e4fe314f6cb7bc55fa3fbc21bbeaa48c0ea",
            "Kubernetes manifests"),
    Project("aiohttp-demos", "aio-libs/aiohttp-demos", "5362c18e9612c22f7af29c3d1246e20e89d25145",
            "aiohttp applications"),
    Project("fastapi-template", "fastapi/full-stack-fastapi-template",
            "68adb40d37425f6f8668ec7e5a054500d045e43e", "FastAPI app"),
    Project("pipx", "pypa/pipx", "9bb766c055d47b44ea36c342b87ed569e7c442b1", "Python CLI"),
    Project("httpie", "httpie/cli", "5b604c37c6c67e18e7c3e9aee6c88a8c22b98345", "Python CLI"),
)

_CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "GITHUB_TOKEN", "CI_JOB_TOKEN",
                 "GITLAB_TOKEN", "GATE_VULN_DB")


def extract(mirror: Path, project: Project, into: Path) -> Path:
    """Write the pinned commit's files into ``into`` and ``git init`` it (never run anything).

    Read blob by blob (``git cat-file --batch``) rather than with ``git archive``, because
    a mirror may list large files whose blobs it does not hold: those are left out and
    counted. Symlinks and submodules are left out too.
    """
    git_dir = mirror / project.repo.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        raise SystemExit(f"{project.repo}: no mirror at {git_dir} (fetch github:{project.repo})")
    target = into / project.name
    target.mkdir()
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z",
                              project.commit], capture_output=True, check=True).stdout
    entries = []
    for record in listing.split(b"\0"):
        if record:
            meta, raw_path = record.split(b"\t", 1)
            mode, kind, object_id = meta.split()
            if kind == b"blob" and mode in (b"100644", b"100755"):
                entries.append((object_id.decode(), raw_path.decode("utf-8", "surrogateescape")))
    batch = subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    missing = 0
    for sha, path in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if header[-1] == b"missing":
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        destination = target / path
        if ".." in Path(path).parts or path.startswith("/"):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
    batch.stdin.close()
    batch.wait()
    if missing:
        print(f"  ({missing} file(s) absent from the mirror, not scanned)")
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    return target


def archive_gate(ref: str, into: Path) -> Path:
    """This repository's ``gate`` package at ``ref``, extracted for ``PYTHONPATH``."""
    target = into / f"gate-{ref.replace('/', '_')}"
    target.mkdir()
    data = subprocess.run(["git", "-C", str(REPO), "archive", ref, "gate"],
                          capture_output=True, check=True).stdout
    tar_path = into / "gate.tar"
    tar_path.write_bytes(data)
    with tarfile.open(tar_path) as tar:
        tar.extractall(target, filter="data")
    tar_path.unlink()
    return target


def run_gate(root: Path, src: Path, vuln_db: Path | None, cache: Path | None,
             timeout: float = 3600) -> dict[str, Any]:
    """``gate run`` with the default policy; the JSON report."""
    env = {k: v for k, v in os.environ.items() if k not in _CI_VARIABLES}
    env["PYTHONPATH"] = str(src)
    report = root.parent / f"{root.name}-{src.name}.json"
    args = [sys.executable, "-m", "gate", "run", str(root), "--no-post", "--format", "json",
            "--report", f"json={report}", "--policy", str(root.parent / "default.yml"),
            "--timeout", str(timeout)]
    args += ["--vuln-db", str(vuln_db)] if vuln_db else []
    args += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=root.parent,
                          timeout=timeout * 4 + 60)
    if proc.returncode not in (0, 1, 3) or not report.exists():
        raise SystemExit(f"gate failed on {root.name} (exit {proc.returncode}): {proc.stderr}")
    data: dict[str, Any] = json.loads(report.read_text())
    data["_exit"] = proc.returncode
    return data


def failing(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's failing findings."""
    return [f for f in report["findings"] if f.get("failing")]


def label_key(project: str, finding: dict[str, Any]) -> tuple[str, str, str, int]:
    """How labels find a finding: project, rule, path and line (the corpus is pinned)."""
    return (project, str(finding["rule_id"]), str(finding["path"]),
            int(finding.get("start_line") or 0))


Labels = dict[tuple[Any, ...], dict[str, Any]]


def load_labels(path: Path) -> Labels:
    """The hand labels, keyed by :func:`label_key`, and by place (project, path, line) when
    only one label is at that place, so that a renamed rule (the secrets detectors name
    their own) still finds its label."""
    if not path.exists():
        return {}
    entries = yaml.safe_load(path.read_text()) or []
    labels: Labels = {}
    places: Counter[tuple[str, str, int]] = Counter()
    for e in entries:
        place = (e["project"], e["path"], int(e.get("line") or 0))
        labels[(e["project"], str(e["rule"]), place[1], place[2])] = e
        places[place] += 1
    for e in entries:
        place = (e["project"], e["path"], int(e.get("line") or 0))
        if places[place] == 1:
            labels[("place", place[0], place[1], place[2])] = e
    return labels


def find_label(labels: Labels, project: str, finding: dict[str, Any]) -> dict[str, Any] | None:
    """The label of a failing finding: by rule and place, else by place alone."""
    key = label_key(project, finding)
    return labels.get(key) or labels.get(("place", project, key[2], key[3]))


def _context(finding: dict[str, Any], by_path: bool) -> str:
    """The finding's context, or (``by_path``, for a gate without contexts) today's conventions."""
    if not by_path:
        return str(finding.get("context", "code"))
    framework = dict(finding.get("extra") or {}).get("framework")
    return context_of(str(finding["path"]), str(finding["check"]), framework=framework)


def summarise(name: str, report: dict[str, Any], by_path: bool = False) -> dict[str, Any]:
    """Counts for one project from one report (``by_path``: contexts from path conventions)."""
    fails = failing(report)
    return {
        "findings": len(report["findings"]),
        "failing": len(fails),
        "verdict": report["verdict"],
        "by_check": Counter(f["check"] for f in fails),
        "by_context": Counter(_context(f, by_path) for f in fails),
        "by_rule": Counter(f"{f['check']}:{f['rule_id']}" for f in fails),
    }


def print_project(name: str, label: str, summary: dict[str, Any]) -> None:
    """One project's figures for one gate version."""
    print(f"  [{label}] verdict {summary['verdict']}: {summary['findings']} findings, "
          f"{summary['failing']} failing")
    for title in ("by_check", "by_context", "by_rule"):
        counts = summary[title]
        if counts:
            shown = ", ".join(f"{k} {v}" for k, v in counts.most_common())
            print(f"    {title.replace('_', ' ')}: {shown}")


def judge(name: str, report: dict[str, Any], labels: Labels) -> tuple[int, int, list[str]]:
    """(real, labelled, unlabelled lines) for the failing findings of one report."""
    real = labelled = 0
    unlabelled = []
    for f in failing(report):
        entry = find_label(labels, name, f)
        if entry is None:
            unlabelled.append(f"    - {{project: {name}, rule: {f['rule_id']!r}, "
                              f"path: {f['path']!r}, line: {f.get('start_line') or 0}, "
                              f"check: {f['check']}, context: {f.get('context', 'code')}, "
                              f"severity: {f['severity']}}}")
            continue
        labelled += 1
        real += entry["verdict"] == "real"
    return real, labelled, unlabelled


def _report(args: argparse.Namespace, project: Project, label: str, root: Path | None,
            src: Path) -> dict[str, Any]:
    """Run the gate (or, with ``--reports``, read a saved report) for one project and version."""
    if args.reports:
        saved: dict[str, Any] = json.loads((args.reports / f"{project.name}-{label}.json")
                                           .read_text())
        return saved
    assert root is not None
    report = run_gate(root, src, args.vuln_db, args.cache, args.timeout)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / f"{project.name}-{label}.json").write_text(json.dumps(report))
    return report


def _precision(totals: Counter[str], label: str) -> str:
    labelled = totals[f"{label}:labelled"]
    precision = f"{totals[f'{label}:real'] / labelled:.1%}" if labelled else "n/a"
    return (f"{label}: {totals[f'{label}:failing']} failing, {labelled} labelled, "
            f"{totals[f'{label}:real']} real, {totals[f'{label}:unlabelled']} unlabelled; "
            f"precision {precision}; failing in test/docs/example: "
            f"{totals[f'{label}:in_test_docs_example']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    parser.add_argument("--vuln-db", type=Path,
                        default=DEFAULT_DB if DEFAULT_DB.exists() else None)
    parser.add_argument("--before", metavar="REF", help="also run the gate at this git ref")
    parser.add_argument("--only", help="comma-separated project names")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--save", type=Path, help="keep the JSON reports in this directory")
    parser.add_argument("--reports", type=Path, help="judge reports saved by --save, run nothing")
    parser.add_argument("--cache", type=Path, help="a result cache directory to reuse")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="per-check timeout in seconds (large repositories on a busy machine)")
    args = parser.parse_args()

    projects = [p for p in CORPUS if not args.only or p.name in args.only.split(",")]
    labels = load_labels(args.labels)
    totals: Counter[str] = Counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="gate-real-world-") as tmp:
        work = Path(tmp)
        (work / "default.yml").write_text("# the built-in default policy\n")
        versions = {"after": REPO}
        if args.before:
            versions = {"before": archive_gate(args.before, work) if not args.reports else REPO,
                        **versions}
        for project in projects:
            root = None if args.reports else extract(args.mirror, project, work)
            print(f"{project.name} ({project.kind}, {project.repo}@{project.commit[:10]})")
            counts = {}
            for label, src in versions.items():
                report = _report(args, project, label, root, src)
                summary = summarise(project.name, report, by_path=label == "before")
                print_project(project.name, label, summary)
                real, labelled, unlabelled = judge(project.name, report, labels)
                counts[label] = (summary["failing"], real, labelled)
                totals.update({f"{label}:real": real, f"{label}:labelled": labelled,
                               f"{label}:unlabelled": len(unlabelled),
                               f"{label}:failing": summary["failing"],
                               f"{label}:in_test_docs_example": sum(
                                   summary["by_context"][c] for c in ("test", "docs", "example"))})
                print(f"    labels: {real} real of {labelled} labelled, "
                      f"{len(unlabelled)} unlabelled")
                for line in unlabelled:
                    print(line)
            rows.append((project, counts))
    print("\n| project | kind | " + " | ".join(f"failing {v} (real/labelled)" for v in versions)
          + " |")
    print("|---|---|" + "---|" * len(versions))
    for project, counts in rows:
        cells = [f"{n} ({r}/{lab})" for n, r, lab in counts.values()]
        print(f"| {project.name} | {project.kind} | " + " | ".join(cells) + " |")
    print()
    for label in versions:
        print(_precision(totals, label))


if __name__ == "__main__":
    main()

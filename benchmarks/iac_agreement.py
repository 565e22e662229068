"""Agreement between gate's IaC rules and Checkov's own fixture verdicts.

Checkov ships, for each check, fixture files and the verdict its authors
expect: Terraform resource checks list ``passing_resources`` /
``failing_resources`` in ``tests/terraform/checks/resource/aws/test_<Check>.py``,
Terraform graph checks in ``tests/terraform/graph/checks/resources/<Check>/expected.yaml``,
CloudFormation and Kubernetes fixtures carry ``PASSED`` / ``FAILED`` in their
file names (one verdict per file), or resource sets in their test module;
Dockerfile fixtures sit in ``success*`` / ``failure*`` directories.

For every Checkov check that a gate rule lists as an alias, this script scans
the check's fixtures with gate (the aliasing rules only) and compares verdicts:
per resource (Terraform, CloudFormation sets) or per file (CloudFormation and
Kubernetes file names). Checkov itself is never run or imported: its test
modules are read with :mod:`ast`, its fixtures are only parsed by gate.

Run: ``python benchmarks/iac_agreement.py /path/to/checkov-checkout [--details]``
(a checkout of https://github.com/bridgecrewio/checkov; fixtures are not vendored).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gate.checks.iac.engine import evaluate_units
from gate.checks.iac.interface import Framework, Rule
from gate.checks.iac.loader import load_units
from gate.checks.iac.registry import RULES

_ID = re.compile(r"""\b(?:check_)?id\s*=\s*["'](CKV2?_[A-Z0-9]+_\d+)["']""")


@dataclass(frozen=True)
class Case:
    """One expected verdict: ``subject`` is a resource address or a fixture file."""

    check: str
    framework: Framework
    directory: Path
    subject: str
    per_file: bool
    expected_fail: bool


def _set_literals(path: Path) -> dict[str, set[str]]:
    """``passing_resources`` / ``failing_resources`` string sets assigned in a test module."""
    found: dict[str, set[str]] = {}
    try:
        tree = ast.parse(path.read_text())
    except (SyntaxError, UnicodeDecodeError):
        return found
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id in ("passing_resources",
                                                           "failing_resources") \
                and isinstance(node.value, ast.Set | ast.List | ast.Tuple):
            found[target.id] = {e.value for e in node.value.elts
                                if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return found


_USERS: dict[Path, int] = defaultdict(int)
"""How many test modules scan each fixture directory (filled by :func:`collect`)."""

EXCLUDED: dict[tuple[str, str], str] = {
    ("CKV_K8S_13", "terraform"): "Checkov's Terraform check with this id judges memory *requests* "
    "(its manifest check with the same id, the one gate aliases, judges limits)",
}
"""(check, framework) pairs whose verdicts measure something other than the aliased check."""


def _own_dir(directory: Path, name: str) -> bool:
    """File-name verdicts (``-PASSED``) belong to the check the directory is named after, or
    to the only test module that scans it (shared directories carry another check's names)."""
    return directory.name in (f"example_{name}", f"{name}Templates") or _USERS[directory] == 1


def _fixture_dir(test: Path, name: str) -> Path | None:
    """The ``example_*`` directory a test module scans (named in a string literal)."""
    text = test.read_text()
    match = re.search(r"""["']/?(example_[A-Za-z0-9_]+|[A-Za-z0-9]+Templates|test_[A-Za-z0-9_]+)["']""",
                      text)
    candidate = test.parent / (match.group(1) if match else f"example_{name}")
    return candidate if candidate.is_dir() else None


def _check_ids(root: Path, framework: str) -> dict[str, str]:
    """check class module name -> Checkov id, for one framework's resource checks."""
    out = {}
    for py in sorted((root / "checkov" / framework / "checks").rglob("*.py")):
        match = _ID.search(py.read_text())
        if match:
            out[py.stem] = match.group(1)
    return out


def _graph_ids(root: Path, framework: str) -> dict[str, str]:
    out = {}
    for path in (root / "checkov" / framework / "checks" / "graph_checks").rglob("*.yaml"):
        meta = (yaml.safe_load(path.read_text()) or {}).get("metadata", {})
        if isinstance(meta, dict) and isinstance(meta.get("id"), str):
            out[path.stem] = meta["id"]
    return out


def _file_cases(check: str, framework: Framework, directory: Path) -> Iterator[Case]:
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".json", ".template"):
            continue
        name = path.name
        failed = "FAILED" in name or ".fail." in name
        if failed or "PASSED" in name or ".pass." in name:
            yield Case(check, framework, directory, path.relative_to(directory).as_posix(),
                       True, failed)


def collect(root: Path, wanted: set[str]) -> list[Case]:
    """Every expected verdict Checkov's tests state for the ``wanted`` check ids."""
    cases: list[Case] = []
    tests = root / "tests"
    for test in tests.rglob("test_*.py"):
        directory = _fixture_dir(test, test.stem[5:])
        if directory is not None:
            _USERS[directory] += 1
    tf_ids = _check_ids(root, "terraform")
    for test in sorted((tests / "terraform" / "checks").rglob("test_*.py")):
        imported = _IMPORT.search(test.read_text())
        check = tf_ids.get(test.stem[5:]) or (tf_ids.get(imported.group(1)) if imported else None)
        sets = _set_literals(test)
        directory = _fixture_dir(test, test.stem[5:])
        if check in wanted and not sets:
            cases += list(_conf_cases(root, test, check))
        if check not in wanted or not sets or directory is None:
            continue
        for key, fail in (("passing_resources", False), ("failing_resources", True)):
            cases += [Case(check, Framework.TERRAFORM, directory, r, False, fail)
                      for r in sorted(sets.get(key, ()))]
    for name, check in sorted(_graph_ids(root, "terraform").items()):
        directory = tests / "terraform" / "graph" / "checks" / "resources" / name
        expected = directory / "expected.yaml"
        if check not in wanted or not expected.is_file():
            continue
        data = yaml.safe_load(expected.read_text()) or {}
        for key, fail in (("pass", False), ("fail", True)):
            cases += [Case(check, Framework.TERRAFORM, directory, r, False, fail)
                      for r in data.get(key) or ()]
    cfn_ids = _check_ids(root, "cloudformation")
    for test in sorted((tests / "cloudformation" / "checks" / "resource").rglob("test_*.py")):
        check = cfn_ids.get(test.stem[5:])
        directory = _fixture_dir(test, test.stem[5:])
        if check not in wanted or directory is None:
            continue
        by_file = list(_file_cases(check, Framework.CLOUDFORMATION, directory)) \
            if _own_dir(directory, test.stem[5:]) else []
        if by_file:
            cases += by_file
            continue
        sets = _set_literals(test)
        for key, fail in (("passing_resources", False), ("failing_resources", True)):
            cases += [Case(check, Framework.CLOUDFORMATION, directory, r.split(".", 2)[-1],
                           False, fail) for r in sorted(sets.get(key, ()))]
    docker_ids = _check_ids(root, "dockerfile")
    for directory in sorted((tests / "dockerfile" / "checks").glob("example_*")):
        check = docker_ids.get(directory.name[len("example_"):])
        if check not in wanted:
            continue
        for dockerfile in sorted(directory.glob("*/Dockerfile")):
            kind = dockerfile.parent.name
            if kind.startswith(("failure", "success")):
                cases.append(Case(check, Framework.DOCKERFILE, directory,
                                  dockerfile.relative_to(directory).as_posix(), True,
                                  kind.startswith("failure")))
    k8s_ids = _check_ids(root, "kubernetes")
    for test in sorted((tests / "kubernetes" / "checks").glob("test_*.py")):
        check = k8s_ids.get(test.stem[5:])
        directory = _fixture_dir(test, test.stem[5:])
        if check in wanted and directory is not None and _own_dir(directory, test.stem[5:]):
            cases += list(_file_cases(check, Framework.KUBERNETES, directory))
    return _consistent(cases)


_MAP_ATTRS = frozenset({"metadata", "labels", "tags", "app_settings", "resource_labels",
                        "user_labels", "settings_map"})
_IMPORT = re.compile(r"from checkov\.terraform\.checks\.resource\.\w+\.(\w+) import check")
_SUPPORTED = re.compile(r"""supported_resources\s*=\s*[\[(]\s*["']([a-z0-9_]+)["']""")
_RESOURCE_HEAD = re.compile(r'resource\s+"([a-z0-9_]+)"\s+"([A-Za-z0-9_-]+)"')
CONF_DIR = Path(tempfile.gettempdir()) / f"gate-iac-agreement-confs-{os.getpid()}"
"""Where the resource configurations written inline in Checkov's older test modules are turned
into ``.tf`` files (one directory per check) so gate parses them like any other fixture."""


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_literal(_unwrap(v))}"
                               for k, v in value.items()) + "}"
    return "null"


def _unwrap(value: object) -> object:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _hcl_body(conf: dict[str, object], depth: int = 1) -> str:
    """Checkov's parsed form (every value wrapped in a list, blocks as lists of dicts) as HCL."""
    pad = "  " * depth
    lines = []
    for key, raw in conf.items():
        items = raw if isinstance(raw, list) else [raw]
        if key not in _MAP_ATTRS and items and all(isinstance(i, dict) for i in items):
            for block in items:
                assert isinstance(block, dict)
                lines.append(f"{pad}{key} {{\n{_hcl_body(block, depth + 1)}{pad}}}")
            continue
        lines.append(f"{pad}{key} = {_literal(_unwrap(raw))}")
    return "".join(line + "\n" for line in lines)


def _conf_cases(root: Path, test: Path, check: str) -> Iterator[Case]:
    """Cases from test modules that pass a resource configuration to the check directly."""
    text = test.read_text()
    module = _IMPORT.search(text)
    source = next((root / "checkov" / "terraform" / "checks" / "resource").rglob(
        f"{module.group(1)}.py"), None) if module else None
    supported = _SUPPORTED.search(source.read_text()) if source else None
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return
    directory = CONF_DIR / check
    for fn in ast.walk(tree):
        name = f"{fn.name}__{test.stem[5:]}" if isinstance(fn, ast.FunctionDef) else ""
        if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test"):
            continue
        confs, hcls, verdicts = [], [], []
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                with contextlib.suppress(ValueError):
                    confs.append(ast.literal_eval(node.value))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "loads" and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                hcls.append(node.args[0].value)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "CheckResult" and node.attr in ("PASSED", "FAILED"):
                verdicts.append(node.attr == "FAILED")
        if len(verdicts) != 1 or len(confs) + len(hcls) != 1:
            continue
        if hcls:
            head = _RESOURCE_HEAD.search(hcls[0])
            if not head:
                continue
            rtype = head.group(1)
            body = hcls[0][:head.start(2)] + name + hcls[0][head.end(2):]
        elif supported:
            rtype = supported.group(1)
            body = f'resource "{rtype}" "{name}" {{\n{_hcl_body(confs[0])}}}\n'
        else:
            continue
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{test.stem}_{fn.name}.tf").write_text(body)
        yield Case(check, Framework.TERRAFORM, directory, f"{rtype}.{name}", False, verdicts[0])


def _consistent(cases: list[Case]) -> list[Case]:
    """Drop subjects a fixture lists as both passing and failing (a slip in Checkov's tests)."""
    verdicts: dict[tuple[str, Path, str], set[bool]] = defaultdict(set)
    for case in cases:
        verdicts[(case.check, case.directory, case.subject)].add(case.expected_fail)
    return [c for c in cases if len(verdicts[(c.check, c.directory, c.subject)]) == 1]


def _flagged(directory: Path, framework: Framework, rules: Sequence[Rule],
             check: str) -> dict[str, set[str]]:
    """Addresses and files gate flags in ``directory`` (resource, where written, file)."""
    files = tuple(sorted(p.relative_to(directory).as_posix()
                         for p in directory.rglob("*") if p.is_file()))
    loaded = load_units(directory, files, frozenset({framework}))
    found: dict[str, set[str]] = {"resources": set(), "files": set(),
                                  "unscanned": {n.path for n in loaded.not_scanned},
                                  "undetermined": set()}
    evaluation = evaluate_units(loaded.units, rules)
    for warning in evaluation.warnings:  # "<path>:<line>: <rule> not evaluated for <address>: .."
        head = warning.split(" not evaluated for ", 1)
        if len(head) == 2:
            found["undetermined"].add(head[1].split(": ", 1)[0])
            found["undetermined"].add(head[0].split(":", 1)[0])
    for finding in evaluation.findings:
        if check not in finding.aliases:
            continue  # the violation matches another of the rule's aliases
        extra = dict(finding.extra)
        found["resources"].update(v for k, v in extra.items() if k in ("resource", "written_at"))
        found["files"].add(finding.path)
        found["files"].update(r.location.path for r in finding.related)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkov", type=Path, help="path to a checkout of bridgecrewio/checkov")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    by_alias: dict[str, list[Rule]] = defaultdict(list)
    for rule in RULES:
        for alias in rule.aliases:
            by_alias[alias].append(rule)
    shutil.rmtree(CONF_DIR, ignore_errors=True)
    try:
        return _report(args, by_alias)
    finally:
        shutil.rmtree(CONF_DIR, ignore_errors=True)


def _report(args: argparse.Namespace, by_alias: dict[str, list[Rule]]) -> int:
    cases = collect(args.checkov, set(by_alias))
    cache: dict[tuple[Path, Framework, str], dict[str, set[str]]] = {}
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    unscanned: list[str] = []
    undetermined: list[str] = []
    excluded: dict[str, int] = defaultdict(int)
    for case in cases:
        if (case.check, case.framework.value) in EXCLUDED:
            excluded[f"{case.check} ({case.framework.value})"] += 1
            continue
        key = (case.directory, case.framework, case.check)
        if key not in cache:
            cache[key] = _flagged(case.directory, case.framework, by_alias[case.check],
                                  case.check)
        flagged = cache[key]
        if (case.per_file and case.subject in flagged["unscanned"]) or \
                (not case.per_file and flagged["unscanned"] and not flagged["resources"]
                 and all(p.endswith(".tf") for p in flagged["unscanned"])
                 and len(flagged["unscanned"]) == len(list(case.directory.glob("*.tf")))):
            unscanned.append(f"{case.check} {case.directory.name}/{case.subject}")
            continue
        fuzzy = case.subject in flagged["undetermined"] or \
            f"data.{case.subject}" in flagged["undetermined"]
        hit = case.subject in (flagged["files"] if case.per_file else flagged["resources"]) or \
            f"data.{case.subject}" in flagged["resources"]
        if fuzzy and not hit:
            undetermined.append(f"{case.check} {case.directory.name}/{case.subject}: Checkov "
                                f"{'FAIL' if case.expected_fail else 'PASS'}")
            continue
        if case.per_file:
            ours = any(f == case.subject for f in flagged["files"])
        else:  # Checkov names Terraform data sources without their ``data.`` prefix
            ours = bool({case.subject, f"data.{case.subject}"} & flagged["resources"])
        row = rows[case.check]
        row[0] += 1
        if ours == case.expected_fail:
            row[1] += 1
        else:
            misses.append(f"{case.check} {case.framework.value} "
                          f"{case.directory.name}/{case.subject}: Checkov "
                          f"{'FAIL' if case.expected_fail else 'PASS'}, gate "
                          f"{'FAIL' if ours else 'PASS'}")
    total = sum(r[0] for r in rows.values())
    agree = sum(r[1] for r in rows.values())
    print("| Checkov check | gate rules | verdicts | agree |")
    print("|---|---|---|---|")
    for check in sorted(rows):
        n, ok = rows[check]
        print(f"| {check} | {', '.join(r.id for r in by_alias[check])} | {n} | {ok} |")
    missing = sorted(set(by_alias) - set(rows))
    if missing:
        print(f"\naliased checks without fixture verdicts: {', '.join(missing)}")
    families: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for check, (n, ok) in rows.items():
        family = check.split("_")[1]
        families[family][0] += n
        families[family][1] += ok
        families[family][2] += 1
    print("\nby family: " + "; ".join(
        f"{name} {ok}/{n} ({100 * ok / max(n, 1):.1f}%, {k} checks)"
        for name, (n, ok, k) in sorted(families.items())))
    print(f"\noverall: {agree}/{total} verdicts agree "
          f"({100 * agree / max(total, 1):.1f}%) over {len(rows)} Checkov checks")
    print(f"left out: {len(unscanned)} verdicts on fixture files gate reports as not scanned "
          f"(not valid HCL 2 / YAML); {len(undetermined)} on resources gate reports as not "
          "evaluated (a value it cannot know, a workload without pod spec)")
    for label, count in sorted(excluded.items()):
        print(f"excluded: {count} verdicts of {label}: "
              f"{EXCLUDED[(label.split()[0], label.split()[1].strip('()'))]}")
    if args.details:
        print("\n" + "\n".join(misses))
        print("\nnot scanned:\n" + "\n".join(unscanned))
        print("\nnot evaluated:\n" + "\n".join(undetermined))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

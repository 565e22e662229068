"""Agreement between gate's IaC rules and the Checkov checks they alias.

For every rule with Checkov aliases, both tools scan the rule's own fixture
directory (tests/checks/iac/fixtures/rules/<id>: passing and failing
resources written for that rule). Per resource of the rule's types, the
verdicts are compared: gate flags it, or Checkov fails one of the aliases on
it. Run: ``.venv/bin/python benchmarks/iac_agreement.py`` (needs Checkov in a
separate venv: ``$CHECKOV_BIN`` or /tmp/checkov-venv/bin/checkov).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from iac_vs_checkov import checkov_bin, run_checkov

from gate.checks.iac.engine import evaluate_units
from gate.checks.iac.interface import Framework
from gate.checks.iac.loader import load_units
from gate.checks.iac.registry import RULES

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "checks" / "iac" / "fixtures" / "rules"
_CKV_FRAMEWORK = {Framework.CLOUDFORMATION: "cloudformation", Framework.TERRAFORM: "terraform",
                  Framework.KUBERNETES: "kubernetes", Framework.DOCKERFILE: "dockerfile",
                  Framework.GITHUB_ACTIONS: "github_actions"}


def _normalise(resource: str, framework: Framework) -> str:
    """Checkov's resource id -> gate's address (CFN logical id, TF type.name, k8s kind/ns/name)."""
    if framework is Framework.CLOUDFORMATION:
        return resource.split(".", 1)[-1]
    if framework is Framework.KUBERNETES:
        kind, namespace, name = [*resource.split("."), "", ""][:3]
        return f"{kind}/{namespace}/{name}"
    if framework is Framework.DOCKERFILE:
        path = resource.lstrip("/")
        return path.rsplit(".", 1)[0] if path.rsplit(".", 1)[-1].isupper() or path.endswith(".") \
            else path
    return resource


def _match(address: str, universe: set[str]) -> str:
    """Checkov names Terraform data sources without the ``data.`` prefix."""
    return f"data.{address}" if f"data.{address}" in universe else address


def main() -> int:
    binary = checkov_bin()
    if binary is None:
        print("checkov not found (set CHECKOV_BIN or install into /tmp/checkov-venv); skipped")
        return 0
    print("| rule | Checkov | framework | resources | agree | gate only | Checkov only |")
    print("|---|---|---|---|---|---|---|")
    total = agree_total = 0
    for rule in RULES:
        if not rule.aliases:
            continue
        directory = FIXTURES / rule.id.lower()
        files = tuple(sorted(p.relative_to(directory).as_posix()
                             for p in directory.rglob("*") if p.is_file()))
        frameworks = [f for f in rule.frameworks() if f in _CKV_FRAMEWORK]
        loaded = load_units(directory, files, frozenset(frameworks))
        ours = {dict(f.extra)["resource"] for f in evaluate_units(loaded.units, [rule]).findings}
        reports = run_checkov(binary, directory, [_CKV_FRAMEWORK[f] for f in frameworks],
                              list(rule.aliases))
        for framework in frameworks:
            report = next((r for r in reports
                           if r.get("check_type") == _CKV_FRAMEWORK[framework]), {})
            results = report.get("results", {})
            types = rule.resource_types[framework]
            universe = {r.address for u in loaded.units if u.framework is framework
                        for r in u.resources if r.type in types}
            failed = {_match(_normalise(c["resource"], framework), universe)
                      for c in results.get("failed_checks", [])}
            evaluated = failed | {_match(_normalise(c["resource"], framework), universe)
                                  for c in results.get("passed_checks", [])}
            if not evaluated:
                print(f"| {rule.id} | {', '.join(rule.aliases)} | {framework.value} | "
                      f"{len(universe)} | n/a: Checkov has no such check here | - | - |")
                continue
            mine = ours & universe
            theirs = failed & universe
            agree = sum(1 for r in universe if (r in mine) == (r in theirs))
            total += len(universe)
            agree_total += agree
            extra = sorted(failed - universe)
            only_theirs = sorted(theirs - mine) + [f"({e})" for e in extra]
            print(f"| {rule.id} | {', '.join(rule.aliases)} | {framework.value} | "
                  f"{len(universe)} | {agree}/{len(universe)} | "
                  f"{', '.join(sorted(mine - theirs)) or '-'} | "
                  f"{', '.join(only_theirs) or '-'} |")
    if total:
        print(f"\noverall: {agree_total}/{total} resource verdicts agree "
              f"({100 * agree_total / total:.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

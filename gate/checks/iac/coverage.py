"""Which parsed resources no rule judges: listed, never passed silently.

A resource is *covered* when at least one rule is dispatched on its type, or when
rules read it as part of another resource (an ``aws_s3_bucket_versioning`` is
judged through its bucket). Data sources are reads, and the Terraform helpers
that create no infrastructure (``random_*``, ``time_*``, ``null_resource``,
``terraform_data``) have nothing to judge; everything else that no rule covers is
reported per file with its type. Under the policy ``iac.uncovered: fail`` each such
file also becomes a ``GATE-IAC-UNCOVERED`` finding, so the gate fails on
infrastructure it cannot read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gate.checks.iac.frameworks import Framework
from gate.checks.iac.need import Need
from gate.findings import Finding, Location, Severity, content_fingerprint

if TYPE_CHECKING:  # a warm run decodes remembered needs without the engine's vocabulary
    from gate.checks.iac.interface import Resource, Rule, Unit

__all__ = ["READ_WITH", "UNCOVERED_RULE", "Need", "Uncovered", "covered_types", "needs", "tally",
           "uncovered", "uncovered_findings", "uncovered_warnings"]

UNCOVERED_RULE = "GATE-IAC-UNCOVERED"

READ_WITH: dict[Framework, frozenset[str]] = {
    Framework.TERRAFORM: frozenset({
        "aws_s3_bucket_acl", "aws_s3_bucket_cors_configuration",
        "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging",
        "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning", "aws_s3_bucket_website_configuration",
        "aws_api_gateway_rest_api", "aws_elb", "aws_vpc_security_group_egress_rule",
        "aws_wafregional_web_acl_association", "aws_wafv2_web_acl_association",
        "azurerm_monitor_diagnostic_setting", "azurerm_mssql_server_extended_auditing_policy",
    }),
    Framework.CLOUDFORMATION: frozenset({
        "AWS::ApiGateway::RestApi", "AWS::EC2::SecurityGroupEgress",
        "AWS::ElasticLoadBalancing::LoadBalancer", "AWS::S3::BucketPolicy",
        "AWS::WAFRegional::WebACLAssociation", "AWS::WAFv2::WebACLAssociation",
    }),
}
"""Types rules read through another resource (declared here, next to the coverage they give)."""

_INERT_PREFIXES = ("random_", "time_")
_INERT = frozenset({"null_resource", "terraform_data"})


def covered_types(rules: Iterable[Rule]) -> dict[Framework, frozenset[str]]:
    """Per framework, the types some rule judges directly or through another resource."""
    found: dict[Framework, set[str]] = {f: set(READ_WITH.get(f, ())) for f in Framework}
    for rule in rules:
        for framework, types in rule.resource_types.items():
            found[framework].update(types)
    return {f: frozenset(t) for f, t in found.items()}


def _needs_rule(res: Resource) -> bool:
    if res.framework is Framework.TERRAFORM:
        if res.address.startswith("data.") or ".data." in res.address:
            return False
        return res.type not in _INERT and not res.type.startswith(_INERT_PREFIXES)
    return res.framework in (Framework.CLOUDFORMATION, Framework.KUBERNETES)


@dataclass(frozen=True)
class Uncovered:
    """One file's resources that no rule judges."""

    path: str
    line: int
    types: tuple[tuple[str, int], ...]
    """(type, how many), most frequent first."""
    total: int
    """Resources of the file that needed a rule (covered or not)."""

    @property
    def count(self) -> int:
        """How many resources of the file are not covered."""
        return sum(n for _t, n in self.types)

    def describe(self) -> str:
        """``azapi_resource x3, google_compute_network``."""
        return ", ".join(t if n == 1 else f"{t} x{n}" for t, n in self.types)


def needs(units: Iterable[Unit], rules: Sequence[Rule]) -> tuple[Need, ...]:
    """The resources of ``units`` that need a rule, in order (``count`` copies included).

    A resource's coverage depends only on the rules of its own framework, so the needs of
    units judged apart (each with the rules of its frameworks) add up to those of one run."""
    covered = covered_types(rules)
    return tuple(Need(res.path, res.ref_key, res.start_line, res.type,
                      res.type in covered.get(res.framework, frozenset()))
                 for unit in units for res in unit.resources if _needs_rule(res))


def tally(found: Iterable[Need]) -> tuple[tuple[Uncovered, ...], int]:
    """Files with resources no rule covers (in path order), and how many resources needed one."""
    missing: dict[str, Counter[str]] = {}
    first: dict[str, int] = {}
    totals: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for need in found:
        key = (need.path, need.ref_key)
        if key in seen:  # count/for_each copies count once
            continue
        seen.add(key)
        totals[need.path] += 1
        if not need.covered:
            missing.setdefault(need.path, Counter())[need.type] += 1
            first[need.path] = min(first.get(need.path, need.line), need.line)
    files = tuple(Uncovered(p, first[p], tuple(sorted(c.items(), key=lambda i: (-i[1], i[0]))),
                            totals[p]) for p, c in sorted(missing.items()))
    return files, sum(totals.values())


def uncovered(units: Iterable[Unit], rules: Sequence[Rule]) -> tuple[tuple[Uncovered, ...], int]:
    """Files with resources no rule covers (in path order), and how many resources needed one."""
    return tally(needs(units, rules))


def uncovered_warnings(files: Sequence[Uncovered], total: int, top: int = 5) -> list[str]:
    """One line per file, then a summary with the most frequent types."""
    if not files:
        return []
    lines = [f"{u.path}:{u.line}: not covered by any IaC rule: {u.describe()}" for u in files]
    types: Counter[str] = Counter()
    for u in files:
        for rtype, n in u.types:
            types[rtype] += n
    shown = ", ".join(f"{t} ({n})" for t, n in types.most_common(top))
    count = sum(u.count for u in files)
    lines.append(f"IaC coverage: {count} of {total} resources in {len(files)} file(s) are not "
                 f"covered by any rule (policy iac.uncovered); most frequent types: {shown}")
    return lines


def uncovered_findings(files: Sequence[Uncovered], check: str) -> list[Finding]:
    """Under ``iac.uncovered: fail``: one critical finding per file, so the gate fails."""
    return [Finding(
        check=check, rule_id=UNCOVERED_RULE, severity=Severity.CRITICAL,
        message=f"{u.count} of {u.total} resources in this file are of types no IaC rule "
                f"judges: {u.describe()} (iac.uncovered: fail)",
        location=Location(u.path, u.line, u.line),
        fingerprint=content_fingerprint(check, UNCOVERED_RULE, u.path,
                                        ",".join(t for t, _n in u.types)),
        title="Infrastructure no IaC rule judges",
        help_url="docs/checks/iac.md#coverage",
        fix="Add rules for these types, remove the resources, or accept them with a waiver "
            "(rule GATE-IAC-UNCOVERED, the file's path); iac.uncovered: warn lists them "
            "without failing.",
    ) for u in files]

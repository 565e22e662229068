"""IAM least privilege: no admin wildcards, no service-wide wildcards, no PassRole on *.

Only Allow statements count: a Deny with wildcards narrows access. KMS key
policies and bucket policies are resource policies, not identity policies,
and are not read here (a key policy granting the account root is normal).
Terraform policies built from ``data.aws_iam_policy_document`` are judged on
the data source, once, not again on every policy that uses its JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from gate.checks.iac.interface import (
    Outcome,
    Practice,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.aws.policy import (
    Statement,
    document_statements,
    tf_data_statements,
)
from gate.checks.iac.rules.base import on
from gate.checks.iac.values import MISSING, as_list, json_document
from gate.findings import Severity

__all__ = ["AdminAccessAttached", "AdminPolicy", "PassRoleWildcard", "ServiceWildcard"]

_CFN_DOC = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
_CFN_INLINE = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
_TF_POLICY = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy",
              "aws_iam_group_policy", "aws_ssoadmin_permission_set_inline_policy")
_POLICY_TYPES = on(cfn=[*_CFN_DOC, *_CFN_INLINE],
                   tf=[*_TF_POLICY, "aws_iam_policy_document", "aws_iam_role"])


def statements(resource: Resource) -> Iterator[Statement | Unknown]:
    """Every identity-policy statement a resource defines."""
    p = resource.properties
    rtype = resource.type
    if rtype in _CFN_DOC:
        yield from document_statements(p.get("PolicyDocument", MISSING), ("PolicyDocument",))
    elif rtype in _CFN_INLINE:
        for i, policy in enumerate(as_list(p.get("Policies"))):
            if isinstance(policy, Mapping):
                yield from document_statements(policy.get("PolicyDocument", MISSING),
                                               ("Policies", i, "PolicyDocument"))
    elif rtype == "aws_iam_policy_document":
        yield from tf_data_statements(resource)
    elif rtype in _TF_POLICY:
        attr = "inline_policy" if rtype == "aws_ssoadmin_permission_set_inline_policy" else "policy"
        value = p.get(attr, MISSING)
        if isinstance(value, Unknown) and any(r.startswith("data.aws_iam_policy_document.")
                                              for r in value.refs):
            return  # judged on the data source itself
        yield from document_statements(json_document(value), (attr,))
    elif rtype == "aws_iam_role":
        for i, inline in enumerate(as_list(p.get("inline_policy"))):
            if isinstance(inline, Mapping) and "policy" in inline:
                yield from document_statements(json_document(inline["policy"]),
                                               ("inline_policy", i))


def _lower(values: tuple[Any, ...]) -> list[Any]:
    return [v.lower() if isinstance(v, str) else v for v in values]


class _StatementRule(Rule):
    """Shared loop: judge each Allow statement; unknown statements are undetermined."""

    resource_types = _POLICY_TYPES
    unknown_note: ClassVar[str] = "policy document is not known statically"

    def judge(self, st: Statement) -> Outcome | None:
        """The outcome for one Allow statement (None when fine)."""
        raise NotImplementedError

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for st in statements(resource):
            if isinstance(st, Unknown):
                yield Undetermined(self.unknown_note)
                continue
            if st.effect != "Allow" or st.not_actions:
                continue
            outcome = self.judge(st)
            if outcome is not None:
                yield outcome


def _star_resource(st: Statement) -> bool | None:
    if "*" in st.resources:
        return True
    return None if any(isinstance(r, Unknown) for r in st.resources) else False


class AdminPolicy(_StatementRule):
    """No policy may grant every action on every resource."""

    id = "GATE-AWS-IAM-001"
    title = "IAM policy grants full administrator access"
    severity = Severity.CRITICAL
    practice = Practice.LEAST_PRIVILEGE
    rationale = "Action * on Resource * turns any compromise of the principal into account takeover."
    fix = "List the actions and resources the workload needs; use access analyzer to generate them."
    aliases = ("CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_49")

    def judge(self, st: Statement) -> Outcome | None:
        """Action ``*`` with Resource ``*``."""
        if "*" not in st.actions:
            return None
        star = _star_resource(st)
        if star is None:
            return Undetermined("Action * with a resource that is not known statically", st.at)
        if star:
            return Violation("grants full administrator access (Action * on Resource *)", st.at)
        return None


class ServiceWildcard(_StatementRule):
    """No Allow statement may use ``*`` or ``service:*`` actions on all resources."""

    id = "GATE-AWS-IAM-002"
    title = "IAM policy grants wildcard actions"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = "svc:* on * (or * on a resource) grants destructive and future actions nobody needs."
    fix = "Replace wildcards with the specific actions used (s3:GetObject, not s3:*)."
    aliases = ("CKV_AWS_63", "CKV_AWS_49")

    def judge(self, st: Statement) -> Outcome | None:
        """``svc:*`` on Resource ``*``, or ``*`` on specific resources (admin is IAM-001)."""
        actions = _lower(st.actions)
        star = _star_resource(st)
        if "*" in actions:
            return None if star is not False else Violation(
                "allows every action (Action *) on specific resources", st.at)
        services = sorted(a for a in actions if isinstance(a, str) and a.endswith(":*"))
        if not services:
            return None
        if star is None:
            return Undetermined(f"{services[0]} with a resource not known statically", st.at)
        if star:  # CKV_AWS_63/49 judge only a bare "*": no Checkov check covers svc:*
            return Violation(f"grants {', '.join(services)} on Resource *", st.at,
                             key=",".join(services), aliases=())
        return None


class PassRoleWildcard(_StatementRule):
    """iam:PassRole on * lets the principal hand any role to any service."""

    id = "GATE-AWS-IAM-003"
    title = "IAM policy allows iam:PassRole on all roles"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = "PassRole on * is a classic privilege escalation: pass an admin role to a Lambda."
    fix = "Limit iam:PassRole to the ARNs of the roles the workload must pass."

    def judge(self, st: Statement) -> Outcome | None:
        """``iam:PassRole`` / ``iam:Pass*`` on Resource ``*``."""
        if not {"iam:passrole", "iam:pass*"} & set(_lower(st.actions)):
            return None
        star = _star_resource(st)
        if star is None:
            return Undetermined("iam:PassRole with a resource not known statically", st.at)
        return Violation("allows iam:PassRole on Resource *", st.at) if star else None


class AdminAccessAttached(Rule):
    """The AWS managed AdministratorAccess policy must not be attached."""

    id = "GATE-AWS-IAM-004"
    title = "AdministratorAccess policy attached"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = "AdministratorAccess grants everything; workloads and humans need far less."
    fix = "Attach a policy scoped to the job (or a permission set with least privilege)."
    aliases = ("CKV_AWS_274",)
    resource_types = on(
        cfn=list(_CFN_INLINE),
        tf=["aws_iam_role", "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
            "aws_iam_group_policy_attachment", "aws_iam_policy_attachment",
            "aws_ssoadmin_managed_policy_attachment"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        for attr in ("ManagedPolicyArns", "managed_policy_arns", "policy_arn",
                     "managed_policy_arn"):
            for i, arn in enumerate(as_list(p.get(attr))):
                text = arn.expr if isinstance(arn, Unknown) else str(arn)
                if text.endswith(":policy/AdministratorAccess") \
                        or "policy/AdministratorAccess'" in text:
                    at = (attr, i) if isinstance(p.get(attr), list) else (attr,)
                    yield Violation("attaches the AdministratorAccess managed policy", at)
                    return

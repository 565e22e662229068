"""Following WAF associations back to what they protect.

A web ACL is attached by a separate resource (``AWS::WAFv2::WebACLAssociation``,
``aws_wafv2_web_acl_association`` and their WAF Classic regional twins) whose
``ResourceArn`` references the ALB or API Gateway stage. CloudFormation often
builds a stage ARN with ``!Sub .../restapis/${Api}/stages/prod``: then the
association names the API and the stage's literal name, which also counts.
"""

from __future__ import annotations

from gate.checks.iac.interface import Framework, Resource, Unit, Unknown

__all__ = ["waf_associations"]

_CFN = ("AWS::WAFv2::WebACLAssociation", "AWS::WAFRegional::WebACLAssociation")
_TF = ("aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association")


def waf_associations(resource: Resource, unit: Unit) -> list[Resource]:
    """Associations whose resource ARN points at ``resource``."""
    if resource.framework is Framework.CLOUDFORMATION:
        found = unit.referrers(resource, _CFN, "ResourceArn")
        if found:
            return found
        api = resource.properties.get("RestApiId")
        stage = resource.properties.get("StageName")
        if not isinstance(api, Unknown) or not isinstance(stage, str):
            return []
        return [a for a in unit.of_type(*_CFN)
                if isinstance(arn := a.properties.get("ResourceArn"), Unknown)
                and api.refs & arn.refs and f"/stages/{stage}" in arn.expr]
    return unit.referrers(resource, _TF, "resource_arn")

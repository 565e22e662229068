"""CloudFront: HTTPS to viewers, HTTPS to origins, a WAF in front."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
    AttrPath,
    Framework,
    Outcome,
    Practice,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.aws.simple import AttributeRule, is_set
from gate.checks.iac.rules.base import on
from gate.checks.iac.values import as_list, dig, first_block
from gate.findings import Severity

__all__ = ["CloudFrontOriginHttps", "CloudFrontViewerHttps", "CloudFrontWaf"]

_DIST = on(cfn=["AWS::CloudFront::Distribution"], tf=["aws_cloudfront_distribution"])


def _behaviours(resource: Resource) -> Iterator[tuple[Any, AttrPath]]:
    p = resource.properties
    if resource.framework is Framework.CLOUDFORMATION:
        yield dig(p, "DistributionConfig", "DefaultCacheBehavior", "ViewerProtocolPolicy"), \
            ("DistributionConfig", "DefaultCacheBehavior")
        for i, b in enumerate(as_list(dig(p, "DistributionConfig", "CacheBehaviors"))):
            yield dig(b, "ViewerProtocolPolicy"), ("DistributionConfig", "CacheBehaviors", i)
        return
    yield dig(first_block(p.get("default_cache_behavior")), "viewer_protocol_policy"), \
        ("default_cache_behavior", 0)
    for i, b in enumerate(as_list(p.get("ordered_cache_behavior"))):
        yield dig(b, "viewer_protocol_policy"), ("ordered_cache_behavior", i)


class CloudFrontViewerHttps(Rule):
    """Viewers must be redirected to HTTPS or refused on HTTP."""

    id = "GATE-AWS-CF-001"
    title = "CloudFront allows plain HTTP viewers"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "allow-all serves content and cookies over plain HTTP to anyone on the path."
    fix = "Set ViewerProtocolPolicy to redirect-to-https or https-only on every behaviour."
    aliases = ("CKV_AWS_34",)
    resource_types = _DIST

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for policy, at in _behaviours(resource):
            if isinstance(policy, Unknown):
                yield Undetermined("viewer protocol policy is not known statically", at)
            elif policy == "allow-all":
                yield Violation("allows plain HTTP viewers (ViewerProtocolPolicy allow-all)", at)
                return


def _origins(resource: Resource) -> Iterator[tuple[Any, AttrPath, str]]:
    p = resource.properties
    if resource.framework is Framework.CLOUDFORMATION:
        for i, o in enumerate(as_list(dig(p, "DistributionConfig", "Origins"))):
            if isinstance(o, Mapping) and "CustomOriginConfig" in o:
                yield dig(o, "CustomOriginConfig", "OriginProtocolPolicy"), \
                    ("DistributionConfig", "Origins", i), str(o.get("Id", i))
        return
    for i, o in enumerate(as_list(p.get("origin"))):
        if isinstance(o, Mapping) and "custom_origin_config" in o:
            yield dig(first_block(o["custom_origin_config"]), "origin_protocol_policy"), \
                ("origin", i), str(o.get("origin_id", i))


class CloudFrontOriginHttps(Rule):
    """CloudFront must talk to custom origins over HTTPS."""

    id = "GATE-AWS-CF-002"
    title = "CloudFront uses plain HTTP to an origin"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = ("HTTPS to viewers is worthless if the origin leg crosses the internet in clear "
                 "(match-viewer does so whenever a behaviour lets viewers use HTTP).")
    fix = "Set OriginProtocolPolicy to https-only for custom origins."
    aliases = ("CKV2_AWS_72",)
    resource_types = _DIST

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        enabled = dig(p, "DistributionConfig", "Enabled") \
            if resource.framework is Framework.CLOUDFORMATION else p.get("enabled")
        if enabled is False or (isinstance(enabled, str) and enabled.lower() == "false"):
            return  # a disabled distribution serves nothing
        viewers = [policy for policy, _at in _behaviours(resource)]
        http_viewers = any(v == "allow-all" or isinstance(v, Unknown) for v in viewers)
        for policy, at, origin in _origins(resource):
            if isinstance(policy, Unknown):
                yield Undetermined("origin protocol policy is not known statically", at)
            elif policy == "http-only" or (policy == "match-viewer" and http_viewers):
                yield Violation(f"reaches origin {origin} over plain HTTP ({policy})", at,
                                key=origin)


class CloudFrontWaf(AttributeRule):
    """Distributions must be behind a WAF web ACL."""

    id = "GATE-AWS-CF-003"
    title = "CloudFront distribution without WAF"
    severity = Severity.MEDIUM
    practice = Practice.WAF
    rationale = "A WAF blocks common exploits and bots before they reach the application."
    fix = "Set WebACLId / web_acl_id to a WAFv2 web ACL (scope CLOUDFRONT)."
    aliases = ("CKV_AWS_68",)
    resource_types = _DIST
    paths = {"AWS::CloudFront::Distribution": ("DistributionConfig", "WebACLId"),
             "aws_cloudfront_distribution": ("web_acl_id",)}
    test = is_set
    detail = "has no WAF web ACL"

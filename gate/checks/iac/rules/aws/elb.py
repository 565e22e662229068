"""Load balancers: HTTPS listeners with a modern TLS policy, access logs, a WAF in front."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
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
from gate.checks.iac.rules.aws.waf import waf_associations
from gate.checks.iac.rules.base import on, truth
from gate.checks.iac.values import MISSING, as_list, dig, first_block
from gate.findings import Severity

__all__ = ["AlbWaf", "ListenerHttps", "ListenerTlsPolicy", "LoadBalancerAccessLogs"]

_LISTENER = on(cfn=["AWS::ElasticLoadBalancingV2::Listener"],
               tf=["aws_lb_listener", "aws_alb_listener"])
_LB = on(cfn=["AWS::ElasticLoadBalancingV2::LoadBalancer"], tf=["aws_lb", "aws_alb"])
_MODERN = ("ELBSecurityPolicy-TLS13-1-2", "ELBSecurityPolicy-TLS13-1-3",
           "ELBSecurityPolicy-TLS-1-2", "ELBSecurityPolicy-FS-1-2")


def _listener(resource: Resource) -> tuple[Any, Any, list[Any]]:
    """(protocol, ssl policy, default actions) in either spelling; TF protocol defaults to HTTP."""
    p = resource.properties
    if resource.framework is Framework.CLOUDFORMATION:
        return p.get("Protocol", MISSING), p.get("SslPolicy", MISSING), \
            as_list(p.get("DefaultActions"))
    return p.get("protocol", "HTTP"), p.get("ssl_policy", MISSING), \
        as_list(p.get("default_action"))


def _on_gateway(listener: Resource, unit: Unit) -> bool:
    """A Terraform listener without protocol on a load balancer of type ``gateway``."""
    if listener.framework is not Framework.TERRAFORM or "protocol" in listener.properties:
        return False
    arn = listener.properties.get("load_balancer_arn")
    refs = arn.refs if isinstance(arn, Unknown) else frozenset()
    return any(lb.properties.get("load_balancer_type") == "gateway"
               for lb in unit.of_type("aws_lb", "aws_alb") if lb.ref_key in refs)


def _redirects_to_https(actions: list[Any]) -> bool:
    for action in actions:
        if not isinstance(action, Mapping):
            continue
        kind = action.get("Type", action.get("type"))
        config = action.get("RedirectConfig", first_block(action.get("redirect", MISSING)))
        protocol = dig(config, "Protocol") if "Protocol" in (config or {}) \
            else dig(config, "protocol")
        if kind == "redirect" and protocol == "HTTPS":
            return True
    return False


class ListenerHttps(Rule):
    """Listeners must serve HTTPS, or redirect HTTP to HTTPS."""

    id = "GATE-AWS-ELB-001"
    title = "Load balancer listener serves plain HTTP"
    severity = Severity.HIGH
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "Plain HTTP exposes sessions and credentials to anyone on the network path."
    fix = "Use an HTTPS listener, or make the HTTP listener's default action a redirect to HTTPS."
    aliases = ("CKV_AWS_2", "CKV_AWS_103")
    resource_types = _LISTENER

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        protocol, _policy, actions = _listener(resource)
        if _on_gateway(resource, unit):
            return  # Gateway Load Balancer listeners carry GENEVE, not HTTP
        if isinstance(protocol, Unknown):
            yield Undetermined("listener protocol is not known statically")
        elif protocol == "HTTP" and any(isinstance(a, Unknown) for a in actions):
            yield Undetermined("listener default actions are not known statically")
        elif protocol == "HTTP" and not _redirects_to_https(actions):
            key = "Protocol" if resource.framework is Framework.CLOUDFORMATION else "protocol"
            yield Violation("serves plain HTTP without redirecting to HTTPS",
                            (key,) if key in resource.properties else ())


class ListenerTlsPolicy(Rule):
    """HTTPS/TLS listeners must use a TLS 1.2+ security policy."""

    id = "GATE-AWS-ELB-002"
    title = "Load balancer listener allows old TLS versions"
    severity = Severity.MEDIUM
    practice = Practice.ENCRYPTION_IN_FLIGHT
    rationale = "The API default policy (ELBSecurityPolicy-2016-08) still accepts TLS 1.0 and 1.1."
    fix = "Set SslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy)."
    aliases = ("CKV_AWS_103",)
    resource_types = _LISTENER

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        protocol, policy, _actions = _listener(resource)
        if protocol not in ("HTTPS", "TLS"):
            return
        key = "SslPolicy" if resource.framework is Framework.CLOUDFORMATION else "ssl_policy"
        if isinstance(policy, Unknown):
            yield Undetermined("SSL policy is not known statically", (key,))
        elif policy is MISSING:
            yield Violation("uses the default SSL policy, which allows TLS 1.0")
        elif not (isinstance(policy, str) and policy.startswith(_MODERN)):
            yield Violation(f"uses SSL policy {policy}, which allows TLS older than 1.2", (key,))


def _is_application(resource: Resource) -> bool:
    p = resource.properties
    kind = p.get("Type", p.get("load_balancer_type", "application"))
    return kind == "application" or isinstance(kind, Unknown)


class LoadBalancerAccessLogs(Rule):
    """Application and network load balancers must write access logs."""

    id = "GATE-AWS-ELB-003"
    title = "Load balancer without access logs"
    severity = Severity.MEDIUM
    practice = Practice.AUDIT_LOGGING
    rationale = "Access logs are the record of who called what when an incident is investigated."
    fix = "Enable access_logs.s3.enabled with a bucket (Terraform: access_logs { enabled = true })."
    aliases = ("CKV_AWS_91",)
    resource_types = _LB

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if p.get("Type", p.get("load_balancer_type")) == "gateway":
            return
        if resource.framework is Framework.CLOUDFORMATION:
            attrs = as_list(p.get("LoadBalancerAttributes"))
            values = [a.get("Value") for a in attrs if isinstance(a, Mapping)
                      and a.get("Key") == "access_logs.s3.enabled"]
            enabled = truth(values[0], False) if values else False
        else:
            enabled = truth(dig(first_block(p.get("access_logs", MISSING)), "enabled"), False)
        if isinstance(enabled, Unknown):
            yield Undetermined("access log setting is not known statically")
        elif not enabled:
            yield Violation("does not write access logs")


class AlbWaf(Rule):
    """Internet-facing ALBs must be associated with a WAF web ACL."""

    id = "GATE-AWS-ELB-004"
    title = "Internet-facing ALB without WAF"
    severity = Severity.MEDIUM
    practice = Practice.WAF
    rationale = "A WAF blocks common exploits and bots before they reach the application."
    fix = "Add a WAFv2 WebACLAssociation whose ResourceArn is the load balancer."
    aliases = ("CKV2_AWS_28",)
    resource_types = _LB

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        internal = p.get("Scheme") == "internal" or truth(p.get("internal"), False) is True
        if internal or not _is_application(resource):
            return
        if not waf_associations(resource, unit):
            yield Violation("is not associated with a WAF web ACL")

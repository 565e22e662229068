"""API Gateway: access logs, X-Ray tracing, WAF on stages, authorisation on methods."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gate.checks.iac.interface import (
    AttrPath,
    Outcome,
    Practice,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.rules.aws.simple import AttributeRule, is_set, is_true
from gate.checks.iac.rules.aws.waf import waf_associations
from gate.checks.iac.rules.base import on, truth
from gate.findings import Severity

__all__ = ["ApiAccessLogs", "ApiMethodAuth", "ApiStageWaf", "ApiTracing", "LambdaUrlAuth"]


class ApiAccessLogs(AttributeRule):
    """Stages must write access logs."""

    id = "GATE-AWS-APIGW-001"
    title = "API Gateway stage without access logs"
    severity = Severity.MEDIUM
    practice = Practice.AUDIT_LOGGING
    rationale = "Access logs record every caller; without them abuse cannot be traced."
    fix = "Set AccessLogSetting DestinationArn (access_log_settings in Terraform)."
    aliases = ("CKV_AWS_76", "CKV_AWS_95")
    resource_types = on(
        cfn=["AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::Serverless::Api",
             "AWS::Serverless::HttpApi"],
        tf=["aws_api_gateway_stage", "aws_apigatewayv2_stage"])
    paths = {"AWS::ApiGateway::Stage": ("AccessLogSetting", "DestinationArn"),
             "AWS::Serverless::Api": ("AccessLogSetting", "DestinationArn"),
             "AWS::ApiGatewayV2::Stage": ("AccessLogSettings", "DestinationArn"),
             "AWS::Serverless::HttpApi": ("AccessLogSettings", "DestinationArn"),
             "aws_api_gateway_stage": ("access_log_settings", "destination_arn"),
             "aws_apigatewayv2_stage": ("access_log_settings", "destination_arn")}
    test = is_set
    detail = "has no access logging"


class ApiTracing(AttributeRule):
    """REST API stages should trace requests with X-Ray."""

    id = "GATE-AWS-APIGW-002"
    title = "API Gateway stage without X-Ray tracing"
    severity = Severity.LOW
    practice = Practice.OBSERVABILITY
    rationale = "Tracing ties a request to the services it reached, for debugging and forensics."
    fix = "Set TracingEnabled: true / xray_tracing_enabled = true."
    aliases = ("CKV_AWS_73",)
    resource_types = on(cfn=["AWS::ApiGateway::Stage", "AWS::Serverless::Api"],
                        tf=["aws_api_gateway_stage"])
    paths = {"AWS::ApiGateway::Stage": ("TracingEnabled",),
             "AWS::Serverless::Api": ("TracingEnabled",),
             "aws_api_gateway_stage": ("xray_tracing_enabled",)}
    test = is_true
    detail = "does not enable X-Ray tracing"


class ApiStageWaf(Rule):
    """REST API stages must be associated with a WAF web ACL."""

    id = "GATE-AWS-APIGW-003"
    title = "API Gateway stage without WAF"
    severity = Severity.MEDIUM
    practice = Practice.WAF
    rationale = "A WAF blocks injection payloads and floods before they reach the backend."
    fix = "Add a WAFv2 WebACLAssociation whose ResourceArn is the stage ARN."
    aliases = ("CKV2_AWS_29",)
    resource_types = on(cfn=["AWS::ApiGateway::Stage"], tf=["aws_api_gateway_stage"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if waf_associations(resource, unit):
            return
        private = _private_api(resource, unit)
        if private is None:
            yield Undetermined("the stage's REST API is not in this template or module, so "
                               "whether it is public is not known")
        elif not private:
            yield Violation("is not associated with a WAF web ACL")


def _private_api(stage: Resource, unit: Unit) -> bool | None:
    """Whether the stage's REST API is PRIVATE (reachable only through a VPC endpoint).

    None when the API is not in the unit or its endpoint types are not known.
    """
    cfn = stage.type == "AWS::ApiGateway::Stage"
    api_ref = stage.properties.get("RestApiId" if cfn else "rest_api_id")
    refs = api_ref.refs if isinstance(api_ref, Unknown) else frozenset()
    apis = [r for r in unit.of_type("AWS::ApiGateway::RestApi" if cfn else
                                    "aws_api_gateway_rest_api") if r.ref_key in refs]
    if not apis:
        return None
    config = apis[0].properties.get("EndpointConfiguration" if cfn else "endpoint_configuration")
    if isinstance(config, list):
        config = config[0] if config else None
    if config is None:
        return False  # default: EDGE, public
    types = config.get("Types" if cfn else "types") if isinstance(config, dict) else config
    if isinstance(types, Unknown) or isinstance(config, Unknown):
        return None
    values = types if isinstance(types, list) else [types]
    if any(isinstance(v, Unknown) for v in values):
        return None
    return "PRIVATE" in values


def _method(resource: Resource) -> tuple[Any, Any, Any, str]:
    p = resource.properties
    if resource.type == "AWS::ApiGateway::Method":
        return p.get("AuthorizationType", "NONE"), p.get("HttpMethod"), \
            p.get("ApiKeyRequired"), "AuthorizationType"
    return p.get("authorization"), p.get("http_method"), p.get("api_key_required"), \
        "authorization"


class ApiMethodAuth(Rule):
    """Methods must require an authoriser, IAM or at least an API key."""

    id = "GATE-AWS-APIGW-004"
    title = "API Gateway method without authorisation"
    severity = Severity.HIGH
    practice = Practice.AUTHENTICATED_APIS
    rationale = "An open method lets anyone on the internet invoke the backend."
    fix = "Set AuthorizationType to AWS_IAM, COGNITO_USER_POOLS or CUSTOM (or require an API key)."
    aliases = ("CKV_AWS_59",)
    resource_types = on(cfn=["AWS::ApiGateway::Method"], tf=["aws_api_gateway_method"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        auth, verb, api_key, attr = _method(resource)
        if isinstance(auth, Unknown) or isinstance(verb, Unknown):
            yield Undetermined("authorisation type or HTTP method is not known statically")
            return
        if auth != "NONE" or verb == "OPTIONS" or truth(api_key, False) is True:
            return
        yield Violation(f"{verb} has no authorisation (AuthorizationType NONE)",
                        (attr,) if attr in resource.properties else ())


class LambdaUrlAuth(Rule):
    """Lambda function URLs must require IAM auth."""

    id = "GATE-AWS-LAMBDA-001"
    title = "Lambda function URL without authentication"
    severity = Severity.HIGH
    practice = Practice.AUTHENTICATED_APIS
    rationale = "AuthType NONE makes the function callable by anyone who finds the URL."
    fix = "Set AuthType / authorization_type to AWS_IAM (put CloudFront with OAC in front)."
    aliases = ("CKV_AWS_258",)
    resource_types = on(cfn=["AWS::Lambda::Url", "AWS::Serverless::Function"],
                        tf=["aws_lambda_function_url"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.type == "AWS::Serverless::Function":
            config = p.get("FunctionUrlConfig")
            if not isinstance(config, dict):
                return
            at: AttrPath = ("FunctionUrlConfig", "AuthType")
            auth = config.get("AuthType")
        elif resource.type == "AWS::Lambda::Url":
            auth, at = p.get("AuthType"), ("AuthType",)
        else:
            auth, at = p.get("authorization_type"), ("authorization_type",)
        if isinstance(auth, Unknown):
            yield Undetermined("auth type is not known statically", at)
        elif auth == "NONE":
            yield Violation("has a function URL with AuthType NONE", at)

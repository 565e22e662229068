"""Secrets in infrastructure: credentials written into user data, environments, passwords.

Every finding names the kind of credential and where it is, never the value:
the detector (:mod:`gate.checks.iac.rules.credentials`) does not return it.
A reference (a variable without default, ``{{resolve:secretsmanager:...}}``,
``manage_master_user_password``) is the fix, so it passes silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
    AttrPath,
    Framework,
    Outcome,
    Practice,
    Resource,
    Rule,
    Unit,
    Violation,
)
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.credentials import Hit, decoded_text, in_text, in_variable
from gate.checks.iac.values import MISSING, as_list, dig, first_block
from gate.findings import Severity

__all__ = ["DatabasePassword", "EcsEnvironmentSecret", "LambdaEnvironmentSecret",
           "UserDataSecret"]

_FIX_SM = ("Keep the value in AWS Secrets Manager (or SSM Parameter Store SecureString) and "
           "read it at run time; reference it, never paste it.")


def _describe(hit: Hit) -> str:
    named = f" ({hit.name})" if hit.name else ""
    return f"{hit.kind}{named}"


class UserDataSecret(Rule):
    """Instance user data is readable by anyone who can describe the instance."""

    id = "GATE-AWS-SECRET-001"
    title = "Credential in plain text in EC2 user data"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("User data is stored unencrypted, shown by DescribeInstanceAttribute and "
                 "served to every process on the instance by the metadata service.")
    fix = _FIX_SM + " In user data, fetch it with `aws secretsmanager get-secret-value`."
    aliases = ("CKV_AWS_46",)
    resource_types = on(
        cfn=["AWS::EC2::Instance", "AWS::EC2::LaunchTemplate",
             "AWS::AutoScaling::LaunchConfiguration"],
        tf=["aws_instance", "aws_launch_template", "aws_launch_configuration",
            "aws_spot_instance_request"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        p = resource.properties
        if resource.type == "AWS::EC2::LaunchTemplate":
            candidates: list[AttrPath] = [("LaunchTemplateData", "UserData")]
        elif resource.framework is Framework.CLOUDFORMATION:
            candidates = [("UserData",)]
        else:
            candidates = [("user_data",), ("user_data_base64",)]
        for at in candidates:
            text = decoded_text(dig(p, *at))
            if not text:
                continue
            hits = list(in_text(text))
            if hits:
                first = min(hits, key=lambda h: h.line_offset)
                kinds = sorted({_describe(h) for h in hits})
                deepest = max((k for k in resource.lines if k[:len(at)] == at),
                              key=lambda k: resource.lines[k], default=None)
                offset = 0
                if deepest is not None and "\n" in text.strip("\n"):
                    # a multi-line script starts on the line after its key (heredoc, |)
                    offset = resource.lines[deepest] - resource.line_of(at) + 1 \
                        + first.line_offset
                yield Violation(f"has {', '.join(kinds)} in plain text in its user data; "
                                "value redacted", at, line_offset=offset)
                return


def _lambda_variables(resource: Resource) -> tuple[Any, AttrPath]:
    p = resource.properties
    if resource.framework is Framework.CLOUDFORMATION:
        return dig(p, "Environment", "Variables"), ("Environment", "Variables")
    env = first_block(p.get("environment", MISSING))
    return dig(env, "variables"), ("environment", 0, "variables")


def _variable_hits(variables: Any) -> Iterator[tuple[str, Hit]]:
    if not isinstance(variables, Mapping):
        return
    for name, value in variables.items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            for hit in in_variable(str(name), str(value)):
                yield str(name), hit


class LambdaEnvironmentSecret(Rule):
    """Lambda environment variables are visible to anyone who can read the function."""

    id = "GATE-AWS-SECRET-002"
    title = "Credential in plain text in a Lambda environment variable"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("Environment variables are returned by GetFunctionConfiguration and shown in "
                 "the console to every reader of the function.")
    fix = _FIX_SM + " Pass the secret's ARN in the variable and fetch it in the handler."
    aliases = ("CKV_AWS_45",)
    resource_types = on(cfn=["AWS::Lambda::Function", "AWS::Serverless::Function"],
                        tf=["aws_lambda_function"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        variables, at = _lambda_variables(resource)
        for name, hit in _variable_hits(variables):
            yield Violation(f"has {_describe(hit)} in plain text in its environment; "
                            "value redacted", (*at, name), key=name)


def _container_definitions(resource: Resource) -> tuple[list[Any], AttrPath]:
    p = resource.properties
    if resource.framework is Framework.CLOUDFORMATION:
        return as_list(p.get("ContainerDefinitions")), ("ContainerDefinitions",)
    raw = p.get("container_definitions")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return [], ()
    return (raw if isinstance(raw, list) else []), ("container_definitions",)


class EcsEnvironmentSecret(Rule):
    """ECS container environments are readable through DescribeTaskDefinition."""

    id = "GATE-AWS-SECRET-003"
    title = "Credential in plain text in an ECS container environment"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("Task definitions are readable by anyone with ecs:Describe*; their environment "
                 "values are stored and shown in plain text.")
    fix = _FIX_SM + " Use the container definition's `secrets` (valueFrom an ARN) instead."
    resource_types = on(cfn=["AWS::ECS::TaskDefinition"], tf=["aws_ecs_task_definition"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        containers, base = _container_definitions(resource)
        cfn = resource.framework is Framework.CLOUDFORMATION
        for i, container in enumerate(containers):
            if not isinstance(container, Mapping):
                continue
            env_key = "Environment" if cfn else "environment"
            pairs = {}
            for entry in as_list(container.get(env_key)):
                if isinstance(entry, Mapping):
                    name, value = entry.get("Name" if cfn else "name"), \
                        entry.get("Value" if cfn else "value")
                    if isinstance(name, str):
                        pairs[name] = value
            cname = str(container.get("Name" if cfn else "name", i))
            for name, hit in _variable_hits(pairs):
                at = (*base, i, env_key) if cfn else base
                yield Violation(f"has {_describe(hit)} in plain text in the environment of "
                                f"container {cname}; value redacted", at, key=f"{cname}/{name}")


_PASSWORDS = {
    "AWS::RDS::DBInstance": "MasterUserPassword", "AWS::RDS::DBCluster": "MasterUserPassword",
    "AWS::Redshift::Cluster": "MasterUserPassword", "AWS::DocDB::DBCluster": "MasterUserPassword",
    "aws_db_instance": "password", "aws_rds_cluster": "master_password",
    "aws_redshift_cluster": "master_password", "aws_docdb_cluster": "master_password",
}


class DatabasePassword(Rule):
    """A database master password written into the template or module."""

    id = "GATE-AWS-SECRET-004"
    title = "Database master password in plain text"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("A password in IaC lives in version control, in every clone and in the "
                 "Terraform state or CloudFormation template history.")
    fix = ("Let the service manage it (manage_master_user_password / ManageMasterUserPassword), "
           "or use a {{resolve:secretsmanager:...}} dynamic reference / a secret data source.")
    resource_types = on(cfn=[k for k in _PASSWORDS if k.startswith("AWS::")],
                        tf=[k for k in _PASSWORDS if not k.startswith("AWS::")])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        attr = _PASSWORDS[resource.type]
        value = resource.properties.get(attr, MISSING)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip() and "{{resolve:" not in value:
            yield Violation(f"sets its master password ({attr}) to a literal; value redacted",
                            (attr,))

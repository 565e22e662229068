"""The built-in IaC rules in groups, each group imported when a file of its frameworks exists.

:mod:`gate.checks.iac.registry` lists every rule (docs, ``gate rules``); the check asks
:func:`rules_for` the frameworks its loaded files have, so a tree of Dockerfiles never
imports the AWS, Azure, GCP or Kubernetes rules. A group declares the frameworks its
rules judge (a test holds every rule to its group's declaration); the order of the
groups, and of the rules in each, is the registry's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection

from gate.checks.iac.interface import Framework, Rule

__all__ = ["GROUPS", "rules_for"]


def _aws() -> tuple[Rule, ...]:
    from gate.checks.iac.rules.aws import (
        apigateway,
        cloudfront,
        datastores,
        deprecations,
        ec2,
        elb,
        iam,
        logging,
        s3,
        s3_public,
        secrets,
    )

    return (
        s3.S3DefaultEncryption(), s3_public.S3PublicAccessBlock(), s3_public.S3PublicAcl(),
        s3.S3Versioning(),
        s3.S3AccessLogging(), s3.S3TlsOnlyPolicy(),
        ec2.EbsEncryption(), ec2.SshOpen(), ec2.RdpOpen(), ec2.AllPortsOpen(), ec2.AdminPortsOpen(),
        elb.ListenerHttps(), elb.ListenerTlsPolicy(), elb.LoadBalancerAccessLogs(), elb.AlbWaf(),
        datastores.RdsEncryption(), datastores.RdsPublic(), datastores.RdsEnhancedMonitoring(),
        datastores.EfsEncryption(), datastores.DynamoDbKms(), datastores.SnsEncryption(),
        datastores.SqsEncryption(), datastores.KmsRotation(),
        cloudfront.CloudFrontViewerHttps(), cloudfront.CloudFrontOriginHttps(),
        cloudfront.CloudFrontWaf(),
        iam.AdminPolicy(), iam.ServiceWildcard(), iam.PassRoleWildcard(), iam.AdminAccessAttached(),
        logging.CloudTrailMultiRegion(), logging.CloudTrailLogValidation(),
        logging.CloudTrailLogging(), logging.LogGroupRetention(), logging.LogGroupKms(),
        logging.LambdaTracing(),
        apigateway.ApiAccessLogs(), apigateway.ApiTracing(), apigateway.ApiStageWaf(),
        apigateway.ApiMethodAuth(), apigateway.LambdaUrlAuth(),
        secrets.UserDataSecret(), secrets.LambdaEnvironmentSecret(), secrets.EcsEnvironmentSecret(),
        secrets.DatabasePassword(),
        deprecations.AclWithoutOwnershipControls(), deprecations.LambdaRuntimeDeprecated(),
        deprecations.S3BucketLegacyArguments(), deprecations.EolRdsEngine(),
    )


def _kubernetes() -> tuple[Rule, ...]:
    from gate.checks.iac.rules import k8s, k8s_restricted

    return (
        k8s.Privileged(), k8s.HostPath(), k8s.HostNamespaces(), k8s.ResourceLimits(), k8s.CpuLimits(),
        k8s.RunAsNonRoot(), k8s.PrivilegeEscalation(), k8s.ImageTag(),
        k8s_restricted.DropAllCapabilities(), k8s_restricted.AddedCapabilities(),
        k8s_restricted.SeccompProfile(), k8s_restricted.HostPorts(),
        k8s_restricted.ReadOnlyRootFilesystem(),
    )


def _docker() -> tuple[Rule, ...]:
    from gate.checks.iac.rules import docker

    return (
        docker.RootUser(), docker.AddFromUrl(), docker.LatestBaseImage(),
    )


def _gcp() -> tuple[Rule, ...]:
    from gate.checks.iac.rules.gcp import GCP_RULES

    return GCP_RULES


def _azure() -> tuple[Rule, ...]:
    from gate.checks.iac.rules.azure import AZURE_RULES

    return AZURE_RULES


def _compose() -> tuple[Rule, ...]:
    from gate.checks.iac.rules.compose import COMPOSE_RULES

    return COMPOSE_RULES


_CLOUD = frozenset({Framework.CLOUDFORMATION, Framework.TERRAFORM})

GROUPS: tuple[tuple[frozenset[Framework], Callable[[], tuple[Rule, ...]]], ...] = (
    (_CLOUD, _aws),
    # Terraform too: kubernetes_* resources are judged as the manifests they describe
    (frozenset({Framework.KUBERNETES, Framework.TERRAFORM}), _kubernetes),
    (frozenset({Framework.DOCKERFILE}), _docker),
    (frozenset({Framework.TERRAFORM}), _gcp),
    (frozenset({Framework.TERRAFORM}), _azure),
    (frozenset({Framework.COMPOSE}), _compose),
)
"""(frameworks the group's rules judge, the group's loader), in the registry's order."""


@functools.cache
def _group(index: int) -> tuple[Rule, ...]:
    return GROUPS[index][1]()


def rules_for(frameworks: Collection[Framework]) -> tuple[Rule, ...]:
    """The rules that judge resources of any of ``frameworks``, in the registry's order;
    only the groups that have such rules are imported."""
    wanted = frozenset(frameworks)
    return tuple(rule for index, (covers, _load) in enumerate(GROUPS) if covers & wanted
                 for rule in _group(index) if wanted.intersection(rule.resource_types))

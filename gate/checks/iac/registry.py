"""The explicit list of built-in IaC rules (no discovery magic: add a rule here to ship it)."""

from __future__ import annotations

from gate.checks.iac.interface import Rule
from gate.checks.iac.rules import docker, k8s, k8s_restricted
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
from gate.checks.iac.rules.azure import AZURE_RULES
from gate.checks.iac.rules.compose import COMPOSE_RULES
from gate.checks.iac.rules.gcp import GCP_RULES

__all__ = ["RULES", "rule_by_id"]

RULES: tuple[Rule, ...] = (
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
    k8s.Privileged(), k8s.HostPath(), k8s.HostNamespaces(), k8s.ResourceLimits(), k8s.CpuLimits(),
    k8s.RunAsNonRoot(), k8s.PrivilegeEscalation(), k8s.ImageTag(),
    k8s_restricted.DropAllCapabilities(), k8s_restricted.AddedCapabilities(),
    k8s_restricted.SeccompProfile(), k8s_restricted.HostPorts(),
    k8s_restricted.ReadOnlyRootFilesystem(),
    docker.RootUser(), docker.AddFromUrl(), docker.LatestBaseImage(),
)


def rule_by_id(rule_id: str) -> Rule:
    """The rule with ``rule_id``; ``KeyError`` when there is none."""
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


# other clouds and Compose: kept apart so their lists grow on their own
RULES += (*GCP_RULES, *AZURE_RULES, *COMPOSE_RULES)

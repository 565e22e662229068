"""What each rule assumes about today's cloud and tool defaults, and when that was checked.

A rule is only as good as its premise: "S3 does not encrypt unless told to" was
true until January 2023 and is false since. Every rule has an entry here; the
generated ``docs/rules.md`` prints it with :data:`CHECKED`, and a test fails when
a rule has none. Re-check them all when a provider changes a default, and bump
the date.
"""

from __future__ import annotations

__all__ = ["CHECKED", "PREMISES"]

CHECKED = "2026-11-30"
"""The day every premise below was last re-read against the providers' documentation."""

PREMISES: dict[str, str] = {
    "GATE-AWS-S3-001": "Changed: since 2023-01-05 S3 encrypts every new object with SSE-S3 when a "
    "bucket states nothing, so a bucket without an encryption configuration now passes (it "
    "failed before). Only a configuration naming something other than AES256 / aws:kms / "
    "aws:kms:dsse fails; the practice list accepts SSE-S3, so no customer-managed key is required.",
    "GATE-AWS-S3-002": "Changed: since April 2023 new buckets start with all four Block Public "
    "Access settings on, so a bucket without a public access block now passes. A public access "
    "block replaces the default as a whole, so one that leaves BlockPublicAcls or "
    "BlockPublicPolicy off (false or omitted) fails, located on the setting.",
    "GATE-AWS-S3-003": "Holds, narrowed: since April 2023 new buckets disable ACLs "
    "(BucketOwnerEnforced), so a public ACL only takes effect with ownership controls that allow "
    "ACLs and a public access block that does not block them; without those the apply fails "
    "(GATE-AWS-DEPR-001). Either way the configuration states the intent to publish the bucket.",
    "GATE-AWS-S3-004": "Holds: versioning is still off by default for new buckets.",
    "GATE-AWS-S3-005": "Holds: server access logging is still off by default.",
    "GATE-AWS-S3-006": "Holds: S3 still accepts plain-HTTP requests unless a bucket policy denies "
    "aws:SecureTransport=false.",
    "GATE-AWS-EC2-001": "Holds: EBS encryption by default is an account/Region opt-in setting, not "
    "a default; a template cannot assume it.",
    "GATE-AWS-EC2-002": "Holds: nothing limits a security group rule's source by default.",
    "GATE-AWS-EC2-003": "Holds: nothing limits a security group rule's source by default.",
    "GATE-AWS-EC2-004": "Holds: nothing limits a security group rule's source by default. A "
    "load balancer accepts traffic only on its listener ports, so a group attached to load "
    "balancers alone is bounded by the listeners.",
    "GATE-AWS-EC2-005": "Holds: nothing limits a security group rule's source by default.",
    "GATE-AWS-ELB-001": "Holds: listeners serve the protocol they are given; nothing redirects.",
    "GATE-AWS-ELB-002": "Holds: the console now proposes ELBSecurityPolicy-TLS13-1-2-2021-06, but "
    "a listener created through the API, CloudFormation or Terraform without SslPolicy still "
    "gets ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1.",
    "GATE-AWS-ELB-003": "Holds: load balancer access logs are off by default.",
    "GATE-AWS-ELB-004": "Holds: no WAF is attached to a load balancer by default.",
    "GATE-AWS-RDS-001": "Holds: StorageEncrypted defaults to false through the API, CloudFormation "
    "and Terraform (the console's default does not apply to IaC).",
    "GATE-AWS-RDS-002": "Holds: an instance in a public subnet with PubliclyAccessible true gets a "
    "public address.",
    "GATE-AWS-RDS-003": "Holds: enhanced monitoring is off (interval 0) by default.",
    "GATE-AWS-EFS-001": "Holds for IaC: the console encrypts new file systems by default, the API, "
    "CloudFormation and Terraform do not.",
    "GATE-AWS-DDB-001": "Holds as written: tables are always encrypted, with an AWS-owned key "
    "unless SSE is enabled; the rule asks for a key the account controls, hence low.",
    "GATE-AWS-SNS-001": "Holds: SNS topics are not encrypted at rest unless a KMS key is set.",
    "GATE-AWS-SQS-001": "Changed: new queues get SSE-SQS by default since October 2022, so an "
    "unstated queue is encrypted; the rule now only asks for the choice to be stated and is low "
    "(it was medium).",
    "GATE-AWS-KMS-001": "Holds: automatic rotation of customer managed keys is still off by default "
    "(the period became configurable in April 2024).",
    "GATE-AWS-CF-001": "Holds: ViewerProtocolPolicy has no safe default; allow-all serves HTTP.",
    "GATE-AWS-CF-002": "Holds: custom origins use the protocol policy they are given.",
    "GATE-AWS-CF-003": "Holds: no web ACL is attached to a distribution by default.",
    "GATE-AWS-IAM-001": "Holds: IAM has no guard against Action * on Resource *.",
    "GATE-AWS-IAM-002": "Holds: IAM has no guard against wildcard actions.",
    "GATE-AWS-IAM-003": "Holds: iam:PassRole on * still lets a principal pass any role.",
    "GATE-AWS-IAM-004": "Holds: AdministratorAccess still grants every action.",
    "GATE-AWS-CT-001": "Holds for IaC: the console creates multi-region trails, the API and IaC "
    "default IsMultiRegionTrail to false.",
    "GATE-AWS-CT-002": "Holds for IaC: log file validation defaults to false outside the console.",
    "GATE-AWS-CT-003": "Holds: IsLogging is required in CloudFormation; Terraform's enable_logging "
    "defaults to true, so only an explicit false fails.",
    "GATE-AWS-LOGS-001": "Holds: log groups never expire unless a retention is set.",
    "GATE-AWS-LOGS-002": "Holds as written: log data is always encrypted by the service; the rule "
    "asks for a key the account controls, hence low.",
    "GATE-AWS-LAMBDA-002": "Holds: X-Ray tracing is PassThrough (off) by default.",
    "GATE-AWS-APIGW-001": "Holds: stages write no access logs by default.",
    "GATE-AWS-APIGW-002": "Holds: X-Ray tracing is off by default on REST API stages.",
    "GATE-AWS-APIGW-003": "Holds for public APIs: no web ACL by default. PRIVATE APIs are reachable "
    "only through a VPC endpoint and pass; a stage whose API is outside the template or module "
    "is not evaluated.",
    "GATE-AWS-APIGW-004": "Holds: AuthorizationType NONE makes a method callable by anyone.",
    "GATE-AWS-LAMBDA-001": "Holds: a function URL with AuthType NONE is public.",
    "GATE-AWS-SECRET-001": "Holds: user data is stored unencrypted and returned by "
    "DescribeInstanceAttribute and the instance metadata service.",
    "GATE-AWS-SECRET-002": "Holds: environment variables are returned in clear by "
    "GetFunctionConfiguration to anyone allowed to read the function.",
    "GATE-AWS-SECRET-003": "Holds: container environment values are returned in clear by "
    "DescribeTaskDefinition.",
    "GATE-AWS-SECRET-004": "Holds: a literal password is kept in the template, the repository and "
    "the Terraform state; RDS-managed passwords (Secrets Manager, since December 2022) are the "
    "alternative.",
    "GATE-AWS-DEPR-001": "New (April 2023): S3 disabled ACLs on new buckets (ObjectOwnership "
    "BucketOwnerEnforced); setting an ACL on such a bucket fails with "
    "AccessControlListNotSupported.",
    "GATE-AWS-DEPR-002": "New: Lambda stops patching a runtime at its deprecation date, then blocks "
    "creating and updating functions on it; the dates come from AWS's Lambda runtimes page "
    "and are judged against the day of the scan.",
    "GATE-AWS-DEPR-003": "New: AWS provider 4.0 (February 2022) moved these aws_s3_bucket "
    "arguments into their own resources (read-only in 4.0 to 4.8, deprecated since 4.9, still "
    "deprecated in 5.x and 6.x); a module that pins the provider below 4.0 is exempt.",
    "GATE-AWS-DEPR-004": "New: RDS charges Extended Support automatically after a major version's "
    "end of standard support (since 2024) and upgrades it at the end of Extended Support; the "
    "dates come from the RDS release calendars and are judged against the day of the scan.",
    "GATE-K8S-001": "Holds: the Pod Security Standards (PodSecurityPolicy was removed in 1.25) "
    "forbid privileged containers in the baseline and restricted profiles.",
    "GATE-K8S-002": "Holds: hostPath volumes are forbidden by the baseline profile.",
    "GATE-K8S-003": "Holds: host namespaces are forbidden by the baseline profile.",
    "GATE-K8S-004": "Holds: Kubernetes sets no limits unless a LimitRange does; the manifest "
    "cannot assume one. Split from the CPU limit (GATE-K8S-011) on 2026-11-30.",
    "GATE-K8S-011": "Changed: CPU limits are now widely discouraged for latency-sensitive "
    "workloads (throttling); the CPU half of the old limits rule is a separate, low rule.",
    "GATE-K8S-005": "Holds: images run as the user they were built with (often root) unless "
    "runAsNonRoot says otherwise; required by the restricted profile.",
    "GATE-K8S-006": "Holds: allowPrivilegeEscalation defaults to true; the restricted profile "
    "requires false.",
    "GATE-K8S-007": "Holds: tags are mutable; only a digest pins an image.",
    "GATE-K8S-008": "Holds: containers get the runtime's default capability set unless they "
    "drop it; the restricted profile requires drop ALL.",
    "GATE-K8S-013": "Holds: host ports are forbidden by the baseline profile (and therefore by "
    "restricted).",
    "GATE-K8S-012": "Holds: the restricted profile allows adding back only NET_BIND_SERVICE.",
    "GATE-K8S-009": "Holds: pods run Unconfined unless a profile is set (the kubelet's "
    "SeccompDefault is off by default); the restricted profile requires RuntimeDefault or "
    "Localhost. The alpha annotation still counts for older manifests.",
    "GATE-K8S-010": "Holds: root filesystems are writable by default; not part of the "
    "restricted profile itself, but the hardening it is paired with (low).",
    "GATE-DOCKER-001": "Holds: containers run as root unless the image sets USER.",
    "GATE-DOCKER-002": "Holds: ADD fetches URLs without verifying them unless --checksum is given.",
    "GATE-DOCKER-003": "Holds: tags are mutable; latest moves.",
}
"""Rule id -> premise: what the rule assumes, and whether that still holds (or what changed)."""

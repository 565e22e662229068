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

PREMISES.update({
    # Google Cloud (google provider 6.x / 7.x), re-read 2026-12-01
    "GATE-GCP-GCS-001": "Holds for IaC: uniform_bucket_level_access defaults to false in the "
    "provider and the API; only the organisation policy constraint "
    "storage.uniformBucketLevelAccess (on by default in organisations created since 2024 under "
    "Google's secure-by-default policies) enforces it, and a module cannot assume it.",
    "GATE-GCP-IAM-001": "Holds: IAM bindings to allUsers/allAuthenticatedUsers take effect unless "
    "public access prevention (buckets) or domain-restricted sharing blocks them; neither is a "
    "default a module can rely on. Invoking a function or Cloud Run service publicly is often "
    "the point (webhooks), hence medium for those.",
    "GATE-GCP-IAM-002": "Holds: the basic roles still span every service; Google recommends "
    "predefined roles.",
    "GATE-GCP-IAM-003": "Holds, narrowed: since May 2024 new projects no longer grant Editor to the "
    "default service accounts automatically (iam.automaticIamGrantsForDefaultServiceAccounts), "
    "but a role granted to them explicitly still reaches every VM or app that runs as them.",
    "GATE-GCP-FW-001": "Holds: nothing limits a firewall rule's source; an ingress rule that names "
    "no source at all (no ranges, tags or service accounts) gets 0.0.0.0/0.",
    "GATE-GCP-FW-002": "Holds: as GATE-GCP-FW-001.",
    "GATE-GCP-FW-003": "Holds: as GATE-GCP-FW-001.",
    "GATE-GCP-FW-004": "Holds: as GATE-GCP-FW-001; an allow block without ports opens every "
    "port of its protocol.",
    "GATE-GCP-NET-001": "Holds: subnets have no flow logs unless log_config is set; proxy-only, "
    "Private Service Connect and private NAT subnets cannot have them and are exempt.",
    "GATE-GCP-GCE-001": "Holds: a service_account block without email attaches the Compute "
    "Engine default account; an instance without the block runs with no account at all and "
    "passes. GKE node VMs (gke-*) are managed by GKE and exempt.",
    "GATE-GCP-GCE-002": "Holds: the cloud-platform scope leaves only IAM to limit the account.",
    "GATE-GCP-GCE-003": "Holds: the serial console is off unless serial-port-enable is set.",
    "GATE-GCP-GCE-004": "Holds: instances accept project-wide SSH keys unless "
    "block-project-ssh-keys is set; OS Login (enable-oslogin) ignores metadata keys and passes.",
    "GATE-GCP-GCE-005": "Changed: Shielded VM is on by default for shielded images (vTPM and "
    "integrity monitoring true when shielded_instance_config is absent), so only an explicit "
    "false fails (Checkov fails a missing block).",
    "GATE-GCP-GKE-001": "Holds: clusters get public node IPs unless enable_private_nodes is set.",
    "GATE-GCP-GKE-002": "Holds: the public endpoint accepts any source without authorised "
    "networks; a private endpoint passes.",
    "GATE-GCP-GKE-003": "Holds: enable_legacy_abac defaults to false; only true fails.",
    "GATE-GCP-GKE-004": "Holds: logging_service defaults to logging.googleapis.com/kubernetes; "
    "only \"none\" fails.",
    "GATE-GCP-GKE-005": "Holds: Standard clusters enforce no network policy unless Calico "
    "(network_policy) or Dataplane V2 (ADVANCED_DATAPATH) is on; Autopilot uses Dataplane V2.",
    "GATE-GCP-SQL-001": "Holds: ipv4_enabled defaults to true, so an instance that does not turn "
    "it off gets a public IP (Checkov passes a missing setting).",
    "GATE-GCP-SQL-002": "Holds: authorised networks are the only IP filter on a public IP.",
    "GATE-GCP-SQL-003": "Changed: require_ssl was deprecated (provider 5.x) and removed in 6.0 in "
    "favour of ssl_mode, whose default ALLOW_UNENCRYPTED_AND_ENCRYPTED accepts clear text. "
    "ENCRYPTED_ONLY passes for every engine (Checkov asks for client certificates outside SQL "
    "Server).",
    "GATE-GCP-KMS-001": "Holds: symmetric keys are not rotated unless rotation_period is set; "
    "asymmetric and MAC keys cannot be rotated automatically and are exempt.",
    "GATE-GCP-REDIS-001": "Holds: auth_enabled defaults to false.",
    "GATE-GCP-REDIS-002": "Holds: transit_encryption_mode defaults to DISABLED.",
    "GATE-GCP-SECRET-001": "Holds: a literal password is kept in the repository and the state; "
    "IAM database authentication needs none.",
    "GATE-GCP-DEPR-001": "New: Cloud Functions deprecates a runtime around its language's end of "
    "life and later blocks deploying on it; the dates are the languages' end of life "
    "(gate/checks/iac/rules/runtimes.py) judged against the day of the scan.",
    "GATE-GCP-DEPR-002": "New: since 2025-02-01 Cloud SQL bills extended support for MySQL 5.6/5.7 "
    "and PostgreSQL 9.6-12 automatically.",
    # Azure (azurerm 3.x / 4.x), re-read 2026-12-01
    "GATE-AZ-ST-001": "Changed: min_tls_version defaults to TLS1_2 since azurerm 3.0, and Azure "
    "Storage stopped accepting TLS 1.0/1.1 in 2026, so only an explicit older value fails "
    "(Checkov fails a missing setting).",
    "GATE-AZ-ST-002": "Changed: HTTPS only defaults to true (enable_https_traffic_only, renamed "
    "https_traffic_only_enabled in 4.0); only an explicit false fails.",
    "GATE-AZ-ST-003": "Holds for IaC: Azure's API now creates accounts with blob public access "
    "off, but azurerm sends allow_nested_items_to_be_public = true when it is unset, so an "
    "unset account allows public containers.",
    "GATE-AZ-ST-004": "Holds: network_rules default_action is Allow when unset; a split-out "
    "azurerm_storage_account_network_rules is judged on its own, public network access off "
    "passes.",
    "GATE-AZ-ST-005": "Holds: container_access_type defaults to private; blob/container fail.",
    "GATE-AZ-NSG-001": "Holds: NSG rules admit what they state; Internet/*/0.0.0.0/0 is everyone.",
    "GATE-AZ-NSG-002": "Holds: as GATE-AZ-NSG-001.",
    "GATE-AZ-NSG-003": "Holds: as GATE-AZ-NSG-001; `*` or 0-65535 is every port.",
    "GATE-AZ-SQL-001": "Holds: 0.0.0.0-255.255.255.255 admits every address; 0.0.0.0-0.0.0.0 "
    "(Azure services) is not reported.",
    "GATE-AZ-APP-001": "Holds: https_only defaults to false on every web and function app type.",
    "GATE-AZ-APP-002": "Holds: the minimum TLS version defaults to 1.2; only 1.0/1.1 fail.",
    "GATE-AZ-APP-003": "Holds per type: azurerm_linux/windows_web_app default ftps_state to "
    "Disabled, the legacy azurerm_app_service sends none (Azure applies AllAllowed).",
    "GATE-AZ-APP-004": "Holds: remote debugging is off unless enabled.",
    "GATE-AZ-APP-005": "Holds: App Service authentication is off unless configured; many apps "
    "authenticate in code, hence low.",
    "GATE-AZ-FUNC-001": "Holds: https_only defaults to false.",
    "GATE-AZ-FUNC-002": "Holds: the minimum TLS version defaults to 1.2; only 1.0/1.1 fail.",
    "GATE-AZ-AKS-001": "Holds: RBAC is on by default (role_based_access_control_enabled); only an "
    "explicit false fails.",
    "GATE-AZ-AKS-002": "Holds: the public API server accepts any address unless authorised IP "
    "ranges are set; private clusters and API server VNet integration pass.",
    "GATE-AZ-AKS-003": "Holds: no network policy engine is installed unless network_policy is set.",
    "GATE-AZ-AKS-004": "Holds: Container Insights (oms_agent) is not enabled by default.",
    "GATE-AZ-AKS-005": "Holds: local accounts stay enabled unless local_account_disabled is true.",
    "GATE-AZ-DISK-001": "Changed: managed disks are always encrypted at rest with platform keys "
    "(SSE), so a disk without encryption_settings passes; only an encryption_settings block "
    "that is disabled fails, and it is low.",
    "GATE-AZ-VM-001": "Holds: azurerm_linux_virtual_machine disables password authentication by "
    "default; only an explicit false fails. Windows VMs always have a password and are exempt.",
    "GATE-AZ-VM-002": "Holds: custom data is stored with the VM model and served by IMDS.",
    "GATE-AZ-SECRET-001": "Holds: a literal password is kept in the repository and the state.",
    "GATE-AZ-KV-001": "Holds: purge protection is off by default (and cannot be turned off once "
    "on).",
    "GATE-AZ-KV-002": "Changed: soft delete is mandatory for every vault since 2025 and azurerm "
    "3.0 removed soft_delete_enabled; an explicit false is reported as the intent it states.",
    "GATE-AZ-KV-003": "Holds: public network access is on by default; network_acls with "
    "default_action Deny passes (Checkov also passes Allow with IP rules, which filter nothing).",
    "GATE-AZ-DB-001": "Holds, narrowed: ssl_enforcement_enabled must be set on single servers; "
    "the minimum TLS version defaults to 1.2 (single servers and SQL), so only older values "
    "fail.",
    "GATE-AZ-DB-002": "Holds: public_network_access_enabled defaults to true for SQL servers and "
    "the single servers.",
    "GATE-AZ-REDIS-001": "Holds: the non-TLS port is closed unless enabled.",
    "GATE-AZ-REDIS-002": "Changed: azurerm 4.0 defaults minimum_tls_version to 1.2 and Azure Cache "
    "for Redis retired TLS 1.0/1.1 in 2025, so only an explicit older value fails (Checkov fails "
    "a missing setting).",
    "GATE-AZ-COSMOS-001": "Holds: public network access is on by default; IP or VNet filters pass.",
    "GATE-AZ-ACR-001": "Holds: admin_enabled defaults to false.",
    "GATE-AZ-ACR-002": "Holds: anonymous pull defaults to false and needs the Standard or "
    "Premium tier; other tiers pass.",
    "GATE-AZ-DEPR-001": "New: App Service and Functions stop patching a language stack at its "
    "end of life and later remove it; dates in gate/checks/iac/rules/runtimes.py.",
    # Docker Compose (Compose specification), re-read 2026-12-01
    "GATE-COMPOSE-001": "Holds: privileged: true grants every capability and all devices.",
    "GATE-COMPOSE-002": "Holds: services get their own namespaces unless a host mode is set.",
    "GATE-COMPOSE-003": "Holds: access to the runtime socket is root on the host (rootless "
    "runtimes narrow it to the user, not to the container).",
    "GATE-COMPOSE-004": "Holds: Docker's default capability set is kept; cap_add widens it. "
    "ALL, SYS_ADMIN, SYS_PTRACE, SYS_MODULE, NET_ADMIN, DAC_READ_SEARCH and SYS_RAWIO are high.",
    "GATE-COMPOSE-005": "Holds: environment values are stored in the file and shown by docker "
    "inspect; ${VAR} interpolation and Compose secrets keep them out.",
    "GATE-COMPOSE-006": "Holds: tags are mutable; only a digest pins an image.",
    "GATE-AZ-SQL-002": "Holds: SQL auditing is off unless a server or database auditing policy "
    "(or a diagnostic setting) is configured.",
    "GATE-AZ-IAM-001": "Holds: Azure RBAC does not limit what a custom role may list.",
    "GATE-AZ-NET-001": "Holds: flow logs keep nothing unless retention is enabled; 0 days means "
    "forever. NSG flow logs stop being creatable in June 2025 (retired September 2027) in "
    "favour of VNet flow logs, which the same resource configures.",
    "GATE-AZ-KV-004": "Holds: keys and secrets have no expiry unless expiration_date is set "
    "(the vault does not rotate or expire them by default).",
    "GATE-AZ-SQL-003": "Holds: threat detection alert types stay on unless disabled_alerts "
    "lists them; a policy with state Disabled detects nothing.",
    "GATE-AZ-SC-001": "Holds: Defender plans are on the free tier unless set to Standard.",
    "GATE-AZ-SC-002": "Holds: the contact's alert e-mails are off unless enabled.",
    "GATE-AZ-PG-001": "Holds: log_checkpoints, log_connections and connection_throttling are on "
    "by default on Azure PostgreSQL; only an explicit off fails.",
    "GATE-AZ-WAF-001": "Holds: Application Gateway's Standard tiers have no WAF; a WAF policy "
    "defaults to Prevention in azurerm.",
    "GATE-AZ-DEPR-002": "New: Azure retired MySQL single server (2024-09-16), PostgreSQL single "
    "server (2025-03-28) and MariaDB (2025-09-19); creating them fails. Activity log profiles "
    "retire on 2026-09-30 (diagnostic settings replace them): capped at medium, the export "
    "stops but nothing runs unpatched.",
})

"""Generates ``docs/rules.md`` and the ``gate rules`` listing from the one rule registry.

A test compares the committed ``docs/rules.md`` with :func:`rules_markdown`, so
documentation and code cannot drift apart. Deliberate differences from
Checkov are kept here, beside the rules they explain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gate.checks.iac.interface import Practice, Rule
from gate.checks.iac.premises import CHECKED, PREMISES
from gate.checks.iac.registry import RULES

__all__ = ["DIFFERENCES", "rule_record", "rules_markdown"]

DIFFERENCES: dict[str, str] = {
    "GATE-AWS-S3-001": "Like Checkov 3.x, a bucket without an encryption configuration passes "
    "(SSE-S3 by default since January 2023). gate also accepts `aws:kms:dsse`, which CKV_AWS_19 "
    "fails, and reports on the algorithm line of a split-out configuration.",
    "GATE-AWS-CF-002": "`http-only` and `match-viewer` origins fail; CKV2_AWS_72 did not flag "
    "either in our agreement templates.",
    "GATE-K8S-005": "A container `runAsUser: 0` overriding a pod-level `runAsNonRoot: true` "
    "fails (contradictory and root); Checkov passes it.",
    "GATE-AWS-S3-002": "Checkov (CKV2_AWS_6; CKV_AWS_53/54 in CloudFormation) still fails a "
    "bucket without a public access block; since April 2023 such a bucket blocks public access "
    "by default, so gate passes it. gate judges BlockPublicAcls and BlockPublicPolicy, the two "
    "settings that stop a public grant from being made (CKV_AWS_55/56, which judge the other "
    "two, are no longer aliased), and reports on the setting in the public access block, with "
    "the bucket as related location.",
    "GATE-AWS-S3-005": "Buckets that receive other buckets' access logs (a logging target, or "
    "`AccessControl: LogDeliveryWrite`) are exempt: logging a log bucket loops. Checkov flags them.",
    "GATE-AWS-EC2-002": "One flaw, one finding: a rule that opens every port (protocol `-1`, "
    "0-65535, or no ports) is reported once, by GATE-AWS-EC2-004, which therefore also aliases "
    "CKV_AWS_24 and CKV_AWS_25 (Checkov fails all three on it); GATE-AWS-EC2-002/003/005 report "
    "their ports only inside a narrower range.",
    "GATE-AWS-EC2-004": "A group attached to load balancers and nothing else passes: a load "
    "balancer accepts traffic only on its listener ports (80/443 to the world is its purpose). "
    "An SSH, RDP or admin port opened explicitly on such a group is still reported. Checkov "
    "fails these groups.",
    "GATE-AWS-IAM-001": "Only `Action: *` on `Resource: *`; `*` on specific resources is "
    "GATE-AWS-IAM-002. Terraform policies built from `aws_iam_policy_document` are judged on the "
    "data source only.",
    "GATE-AWS-IAM-002": "Broader than CKV_AWS_63/49 (`Action: *` only): `service:*` on "
    "`Resource: *` also fails; `Action: *` on `Resource: *` is left to GATE-AWS-IAM-001.",
    "GATE-AWS-SQS-001": "SSE-SQS is on by default for new queues since October 2022; the rule "
    "asks for the encryption to be stated (KmsMasterKeyId or SqsManagedSseEnabled: true) and is "
    "low. Checkov fails a queue with only SqsManagedSseEnabled: true; gate passes it.",
    "GATE-AWS-DEPR-002": "CKV_AWS_363 checks a fixed list of runtimes (python3.9 and nodejs18.x "
    "still commented out in Checkov's source); gate uses AWS's deprecation dates against the "
    "day of the scan, so python3.10/3.11, java11/17, nodejs20.x and provided.al2 (deprecated "
    "2026) fail too.",
    "GATE-AWS-S3-003": "Reported on the `aws_s3_bucket_acl` line that sets the ACL (the bucket "
    "is the related location); a canned ACL S3 does not know (`website`) is not a public ACL "
    "(the apply fails), where CKV_AWS_20 fails it.",
    "GATE-AWS-DDB-001": "DynamoDB always encrypts with an AWS-owned key; the rule asks for KMS "
    "(SSEEnabled), hence low severity.",
    "GATE-DOCKER-002": "Only `ADD` of a URL without `--checksum` fails; CKV_DOCKER_4 flags every "
    "`ADD`, including local archives.",
    "GATE-K8S-002": "Any hostPath volume fails; CKV_K8S_27 only flags the Docker socket.",
    "GATE-K8S-006": "Also judges Terraform's kubernetes provider, whose `allow_privilege_escalation` "
    "defaults to true (provider schema); Checkov's Terraform variant of CKV_K8S_20 passes it unset.",
}
"""Deliberate differences from the aliased Checkov checks, by rule id."""

DIFFERENCES.update({
    "GATE-GCP-FW-001": "An ingress rule that names no source (no ranges, tags or service "
    "accounts) is open to 0.0.0.0/0 (Google Cloud's default) and fails; Checkov passes it. "
    "One flaw, one finding: a rule open on every port (no `ports`, or 0-65535) is reported "
    "once, by GATE-GCP-FW-004, which carries CKV_GCP_2/3/88.",
    "GATE-GCP-FW-004": "An `allow` without `ports` opens every port and fails; Checkov passes "
    "it.",
    "GATE-GCP-FW-002": "As GATE-GCP-FW-001.",
    "GATE-GCP-FW-003": "As GATE-GCP-FW-001.",
    "GATE-GCP-GCE-002": "Judges configurations, not Terraform plan JSON: CKV_GCP_31's `bad3` "
    "fixture is a plan file gate does not read.",
    "GATE-GCP-GCE-005": "An instance without `shielded_instance_config` passes: vTPM and "
    "integrity monitoring default to on for shielded images. CKV_GCP_39 fails it.",
    "GATE-GCP-IAM-001": "One rule for every resource granted to allUsers/allAuthenticatedUsers "
    "(IAM members, bindings, policies, bucket ACLs, BigQuery access blocks); severity medium for "
    "Cloud Functions and Cloud Run, where public invocation is often the point. A BigQuery "
    "`access` block naming no member at all is not a public grant (the apply fails); CKV_GCP_15 "
    "fails it.",
    "GATE-GCP-SQL-001": "An instance that does not set `ipv4_enabled` gets a public IP (the "
    "default is true) and fails; CKV_GCP_60 passes it.",
    "GATE-GCP-SQL-003": "`ssl_mode = ENCRYPTED_ONLY` passes for every engine: it is encryption in "
    "flight; client certificates (TRUSTED_CLIENT_CERTIFICATE_REQUIRED), which CKV_GCP_6 asks "
    "for outside SQL Server, are authentication.",
    "GATE-AZ-NSG-001": "One flaw, one finding: a rule open on every port (`*`, 0-65535) is "
    "reported once, by GATE-AZ-NSG-003, which carries CKV_AZURE_9 and CKV_AZURE_10.",
    "GATE-AZ-ST-001": "A missing `min_tls_version` passes (TLS1_2 since azurerm 3.0); "
    "CKV_AZURE_44 fails it.",
    "GATE-AZ-ST-004": "Also aliases CKV_AZURE_59 (public network access): an account with "
    "`network_rules { default_action = \"Deny\" }` passes both here, CKV_AZURE_59 only looks at "
    "`public_network_access_enabled`.",
    "GATE-AZ-KV-003": "A vault with `network_acls { default_action = \"Allow\" }` fails even "
    "with `ip_rules`: Allow admits every address and the rules filter nothing. CKV_AZURE_189 "
    "passes it.",
    "GATE-AZ-DB-001": "A missing `ssl_minimal_tls_version_enforced` passes (TLS1_2 by default); "
    "CKV_AZURE_147 fails it.",
    "GATE-AZ-REDIS-002": "A missing `minimum_tls_version` passes (1.2 in azurerm 4.0, and the "
    "service no longer accepts 1.0/1.1); CKV_AZURE_148 fails it.",
    "GATE-AZ-VM-002": "Reports provider-format credentials and secret-named assignments in the "
    "(base64-decoded) custom data; a bare GUID is not taken for a credential (CKV_AZURE_45 "
    "flags one).",
    "GATE-AZ-DISK-001": "A disk without `encryption_settings` passes: Azure encrypts every "
    "managed disk at rest. Only a disabled block fails.",
    "GATE-AZ-ACR-002": "Registries below the Standard tier pass (anonymous pull needs Standard "
    "or Premium), as in CKV_AZURE_138.",
})


def rule_record(rule: Rule) -> dict[str, Any]:
    """The rule as plain data (``gate rules --format json``)."""
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity.label,
        "practice": rule.practice.value,
        "frameworks": [f.value for f in rule.frameworks()],
        "aliases": list(rule.aliases),
        "rationale": rule.rationale,
        "fix": rule.fix,
        "premise": PREMISES.get(rule.id, ""),
        "premise_checked": CHECKED,
        "resource_types": {f.value: sorted(t) for f, t in rule.resource_types.items()},
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(rules: Sequence[Rule] = RULES) -> str:
    """The full text of ``docs/rules.md``."""
    out = [
        "# IaC rules",
        "",
        "Generated from `gate/checks/iac/registry.py` by `gate rules --format markdown`; "
        "do not edit by hand (a test checks this file against the registry).",
        "",
        "Suppress a finding inline with `# gate:ignore[RULE-ID] reason` on the resource's line "
        "or the line above (YAML, HCL, Dockerfile), or in CloudFormation with "
        "`Metadata: {gate: {ignore: [{id: RULE-ID, reason: ...}]}}`. Checkov ids in aliases are "
        "accepted in these markers too. Suppressions are reported, not dropped; the policy "
        "decides whether they count.",
        "",
        f"Every rule states its **premise**: what it assumes about today's cloud and tool "
        f"defaults. All premises were re-read against the providers' documentation on "
        f"{CHECKED}; rules whose premise changed say so (S3 default encryption since January "
        "2023, S3 Block Public Access and disabled ACLs since April 2023, SSE-SQS since "
        "October 2022). Date-based rules (GATE-AWS-DEPR-002, GATE-AWS-DEPR-004) judge against "
        "the day of the scan: a runtime or engine version past its date gets no security "
        "patches, so it is high; within 90 days medium, within 180 days low. The other "
        "deprecation rules (GATE-AWS-DEPR-001, -003) describe IaC that no longer deploys, not "
        "an exposure: they are capped at medium, reported without failing the default "
        "`fail_on: high`. Google Cloud and Azure date rules (GATE-GCP-DEPR-*, GATE-AZ-DEPR-*) "
        "grade the same way as the AWS runtime and engine rules.",
        "",
        "| id | severity | practice | title | Checkov |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        out.append(f"| [{rule.id}](#{rule.id.lower()}) | {rule.severity.label} | "
                   f"{rule.practice.value} | {_cell(rule.title)} | "
                   f"{', '.join(rule.aliases) or '-'} |")
    for practice in Practice:
        members = [r for r in rules if r.practice is practice]
        if not members:
            continue
        out += ["", f"## {practice.value[0].upper()}{practice.value[1:]}"]
        for rule in members:
            types = "; ".join(f"{f.value}: {', '.join(f'`{t}`' for t in sorted(ts))}"
                              for f, ts in rule.resource_types.items())
            out += [
                "",
                f'<a id="{rule.id.lower()}"></a>',
                f"### {rule.id}: {rule.title}",
                "",
                f"- **Severity:** {rule.severity.label}",
                f"- **Frameworks:** {', '.join(f.value for f in rule.frameworks())}",
                f"- **Resources:** {types}",
                f"- **Checkov:** {', '.join(rule.aliases) or 'none'}",
                f"- **Why:** {rule.rationale}",
                f"- **Fix:** {rule.fix}",
                f"- **Premise (checked {CHECKED}):** {PREMISES.get(rule.id, 'not recorded')}",
            ]
            if rule.id in DIFFERENCES:
                out.append(f"- **Differs from Checkov:** {DIFFERENCES[rule.id]}")
    out += [
        "",
        "## Unknown values",
        "",
        "Values the engine cannot know from the files alone (a Terraform variable without a "
        "default, a computed attribute, a CloudFormation `!If` or parameter without default) "
        "never count as a pass or a fail: the rule reports them as a warning of the check "
        "(\"not evaluated\"), with file and line.",
        "",
    ]
    return "\n".join(out)

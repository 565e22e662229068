"""Google Cloud IAM: resources shared with everyone, basic roles, the default service accounts.

IAM in the google provider is written as ``*_iam_member`` (one member),
``*_iam_binding`` (a role's member list) or an inline ACL (a BigQuery dataset's
``access`` blocks). ``allUsers`` is anyone on the internet; ``allAuthenticatedUsers``
is anyone with a Google account, which is no narrower in practice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
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
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.settings import member_values
from gate.checks.iac.values import MISSING, as_list
from gate.findings import Severity

__all__ = ["BasicRoles", "DefaultServiceAccountRoles", "PublicResource"]

PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})

_PUBLIC: dict[str, tuple[str, str, Severity]] = {
    # type prefix -> (what, Checkov alias, severity)
    "google_storage_bucket_iam": ("bucket", "CKV_GCP_28", Severity.HIGH),
    "google_kms_crypto_key_iam": ("KMS key", "CKV_GCP_112", Severity.HIGH),
    "google_kms_key_ring_iam": ("KMS key ring", "", Severity.HIGH),
    "google_bigquery_dataset_iam": ("BigQuery dataset", "CKV_GCP_15", Severity.HIGH),
    "google_bigquery_table_iam": ("BigQuery table", "CKV_GCP_100", Severity.HIGH),
    "google_pubsub_topic_iam": ("Pub/Sub topic", "CKV_GCP_99", Severity.HIGH),
    "google_artifact_registry_repository_iam": ("Artifact Registry repository", "CKV_GCP_101",
                                                Severity.MEDIUM),
    "google_dataproc_cluster_iam": ("Dataproc cluster", "CKV_GCP_98", Severity.HIGH),
    "google_secret_manager_secret_iam": ("secret", "", Severity.HIGH),
    # invoking a function or service is often the point (a webhook): medium
    "google_cloudfunctions_function_iam": ("Cloud Function", "CKV_GCP_107", Severity.MEDIUM),
    "google_cloudfunctions2_function_iam": ("Cloud Function", "CKV_GCP_107", Severity.MEDIUM),
    "google_cloud_run_service_iam": ("Cloud Run service", "CKV_GCP_102", Severity.MEDIUM),
    "google_cloud_run_v2_service_iam": ("Cloud Run service", "CKV_GCP_102", Severity.MEDIUM),
}
_IAM_TYPES = [f"{prefix}_{kind}" for prefix in _PUBLIC
              for kind in ("member", "binding", "policy")]
_QUOTED_PUBLIC = re.compile(r"[\"'](allUsers|allAuthenticatedUsers)[\"']", re.IGNORECASE)
_ACL_ENTITY = re.compile(r"(?i):(allUsers|allAuthenticatedUsers)$")


def _policy_public(data: Any) -> str | None:
    """The public member named in an IAM policy document (JSON text or ``jsonencode(...)``)."""
    text = data.expr if isinstance(data, Unknown) else data
    if isinstance(data, Mapping):
        text = json.dumps(data)
    if not isinstance(text, str):
        return None
    match = _QUOTED_PUBLIC.search(text)
    return match.group(1) if match else None


def role_of(resource: Resource) -> str:
    """The granted role when written literally, else "a role"."""
    role = resource.properties.get("role")
    return role.strip() if isinstance(role, str) and role.strip() else "a role"


def is_public_member(value: Any) -> bool:
    """``allUsers`` / ``allAuthenticatedUsers`` in any case."""
    return isinstance(value, str) and value.strip().lower() in PUBLIC_MEMBERS


class PublicResource(Rule):
    """A bucket, key, dataset, topic, function... granted to allUsers or allAuthenticatedUsers."""

    id = "GATE-GCP-IAM-001"
    title = "Google Cloud resource granted to allUsers or allAuthenticatedUsers"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("allUsers is anyone on the internet and allAuthenticatedUsers anyone with a "
                 "Google account: data, keys and messages granted to them are public.")
    fix = ("Grant the role to the service accounts, groups or domains that need it; for a "
           "website bucket, serve through a load balancer or Cloud CDN with signed URLs.")
    aliases = tuple(sorted({a for _w, a, _s in _PUBLIC.values() if a}))
    resource_types = on(tf=[*_IAM_TYPES, "google_iam_policy", "google_storage_bucket_acl",
                            "google_storage_default_object_acl", "google_bigquery_dataset",
                            "google_bigquery_dataset_access"])

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        rtype = resource.type
        if rtype == "google_bigquery_dataset":
            yield from self._dataset(resource)
            return
        if rtype == "google_bigquery_dataset_access":
            group = resource.properties.get("special_group") or resource.properties.get(
                "iam_member")
            if is_public_member(group):
                at: AttrPath = ("special_group",) if "special_group" in resource.properties \
                    else ("iam_member",)
                yield Violation(f"grants {role_of(resource)} on a BigQuery dataset to {group}", at,
                                aliases=("CKV_GCP_15",))
            return
        if rtype in ("google_storage_bucket_acl", "google_storage_default_object_acl"):
            for i, entity in enumerate(as_list(resource.properties.get("role_entity"))):
                if isinstance(entity, str) and _ACL_ENTITY.search(entity):
                    yield Violation(f"makes the bucket readable by {entity.split(':')[-1]} "
                                    "through its ACL", ("role_entity", i), key=str(i),
                                    aliases=("CKV_GCP_28",))
            return
        if rtype == "google_iam_policy":
            yield from self._policy_bindings(resource)
            return
        prefix = rtype.rsplit("_", 1)[0]
        what, alias, severity = _PUBLIC[prefix]
        if rtype.endswith("_policy"):
            public = _policy_public(resource.properties.get("policy_data", MISSING))
            if public:
                yield Violation(f"grants a role on a {what} to {public} in its policy_data",
                                ("policy_data",), aliases=(alias,) if alias else (),
                                severity=severity)
            return
        for at, member in member_values(resource):
            if isinstance(member, Unknown):
                yield Undetermined("the member is not known statically", at)
            elif is_public_member(member):
                yield Violation(f"grants {role_of(resource)} on a "
                                f"{what} to {member}", at, key=str(at),
                                aliases=(alias,) if alias else (), severity=severity)

    def _policy_bindings(self, resource: Resource) -> Iterator[Outcome]:
        for i, binding in enumerate(as_list(resource.properties.get("binding"))):
            if not isinstance(binding, Mapping):
                continue
            for j, member in enumerate(as_list(binding.get("members"))):
                if is_public_member(member):
                    yield Violation(f"grants {_text(binding.get('role'))} to {member}",
                                    ("binding", i, "members", j), key=f"{i}/{j}", aliases=())

    def _dataset(self, resource: Resource) -> Iterator[Outcome]:
        for i, access in enumerate(as_list(resource.properties.get("access"))):
            if not isinstance(access, Mapping):
                continue
            for key in ("special_group", "iam_member"):
                value = access.get(key, MISSING)
                if is_public_member(value):
                    yield Violation(f"grants {_text(access.get('role'))} to {value} in its "
                                    "access list", ("access", i, key), key=str(i),
                                    aliases=("CKV_GCP_15",))


_BASIC_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
_SCOPES = ("project", "folder", "organization")
_BASIC_ALIAS = {"project": "CKV_GCP_117", "folder": "CKV_GCP_116", "organization": "CKV_GCP_115"}
_DEFAULT_SA_ALIAS = {"project": "CKV_GCP_46", "folder": "CKV_GCP_48", "organization": "CKV_GCP_47"}
_SCOPED_TYPES = [f"google_{s}_iam_{k}" for s in _SCOPES for k in ("member", "binding")]


def _text(value: Any) -> str:
    return value if isinstance(value, str) and value else "a role"


def _scope(resource: Resource) -> str:
    return resource.type.split("_")[1]


class BasicRoles(Rule):
    """Owner, Editor and Viewer granted on a project, folder or organisation."""

    id = "GATE-GCP-IAM-002"
    title = "Basic role (Owner, Editor, Viewer) granted on a project, folder or organisation"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("The basic roles predate IAM: Editor can change almost every resource of "
                 "every service, Viewer reads every service's data.")
    fix = "Grant predefined or custom roles for the services the member uses."
    aliases = ("CKV_GCP_115", "CKV_GCP_116", "CKV_GCP_117")
    resource_types = on(tf=_SCOPED_TYPES)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        role = resource.properties.get("role", MISSING)
        if isinstance(role, Unknown):
            yield Undetermined("role is not known statically", ("role",))
        elif isinstance(role, str) and role.strip() in _BASIC_ROLES:
            scope = _scope(resource)
            yield Violation(f"grants the basic role {role.strip()} on the {scope}", ("role",),
                            aliases=(_BASIC_ALIAS[scope],))


_DEFAULT_SA = re.compile(r"(?i)(-compute@developer|@appspot)\.gserviceaccount\.com$")


def is_default_service_account(value: Any) -> bool:
    """The Compute Engine or App Engine default service account (any project)."""
    return isinstance(value, str) and bool(_DEFAULT_SA.search(value.strip()))


class DefaultServiceAccountRoles(Rule):
    """The default service accounts granted roles at project, folder or organisation level."""

    id = "GATE-GCP-IAM-003"
    title = "Default service account granted a role on a project, folder or organisation"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("Every VM and App Engine app that does not name a service account runs as the "
                 "default one: a role granted to it is granted to all of them.")
    fix = "Create a dedicated service account per workload and grant the role to it."
    aliases = ("CKV_GCP_46", "CKV_GCP_47", "CKV_GCP_48")
    resource_types = on(tf=_SCOPED_TYPES)

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        scope = _scope(resource)
        for at, member in member_values(resource):
            if isinstance(member, str) and is_default_service_account(member.split(":")[-1]):
                yield Violation(f"grants {role_of(resource)} on the {scope} to a default "
                                "service account", at, key=str(at),
                                aliases=(_DEFAULT_SA_ALIAS[scope],))

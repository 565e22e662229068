"""Terraform's kubernetes provider resources, seen as the manifests they create.

``kubernetes_deployment { spec { template { spec { container { security_context
{ allow_privilege_escalation = true } } } } } }`` is the same workload as a
Deployment manifest. :func:`as_manifest` renames the provider's snake_case
attributes and singular repeated blocks to the manifest's camelCase fields and
lists, so the Kubernetes rules judge both without a second implementation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TF_KINDS", "as_manifest"]

TF_KINDS: dict[str, str] = {
    "kubernetes_pod": "Pod", "kubernetes_pod_v1": "Pod",
    "kubernetes_deployment": "Deployment", "kubernetes_deployment_v1": "Deployment",
    "kubernetes_stateful_set": "StatefulSet", "kubernetes_stateful_set_v1": "StatefulSet",
    "kubernetes_daemonset": "DaemonSet", "kubernetes_daemon_set_v1": "DaemonSet",
    "kubernetes_replication_controller": "ReplicationController",
    "kubernetes_replication_controller_v1": "ReplicationController",
    "kubernetes_job": "Job", "kubernetes_job_v1": "Job",
    "kubernetes_cron_job": "CronJob", "kubernetes_cron_job_v1": "CronJob",
}
"""Terraform resource type -> the Kubernetes kind it creates."""

_LISTS = {"container": "containers", "init_container": "initContainers", "volume": "volumes",
          "volume_mount": "volumeMounts", "port": "ports", "env": "env",
          "toleration": "tolerations", "image_pull_secrets": "imagePullSecrets"}
"""Repeated blocks, singular in the provider, plural lists in a manifest."""
_NAMES = {"host_pid": "hostPID", "host_ipc": "hostIPC", "host_network": "hostNetwork",
          "run_as_non_root": "runAsNonRoot", "run_as_user": "runAsUser",
          "read_only_root_filesystem": "readOnlyRootFilesystem"}
_MAPS = frozenset({"limits", "requests", "labels", "annotations", "node_selector"})
"""Attributes whose keys are data (``cpu``, label names), never renamed."""


def _camel(name: str) -> str:
    if name in _NAMES:
        return _NAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _convert(value: Any, key: str = "") -> Any:
    if key in _MAPS:
        block = value[0] if isinstance(value, list) and len(value) == 1 else value
        return dict(block) if isinstance(block, Mapping) else block
    if isinstance(value, list) and key not in _LISTS and len(value) == 1 \
            and isinstance(value[0], Mapping):
        value = value[0]  # a single nested block
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for name, inner in value.items():
            target = _LISTS.get(name) or _camel(name)
            converted = _convert(inner, name)
            if name in _LISTS and not isinstance(converted, list):
                converted = [converted]
            out[target] = converted
        return out
    if isinstance(value, list):
        return [_convert(v) for v in value]
    return value


def as_manifest(rtype: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest a kubernetes provider resource stands for (``kind`` included)."""
    manifest = _convert(properties)
    if not isinstance(manifest, dict):
        manifest = {}
    manifest["kind"] = TF_KINDS[rtype]
    return manifest

"""Kubernetes pod specs: privileges, host access, resource limits, non-root, pinned images."""

from __future__ import annotations

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
from gate.checks.iac.parsers.kubernetes import WORKLOAD_TYPES, pod_spec
from gate.checks.iac.rules.base import on, truth
from gate.checks.iac.rules.images import floating_tag
from gate.checks.iac.values import as_list, dig, to_int
from gate.findings import Severity

__all__ = [
    "WORKLOADS",
    "CpuLimits",
    "HostNamespaces",
    "HostPath",
    "ImageTag",
    "PrivilegeEscalation",
    "Privileged",
    "ResourceLimits",
    "RunAsNonRoot",
]

WORKLOADS = on(k8s=WORKLOAD_TYPES["kubernetes"], tf=WORKLOAD_TYPES["terraform"])
"""Every workload: manifests, and the Terraform kubernetes provider's resources."""
_WORKLOADS = WORKLOADS


def containers(resource: Resource) -> Iterator[tuple[Mapping[str, Any], AttrPath, str]]:
    """(container, path, name) for containers and init containers of the pod spec."""
    spec, base = pod_spec(resource)
    for kind in ("initContainers", "containers"):
        for i, c in enumerate(as_list(spec.get(kind))):
            if isinstance(c, Mapping):
                yield c, (*base, kind, i), str(c.get("name", f"{kind}[{i}]"))


class Privileged(Rule):
    """No privileged containers."""

    id = "GATE-K8S-001"
    title = "Privileged container"
    severity = Severity.HIGH
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A privileged container is root on the node: one escape owns the cluster node."
    fix = "Remove securityContext.privileged; grant specific capabilities if really needed."
    aliases = ("CKV_K8S_16",)
    resource_types = _WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            if truth(dig(c, "securityContext", "privileged"), False) is True:
                yield Violation(f"runs container {name} privileged",
                                (*path, "securityContext", "privileged"), key=name)


class HostPath(Rule):
    """No hostPath volumes."""

    id = "GATE-K8S-002"
    title = "hostPath volume"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "hostPath mounts expose the node's filesystem (docker socket, kubelet keys)."
    fix = "Use emptyDir, a PersistentVolumeClaim, a ConfigMap or a CSI volume instead."
    aliases = ("CKV_K8S_27",)
    resource_types = _WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        spec, base = pod_spec(resource)
        for i, volume in enumerate(as_list(spec.get("volumes"))):
            if isinstance(volume, Mapping) and "hostPath" in volume:
                target = dig(volume, "hostPath", "path")
                yield Violation(f"mounts host path {target} (volume {volume.get('name')})",
                                (*base, "volumes", i), key=str(volume.get("name", i)))


class HostNamespaces(Rule):
    """No sharing of the node's PID, IPC or network namespace."""

    id = "GATE-K8S-003"
    title = "Pod shares host namespaces"
    severity = Severity.HIGH
    practice = Practice.PIPELINE_HYGIENE
    rationale = "hostPID/hostIPC/hostNetwork let a pod see and attack the node's processes and traffic."
    fix = "Remove hostPID, hostIPC and hostNetwork (or set them to false)."
    aliases = ("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19")
    resource_types = _WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        spec, base = pod_spec(resource)
        shared = [k for k in ("hostPID", "hostIPC", "hostNetwork")
                  if truth(spec.get(k), False) is True]
        if shared:
            ids = {"hostPID": "CKV_K8S_17", "hostIPC": "CKV_K8S_18", "hostNetwork": "CKV_K8S_19"}
            yield Violation(f"shares host namespaces ({', '.join(shared)})", (*base, shared[0]),
                            aliases=tuple(ids[k] for k in shared))


class _Limit(Rule):
    """Shared: every container states ``resources.limits.<kind>``."""

    kind = ""
    resource_types = _WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            limits = dig(c, "resources", "limits")
            if isinstance(limits, Unknown) or (isinstance(limits, Mapping)
                                               and isinstance(limits.get(self.kind), Unknown)):
                yield Undetermined(f"{self.kind} limit is not known statically", path)
            elif not isinstance(limits, Mapping) or not limits.get(self.kind):
                yield Violation(f"has no {self.kind} limit for container {name}", path, key=name)


class ResourceLimits(_Limit):
    """Every container needs a memory limit."""

    id = "GATE-K8S-004"
    title = "Container without a memory limit"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "A container without a memory limit can exhaust the node: one leak becomes an outage."
    fix = "Set resources.limits.memory (and a matching request)."
    aliases = ("CKV_K8S_13",)
    kind = "memory"


class CpuLimits(_Limit):
    """Containers should state a CPU limit (or the namespace a LimitRange)."""

    id = "GATE-K8S-011"
    title = "Container without a CPU limit"
    severity = Severity.LOW
    practice = Practice.PIPELINE_HYGIENE
    rationale = ("Without a CPU limit a busy container takes CPU from its neighbours; low because "
                 "CPU is compressible and many teams rely on requests alone.")
    fix = "Set resources.limits.cpu (or a namespace LimitRange)."
    aliases = ("CKV_K8S_11",)
    kind = "cpu"


def _non_root(context: Any) -> bool | None:
    """True/False when the securityContext decides, None when it says nothing."""
    if not isinstance(context, Mapping):
        return None
    flag = truth(context.get("runAsNonRoot"))
    user = to_int(context.get("runAsUser"))
    if flag is False or user == 0:
        return False
    if flag is True or (isinstance(user, int) and user > 0):
        return True
    return None


class RunAsNonRoot(Rule):
    """Containers must be made to run as a non-root user."""

    id = "GATE-K8S-005"
    title = "Container may run as root"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "Root in a container is one kernel bug away from root on the node."
    fix = "Set securityContext.runAsNonRoot: true (and a runAsUser above 0)."
    aliases = ("CKV_K8S_23",)
    resource_types = _WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        spec, _base = pod_spec(resource)
        pod_level = _non_root(spec.get("securityContext"))
        for c, path, name in containers(resource):
            own = _non_root(c.get("securityContext"))
            if (own if own is not None else pod_level) is not True:
                yield Violation(f"does not force container {name} to run as non-root", path,
                                key=name)


class PrivilegeEscalation(Rule):
    """allowPrivilegeEscalation must be false."""

    id = "GATE-K8S-006"
    title = "Container allows privilege escalation"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = "Without it setuid binaries let a process gain more privileges than it started with."
    fix = "Set securityContext.allowPrivilegeEscalation: false."
    aliases = ("CKV_K8S_20",)
    resource_types = _WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            value = truth(dig(c, "securityContext", "allowPrivilegeEscalation"))
            if isinstance(value, Unknown):
                yield Undetermined("allowPrivilegeEscalation is not known statically", path)
            elif value is not False:
                yield Violation(f"allows privilege escalation in container {name}", path,
                                key=name)


class ImageTag(Rule):
    """Images must be pinned to a version tag or digest."""

    id = "GATE-K8S-007"
    title = "Container image not pinned"
    severity = Severity.LOW
    practice = Practice.PIPELINE_HYGIENE
    rationale = "latest (or no tag) changes under you: deployments stop being reproducible."
    fix = "Use a version tag, ideally with a digest (image:1.2.3@sha256:...)."
    aliases = ("CKV_K8S_14",)
    resource_types = _WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            image = c.get("image")
            if isinstance(image, str) and "$" not in image:
                why = floating_tag(image)
                if why:
                    yield Violation(f"runs image {image} with {why} (container {name})",
                                    (*path, "image"), key=name)

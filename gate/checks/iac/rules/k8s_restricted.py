"""The rest of the Pod Security Standards "restricted" profile: capabilities, seccomp, a
read-only root filesystem (the profile's companion hardening).

With :mod:`.k8s` (privileged, hostPath, host namespaces, runAsNonRoot,
allowPrivilegeEscalation, limits, pinned images) these cover the restricted
profile for every workload kind with a pod template, in manifests and in
Terraform's kubernetes provider alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
    Outcome,
    Practice,
    Resource,
    Rule,
    Undetermined,
    Unit,
    Unknown,
    Violation,
)
from gate.checks.iac.parsers.kubernetes import manifest, pod_spec
from gate.checks.iac.rules.base import truth
from gate.checks.iac.rules.k8s import WORKLOADS, containers
from gate.checks.iac.values import as_list, dig
from gate.findings import Severity

__all__ = ["AddedCapabilities", "DropAllCapabilities", "HostPorts", "ReadOnlyRootFilesystem",
           "SeccompProfile"]

_ALLOWED_ADD = frozenset({"NET_BIND_SERVICE"})
_SECCOMP_OK = frozenset({"RuntimeDefault", "Localhost"})
_LEGACY_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"


class DropAllCapabilities(Rule):
    """Containers must drop ALL capabilities and add back at most NET_BIND_SERVICE."""

    id = "GATE-K8S-008"
    title = "Container does not drop all capabilities"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = ("The default capability set (NET_RAW, CHOWN, SETUID...) helps an attacker "
                 "spoof traffic or escalate; the restricted profile drops them all.")
    fix = "Set securityContext.capabilities.drop: [ALL] (GATE-K8S-012 judges what is added)."
    aliases = ("CKV_K8S_37",)
    resource_types = WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            caps = dig(c, "securityContext", "capabilities")
            caps = caps if isinstance(caps, Mapping) else {}
            dropped = {str(d).upper() for d in as_list(caps.get("drop"))}
            if "ALL" not in dropped:
                yield Violation(f"does not drop ALL capabilities in container {name}",
                                (*path, "securityContext"), key=name)


class AddedCapabilities(Rule):
    """Containers may add back NET_BIND_SERVICE, nothing else."""

    id = "GATE-K8S-012"
    title = "Container adds capabilities"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = ("Added capabilities (SYS_ADMIN, NET_ADMIN, NET_RAW...) hand the container "
                 "kernel powers the restricted profile forbids.")
    fix = "Remove securityContext.capabilities.add (NET_BIND_SERVICE is the only exception)."
    aliases = ("CKV_K8S_25",)
    resource_types = WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            caps = dig(c, "securityContext", "capabilities")
            caps = caps if isinstance(caps, Mapping) else {}
            added = sorted({str(a).upper() for a in as_list(caps.get("add"))} - _ALLOWED_ADD)
            if added:
                yield Violation(f"adds capabilities {', '.join(added)} in container {name}",
                                (*path, "securityContext"), key=name)


def _profile(context: Any) -> Any:
    """The seccomp profile type set in a securityContext: a string, an Unknown, or None."""
    value = dig(context, "seccompProfile", "type") if isinstance(context, Mapping) else None
    return value if isinstance(value, str | Unknown) else None


class SeccompProfile(Rule):
    """Pods or every container must run under the RuntimeDefault (or a Localhost) profile."""

    id = "GATE-K8S-009"
    title = "Pod without a seccomp profile"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = ("Without seccomp every syscall is open to the container, including the "
                 "rarely used ones most kernel exploits need.")
    fix = "Set securityContext.seccompProfile.type: RuntimeDefault at pod level."
    aliases = ("CKV_K8S_31",)
    resource_types = WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        spec, base = pod_spec(resource)
        pod = _profile(spec.get("securityContext"))
        annotations = dig(manifest(resource), *base[:-1], "metadata", "annotations") \
            if len(base) > 1 else dig(manifest(resource), "metadata", "annotations")
        legacy = annotations.get(_LEGACY_ANNOTATION) if isinstance(annotations, Mapping) else None
        if isinstance(pod, Unknown):
            yield Undetermined("the pod's seccomp profile is not known statically", base)
            return
        pod_ok = pod in _SECCOMP_OK or legacy in ("runtime/default", "docker/default")
        if pod is not None and pod not in _SECCOMP_OK:
            yield Violation(f"sets seccomp profile {pod} for the pod", (*base, "securityContext"))
            return
        bad = []
        for c, _path, name in containers(resource):
            own = _profile(c.get("securityContext"))
            if isinstance(own, Unknown):
                continue
            if (own is None and not pod_ok) or (own is not None and own not in _SECCOMP_OK):
                bad.append(name)
        if bad:
            yield Violation(f"runs container {', '.join(bad)} without the RuntimeDefault "
                            "seccomp profile", base)


class HostPorts(Rule):
    """Containers must not bind ports on the node."""

    id = "GATE-K8S-013"
    title = "Container binds a host port"
    severity = Severity.MEDIUM
    practice = Practice.PIPELINE_HYGIENE
    rationale = ("A hostPort exposes the container on the node's own address, around "
                 "Services and NetworkPolicies; the baseline profile forbids it.")
    fix = "Remove ports[].hostPort and expose the port through a Service."
    aliases = ("CKV_K8S_26",)
    resource_types = WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            for i, port in enumerate(as_list(c.get("ports"))):
                if isinstance(port, Mapping) and port.get("hostPort") not in (None, 0, "0"):
                    yield Violation(f"binds host port {port.get('hostPort')} in container {name}",
                                    (*path, "ports", i), key=f"{name}/{i}")


class ReadOnlyRootFilesystem(Rule):
    """Containers should not be able to write to their image's filesystem."""

    id = "GATE-K8S-010"
    title = "Container root filesystem is writable"
    severity = Severity.LOW
    practice = Practice.PIPELINE_HYGIENE
    rationale = ("A writable root filesystem lets an intruder drop tools and persist; "
                 "write to mounted volumes instead.")
    fix = "Set securityContext.readOnlyRootFilesystem: true (mount an emptyDir for scratch)."
    aliases = ("CKV_K8S_22",)
    resource_types = WORKLOADS

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for c, path, name in containers(resource):
            if truth(dig(c, "securityContext", "readOnlyRootFilesystem"), False) is not True:
                yield Violation(f"lets container {name} write to its root filesystem", path,
                                key=name)

"""Docker Compose services: the container escapes and leaks the Kubernetes rules catch too.

Severities follow the Kubernetes rules for the same thing (privileged and host
namespaces high, added capabilities medium, a mutable image tag low); mounting
the Docker socket or the host's root is root on the host, hence high. Secrets in
``environment`` are high like the cloud rules' secrets in code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.iac.interface import (
    AttrPath,
    Outcome,
    Practice,
    Resource,
    Rule,
    Unit,
    Violation,
)
from gate.checks.iac.parsers.compose import SERVICE
from gate.checks.iac.rules.base import on
from gate.checks.iac.rules.credentials import in_variable
from gate.checks.iac.values import to_bool
from gate.findings import Severity

__all__ = ["COMPOSE_RULES", "ComposeAddedCapabilities", "ComposeHostMounts", "ComposeHostNamespaces",
           "ComposePrivileged", "ComposeSecretEnvironment", "ComposeUnpinnedImage"]

_TYPES = on(compose=[SERVICE])


def _at(resource: Resource, *path: str | int) -> AttrPath:
    """``path`` when its line is known, else its longest known prefix."""
    for cut in range(len(path), 0, -1):
        if path[:cut] in resource.lines:
            return path[:cut]
    return ()


class ComposePrivileged(Rule):
    id = "GATE-COMPOSE-001"
    title = "Compose service runs privileged"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = "A privileged container has every capability and the host's devices: root on it."
    fix = "Remove privileged: true; add only the capability or device the service needs."
    resource_types = _TYPES

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        if to_bool(resource.properties.get("privileged")) is True:
            yield Violation("runs privileged", _at(resource, "privileged"))


_NAMESPACES = ("network_mode", "pid", "ipc", "uts", "userns_mode")


class ComposeHostNamespaces(Rule):
    id = "GATE-COMPOSE-002"
    title = "Compose service shares the host's network, PID, IPC or user namespace"
    severity = Severity.HIGH
    practice = Practice.BLAST_RADIUS
    rationale = ("Host namespaces let the container see and reach the host's processes, "
                 "loopback services and shared memory.")
    fix = "Remove network_mode/pid/ipc: host; publish the ports the service needs instead."
    resource_types = _TYPES

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for key in _NAMESPACES:
            value = resource.properties.get(key)
            if isinstance(value, str) and value.strip().lower() == "host":
                yield Violation(f"shares the host's namespace ({key}: host)", _at(resource, key),
                                key=key)


_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock",
            "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/podman/podman.sock")


def _source(volume: Any) -> str | None:
    if isinstance(volume, str):
        parts = volume.split(":")
        return parts[0] if len(parts) >= 2 else None
    if isinstance(volume, Mapping) and volume.get("type", "bind") == "bind":
        source = volume.get("source")
        return source if isinstance(source, str) else None
    return None


class ComposeHostMounts(Rule):
    id = "GATE-COMPOSE-003"
    title = "Compose service mounts the container runtime socket or the host's root"
    severity = Severity.HIGH
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("The Docker socket lets the container start a privileged container of its own; "
                 "the host's root filesystem lets it rewrite the host.")
    fix = ("Do not mount the socket (use a socket proxy that allows only the calls needed) or "
           "the host's /; mount the one directory the service needs, read-only.")
    resource_types = _TYPES

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        volumes = resource.properties.get("volumes")
        for i, volume in enumerate(volumes if isinstance(volumes, list) else []):
            source = _source(volume)
            if source is None:
                continue
            clean = source.strip().rstrip("/") or "/"
            if clean in _SOCKETS:
                what = "the container runtime socket " + clean
            elif clean == "/":
                what = "the host's root filesystem"
            else:
                continue
            yield Violation(f"mounts {what}", _at(resource, "volumes", i), key=str(i))


_HARMLESS_CAPS = frozenset({"NET_BIND_SERVICE"})
_SEVERE_CAPS = frozenset({"ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN",
                          "DAC_READ_SEARCH", "SYS_RAWIO"})


class ComposeAddedCapabilities(Rule):
    id = "GATE-COMPOSE-004"
    title = "Compose service adds Linux capabilities"
    severity = Severity.MEDIUM
    practice = Practice.LEAST_PRIVILEGE
    rationale = ("Each added capability widens what a compromised process can do to the host; "
                 "SYS_ADMIN and ALL are close to privileged.")
    fix = "Remove cap_add, or keep only NET_BIND_SERVICE; prefer cap_drop: [ALL]."
    resource_types = _TYPES

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        caps = resource.properties.get("cap_add")
        names = [str(c).upper().removeprefix("CAP_") for c in caps] \
            if isinstance(caps, list) else []
        added = [c for c in names if c not in _HARMLESS_CAPS]
        if added:
            severe = any(c in _SEVERE_CAPS for c in added)
            yield Violation(f"adds capabilities {', '.join(added)}", _at(resource, "cap_add"),
                            severity=Severity.HIGH if severe else None)


def _environment(value: Any) -> Iterator[tuple[str, str, int | None]]:
    if isinstance(value, Mapping):
        for name, item in value.items():
            if isinstance(item, str | int) and not isinstance(item, bool):
                yield str(name), str(item), None
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str) and "=" in item:
                name, _, text = item.partition("=")
                yield name.strip(), text, i


class ComposeSecretEnvironment(Rule):
    id = "GATE-COMPOSE-005"
    title = "Credential in plain text in a Compose service's environment"
    severity = Severity.HIGH
    practice = Practice.SECRETS
    rationale = ("A value in the Compose file is in the repository and every clone, and "
                 "`docker inspect` shows it to anyone on the host.")
    fix = ("Use Compose secrets (secrets: + /run/secrets/...), or ${VARIABLE} interpolation "
           "from an env file kept out of the repository.")
    resource_types = _TYPES

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        for name, value, index in _environment(resource.properties.get("environment")):
            if "${" in value or value.startswith("$"):
                continue
            for hit in in_variable(name, value):
                at = _at(resource, "environment", name) if index is None \
                    else _at(resource, "environment", index)
                yield Violation(f"has {hit.kind} ({name}) in plain text in its environment; "
                                "value redacted", at, key=name)
                break


class ComposeUnpinnedImage(Rule):
    id = "GATE-COMPOSE-006"
    title = "Compose service image not pinned by digest"
    severity = Severity.LOW
    practice = Practice.STILL_DEPLOYS
    rationale = "Tags are mutable: the same file can run different code tomorrow."
    fix = "Pin the image by digest (image: name:tag@sha256:...) and let a bot update it."
    resource_types = _TYPES

    def evaluate(self, resource: Resource, unit: Unit) -> Iterator[Outcome]:
        image = resource.properties.get("image")
        if not isinstance(image, str) or "@sha256:" in image or "${" in image:
            return
        last = image.rsplit("/", 1)[-1]
        tag = last.partition(":")[2]
        what = "no tag (latest)" if not tag else f"the mutable tag {tag}"
        yield Violation(f"runs {image} by {what}, not by digest", _at(resource, "image"))


COMPOSE_RULES: tuple[Rule, ...] = (
    ComposePrivileged(), ComposeHostNamespaces(), ComposeHostMounts(), ComposeAddedCapabilities(),
    ComposeSecretEnvironment(), ComposeUnpinnedImage(),
)

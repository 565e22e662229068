"""Kubernetes manifests (multi-document YAML) -> one resource per workload.

Only objects that carry a pod template are resources (Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job, CronJob); rules reach the pod spec
through :func:`pod_spec`, whose path also locates findings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gate.checks.iac.interface import AttrPath, Framework, Resource, Unit
from gate.checks.iac.parsers.ignores import comment_ignores, in_span
from gate.checks.iac.parsers.yamlnodes import load_documents
from gate.checks.iac.values import dig

__all__ = ["POD_SPEC_PATHS", "looks_like_kubernetes", "parse_kubernetes", "pod_spec"]

POD_SPEC_PATHS: dict[str, AttrPath] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_SNIFF = re.compile(r"^apiVersion\s*:", re.MULTILINE)
_KIND = re.compile(r"^kind\s*:", re.MULTILINE)


def looks_like_kubernetes(text: str) -> bool:
    """Top-level ``apiVersion:`` and ``kind:`` keys."""
    return bool(_SNIFF.search(text)) and bool(_KIND.search(text))


def pod_spec(resource: Resource) -> tuple[Mapping[str, Any], AttrPath]:
    """The workload's pod spec and its path (empty mapping when absent)."""
    path = POD_SPEC_PATHS.get(resource.type, ("spec",))
    spec = dig(resource.properties, *path)
    return (spec if isinstance(spec, Mapping) else {}), path


def parse_kubernetes(path: str, text: str) -> Unit:
    """Parse every document; non-workload documents are skipped, not errors."""
    comments = comment_ignores(text)
    out = []
    for doc in load_documents(text):
        value = doc.value
        if not isinstance(value, Mapping) or value.get("kind") not in POD_SPEC_PATHS:
            continue
        kind = str(value["kind"])
        name = dig(value, "metadata", "name")
        name = name if isinstance(name, str) else f"unnamed@{doc.start_line}"
        namespace = dig(value, "metadata", "namespace")
        namespace = namespace if isinstance(namespace, str) else "default"
        out.append(Resource(
            framework=Framework.KUBERNETES, path=path, type=kind, name=name,
            address=f"{kind}/{namespace}/{name}", start_line=doc.start_line,
            end_line=doc.end_line, properties=value, lines=doc.lines,
            ignores=in_span(comments, doc.start_line, doc.end_line),
        ))
    return Unit(Framework.KUBERNETES, tuple(out))



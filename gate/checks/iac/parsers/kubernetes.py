"""Kubernetes manifests (multi-document YAML) -> one resource per workload.

Only objects that carry a pod template are resources (Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job, CronJob); rules reach the pod spec
through :func:`pod_spec`, whose path also locates findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.checks.iac.interface import AttrPath, Framework, InlineIgnore, Resource, Unit
from gate.checks.iac.parsers.ignores import comment_ignores, in_span
from gate.checks.iac.parsers.sniffing import looks_like_kubernetes
from gate.checks.iac.parsers.tf_kubernetes import TF_KINDS, as_manifest
from gate.checks.iac.parsers.yamlnodes import Document, load_documents
from gate.checks.iac.values import dig

__all__ = ["POD_SPEC_PATHS", "WORKLOAD_TYPES", "looks_like_kubernetes", "manifest",
           "parse_kubernetes", "pod_spec", "workload_problem"]

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
WORKLOAD_TYPES = {"kubernetes": frozenset(POD_SPEC_PATHS), "terraform": frozenset(TF_KINDS)}
"""Resource types with a pod template, per framework (manifests and the Terraform provider)."""
def workload_problem(kind: str, value: Mapping[str, Any]) -> str:
    """Why a workload cannot be judged ("" when it can): its pod spec is missing or malformed."""
    spec = dig(value, *POD_SPEC_PATHS.get(kind, ("spec",)))
    if not isinstance(spec, Mapping):
        return "its pod spec is missing or not a mapping"
    return ""


def manifest(resource: Resource) -> Mapping[str, Any]:
    """The workload as a manifest: the document itself, or what a Terraform
    kubernetes provider resource creates (:mod:`.tf_kubernetes`)."""
    if resource.framework is Framework.TERRAFORM and resource.type in TF_KINDS:
        return as_manifest(resource.type, resource.properties)
    return resource.properties


def pod_spec(resource: Resource) -> tuple[Mapping[str, Any], AttrPath]:
    """The workload's pod spec and its path (empty mapping when absent)."""
    kind = TF_KINDS.get(resource.type, resource.type)
    path = POD_SPEC_PATHS.get(kind, ("spec",))
    spec = dig(manifest(resource), *path)
    return (spec if isinstance(spec, Mapping) else {}), path


def parse_kubernetes(path: str, text: str) -> Unit:
    """Parse every document; non-workload documents are skipped, not errors."""
    comments = comment_ignores(text)
    out = []
    for doc in load_documents(text):
        for value, start, end, lines in _objects(doc):
            resource = _resource(path, value, start, end, lines, comments)
            if resource is not None:
                out.append(resource)
    return Unit(Framework.KUBERNETES, tuple(out))


def _objects(doc: Document) -> list[tuple[Any, int, int, dict[AttrPath, int]]]:
    """The document's object, or the items of a ``kind: List`` (with their own lines)."""
    value = doc.value
    items = value.get("items") if isinstance(value, Mapping) and value.get("kind") == "List" \
        else None
    if not isinstance(items, list):
        return [(value, doc.start_line, doc.end_line, doc.lines)]
    found = []
    for i, item in enumerate(items):
        prefix: AttrPath = ("items", i)
        lines = {p[2:]: line for p, line in doc.lines.items() if p[:2] == prefix}
        found.append((item, doc.lines.get(prefix, doc.start_line),
                      doc.ends.get(prefix, doc.end_line), lines))
    return found


def _resource(path: str, value: Any, start: int, end: int, lines: dict[AttrPath, int],
              comments: dict[int, InlineIgnore]) -> Resource | None:
    """A workload (an object with a pod template) as a resource; None for anything else."""
    if not isinstance(value, Mapping) or value.get("kind") not in POD_SPEC_PATHS:
        return None
    kind = str(value["kind"])
    name = dig(value, "metadata", "name")
    name = name if isinstance(name, str) else f"unnamed@{start}"
    namespace = dig(value, "metadata", "namespace")
    namespace = namespace if isinstance(namespace, str) else "default"
    return Resource(
        framework=Framework.KUBERNETES, path=path, type=kind, name=name,
        address=f"{kind}/{namespace}/{name}", start_line=start, end_line=end,
        properties=value, lines=lines, ignores=in_span(comments, start, end),
        unreadable=workload_problem(kind, value),
    )



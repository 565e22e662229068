"""Kubernetes workloads in every spelling: manifests (YAML, JSON, List), Terraform provider."""

from __future__ import annotations

from pathlib import Path

from iac_support import scan

from gate.checks.iac.registry import rule_by_id

POD_JSON = """\
{
  "kind": "Pod",
  "apiVersion": "v1",
  "metadata": {"name": "zookeeper"},
  "spec": {"containers": [{"name": "zookeeper", "image": "mattf/zookeeper"}]}
}
"""

LIST = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: agent, namespace: ops}
    spec:
      template:
        spec:
          containers:
            - name: agent
              image: agent:1.0
          volumes:
            - name: sock
              hostPath: {path: /var/run/docker.sock}
"""

TF = """\
resource "kubernetes_deployment_v1" "web" {
  metadata {
    name = "web"
  }
  spec {
    template {
      metadata {
        name = "web"
      }
      spec {
        host_pid = true
        container {
          name  = "web"
          image = "nginx:1.27.0"
          security_context {
            privileged = false
          }
        }
      }
    }
  }
}

resource "kubernetes_pod" "broken" {
  metadata {
    name = "no-spec"
  }
}
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_json_manifest_and_list_items(tmp_path: Path) -> None:
    root = _write(tmp_path, {"pod.json": POD_JSON, "list.yaml": LIST})
    loaded, result = scan(root, [rule_by_id("GATE-K8S-007"), rule_by_id("GATE-K8S-002")])
    assert loaded.not_scanned == ()
    found = sorted((f.rule_id, dict(f.extra)["resource"], f.path, f.start_line)
                   for f in result.findings)
    assert found == [("GATE-K8S-002", "DaemonSet/ops/agent", "list.yaml", 17),
                     ("GATE-K8S-007", "Pod/default/zookeeper", "pod.json", 5)]


def test_terraform_provider_workloads_meet_the_same_rules(tmp_path: Path) -> None:
    root = _write(tmp_path, {"k8s.tf": TF})
    rules = [rule_by_id(i) for i in ("GATE-K8S-003", "GATE-K8S-006", "GATE-K8S-001")]
    _loaded, result = scan(root, rules)
    found = sorted((f.rule_id, f.message) for f in result.findings)
    assert found == [
        ("GATE-K8S-003", 'kubernetes_deployment_v1 "web" shares host namespaces (hostPID)'),
        # the provider's allow_privilege_escalation defaults to true inside security_context
        ("GATE-K8S-006", 'kubernetes_deployment_v1 "web" allows privilege escalation in '
                         "container web"),
    ]
    assert [w.split(": ", 1)[1] for w in result.warnings if "broken" in w] == [
        f"{rule_id} not evaluated for kubernetes_pod.broken: its pod spec is missing or not a "
        "mapping" for rule_id in ("GATE-K8S-003", "GATE-K8S-006", "GATE-K8S-001")]

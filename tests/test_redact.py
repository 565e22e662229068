"""No credential through any message (issue 10, item 5).

Credentials are planted in every URL-bearing field the IaC rules read; the
whole gate runs with every report format, and no token may appear in any
output: stdout of each stdout format, stderr, and every report file. Both
token spellings are checked (as written, and URL-decoded).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gate.checks.interface import CheckResult, NotScanned
from gate.findings import Finding, Location, RelatedLocation, content_fingerprint
from gate.redact import REDACTED, redact, redact_finding, redact_result
from gate.report.registry import FORMATS

TOKENS = {
    "docker_add": "dockeraddtok" + "3x9QzLm2",
    "docker_from": "dockerfromtok" + "8Hq2Kd7",
    "gitlab_remote": "glpat-" + "remoteTok4Rr9Kc2Wm",
    "gitlab_image": "glimagetok" + "55Lk2Pq",
    "gha_uses": "ghusestok" + "Q7Wm2Zx",
    "gha_docker": "ghdockertok" + "M3n8Vb",
    "tf_source": "tfsourcetok" + "Zr8Xk1",
    "cfn_template": "cfnsig" + "Yt6Hs0Lq",
    "k8s_image": "k8simagetok" + "Pw3Jd5",
}
T = TOKENS

FILES = {
    "Dockerfile": (
        f"FROM builder:{T['docker_from']}@registry.example.com/base:latest\n"
        f"ADD https://deploy:{T['docker_add']}@downloads.example.com/app.tar.gz /app/\n"
        "RUN true\n"),
    ".gitlab-ci.yml": (
        "include:\n"
        f"  - remote: 'https://gitlab.example.com/ci/t.yml?private_token={T['gitlab_remote']}'\n"
        "build:\n"
        f"  image: bot:{T['gitlab_image']}@registry.example.com/tools/build:latest\n"
        "  script: [make]\n"),
    ".github/workflows/ci.yml": (
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        f"      - uses: docker://bot:{T['gha_docker']}@ghcr.io/org/tool:latest\n"
        f"      - uses: https://x-access-token:{T['gha_uses']}@github.com/org/action@v1\n"
        "      - uses: actions/checkout@v4\n"),
    "infra/main.tf": (
        'module "vpc" {\n'
        f'  source = "git::https://oauth2:{T["tf_source"]}@gitlab.example.com/mods/vpc.git?ref=v1"\n'
        "}\n"
        'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'),
    "stack.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Nested:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n"
        "      TemplateURL: https://bucket.s3.amazonaws.com/t.json?X-Amz-Credential=AKIDEXAMPLE"
        f"&X-Amz-Signature={T['cfn_template']}\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"),
    "deploy.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        f"    - name: web\n      image: puller:{T['k8s_image']}@registry.example.com/web:latest\n"),
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("creds") / "repo"
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    reports = root.parent / "reports"
    reports.mkdir()
    found: dict[str, str] = {}
    for fmt in ("text", "json", "markdown"):
        args = [sys.executable, "-m", "gate", "run", str(root), "--no-post", "--no-cache",
                "--checks", "iac,secrets", "--format", fmt]
        if fmt == "json":
            args += [arg for name in FORMATS
                     for arg in ("--report", f"{name}={reports / ('gate.' + name)}")]
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300,
                              env={**os.environ, "NO_COLOR": "1"})
        assert done.returncode == 1, done.stderr
        found[f"stdout-{fmt}"] = done.stdout
        found[f"stderr-{fmt}"] = done.stderr
    for name in FORMATS:
        found[f"report-{name}"] = (reports / f"gate.{name}").read_text(encoding="utf-8")
    return found


def test_every_format_was_written(outputs: dict[str, str]) -> None:
    assert sorted(k for k in outputs if k.startswith("report-")) == sorted(
        f"report-{name}" for name in FORMATS)
    assert REDACTED in outputs["report-json"]  # the rules did quote the redacted URLs


@pytest.mark.parametrize("field", sorted(TOKENS))
def test_no_planted_credential_in_any_output(outputs: dict[str, str], field: str) -> None:
    leaks = [name for name, text in outputs.items() if TOKENS[field] in text]
    assert leaks == []


@pytest.mark.parametrize(("text", "expected"), [
    ("ADD https://u:p4ss@h.example/x.tgz", f"ADD https://{REDACTED}@h.example/x.tgz"),
    ("https://ghp_token@github.com/o/r", f"https://{REDACTED}@github.com/o/r"),
    ("x.yml?private_token=glpat-1&ref=main", f"x.yml?private_token={REDACTED}&ref=main"),
    ("u?X-Amz-Signature=abc&X-Amz-Date=1", f"u?X-Amz-Signature={REDACTED}&X-Amz-Date=1"),
    ("u?a=1&access_token=t&sig=s&key=k&password=p&api_key=a&secret=s2",
     f"u?a=1&access_token={REDACTED}&sig={REDACTED}&key={REDACTED}&password={REDACTED}"
     f"&api_key={REDACTED}&secret={REDACTED}"),
    ("image bob:s3cret@registry.example.com/app:1", f"image {REDACTED}@registry.example.com/app:1"),
    ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
    ("mail ops@example.com", "mail ops@example.com"),
    ("runs image nginx:latest", "runs image nginx:latest"),
    ("u?ref=main&page=2", "u?ref=main&page=2"),
])
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def _finding(message: str) -> Finding:
    return Finding(check="iac", rule_id="R1", severity=3, message=message,  # type: ignore[arg-type]
                   location=Location("Dockerfile", 2, 2),
                   fingerprint=content_fingerprint("iac", "R1", "Dockerfile", message),
                   related=(RelatedLocation(Location("x", 1, 1), message),),
                   extra=(("resource", message),))


def test_a_redacted_finding_gets_a_keyed_fingerprint() -> None:
    leaky = _finding("ADDs https://u:tok@h.example/a without a checksum")
    clean = redact_finding(leaky)
    assert clean.message == f"ADDs https://{REDACTED}@h.example/a without a checksum"
    assert clean.related[0].message == clean.message and clean.extra[0][1] == clean.message
    assert clean.fingerprint != leaky.fingerprint and len(clean.fingerprint) == 32
    assert redact_finding(leaky).fingerprint == clean.fingerprint  # stable across runs
    assert redact_finding(clean) is clean  # idempotent: no second re-fingerprinting
    harmless = _finding("runs as root")
    assert redact_finding(harmless) is harmless


def test_results_are_redacted_whole() -> None:
    result = CheckResult(check="dependencies", tool="pip-audit", tool_version="1",
                         findings=(_finding("https://u:t@h.example"),),
                         not_scanned=(NotScanned("req.txt", "index https://u:t@pypi.example"),),
                         errors=("cannot reach https://u:t@pypi.example/simple",),
                         warnings=("retrying ?token=abc",))
    clean = redact_result(result)
    text = repr(clean)
    assert "u:t@" not in text and "token=abc" not in text
    assert clean.errors == (f"cannot reach https://{REDACTED}@pypi.example/simple",)


LEAK = "https://u:tok@h.example/a"


@pytest.mark.parametrize("field", ["message", "title", "fix", "help_url", "suppression_reason",
                                   "suppression_source", "extra", "related", "flow"])
def test_a_credential_in_any_one_text_field_is_redacted(field: str) -> None:
    """Each free-text field alone is enough for the finding to be looked at (the shortcut
    that returns a finding as it is must see every field)."""
    from dataclasses import replace

    from gate.findings import FlowStep, Suppression

    plain = _finding("plain message")
    plain = replace(plain, related=(), extra=())
    where = Location("x", 1, 1)
    leaky = {
        "message": replace(plain, message=LEAK),
        "title": replace(plain, title=LEAK),
        "fix": replace(plain, fix=LEAK),
        "help_url": replace(plain, help_url=LEAK),
        "suppression_reason": replace(plain, suppression=Suppression("inline", reason=LEAK)),
        "suppression_source": replace(plain, suppression=Suppression("inline", source=LEAK)),
        "extra": replace(plain, extra=(("resource", LEAK),)),
        "related": replace(plain, related=(RelatedLocation(where, LEAK),)),
        "flow": replace(plain, flow=(FlowStep(where, LEAK),)),
    }[field]
    clean = redact_finding(leaky)
    assert "u:tok@" not in repr(clean)
    assert REDACTED in repr(clean)
    assert clean.fingerprint != leaky.fingerprint

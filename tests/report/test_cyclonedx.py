"""The CycloneDX 1.6 SBOM: the real dependencies check, offline, on three kinds of manifest.

A repository pins ``requests`` in requirements.txt, ``pyyaml`` in poetry.lock and
``paramiko`` and ``py`` in uv.lock; the check audits them against the OSV
fixtures (tests/fixtures/osv) and the SBOM must list each vulnerable component
with its advisories, and validate against the CycloneDX 1.6 schema (the
library's own validator).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from gate.cli.main import main

OSV = Path(__file__).resolve().parents[1] / "fixtures" / "osv"
FILES = {
    "requirements.txt": "requests==2.19.1\n",
    "poetry.lock": ('[[package]]\nname = "pyyaml"\nversion = "5.3.1"\n\n'
                    '[metadata]\nlock-version = "2.0"\n'),
    "uv.lock": ('version = 1\nrequires-python = ">=3.10"\n\n'
                '[[package]]\nname = "paramiko"\nversion = "2.0.1"\n'
                'source = { registry = "https://pypi.org/simple" }\n\n'
                '[[package]]\nname = "py"\nversion = "1.11.0"\n'
                'source = { registry = "https://pypi.org/simple" }\n'),
}


@pytest.fixture(scope="module")
def sbom(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("sbom") / "repo"
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    out = root.parent / "bom.json"
    code = main(["run", str(root), "--checks", "dependencies", "--vuln-db", str(OSV),
                 "--no-post", "--no-cache", "--format", "json", "--report", f"cyclonedx={out}"])
    assert code == 1
    text = out.read_text(encoding="utf-8")
    return text, json.loads(text)


def test_validates_against_the_cyclonedx_1_6_schema(sbom: tuple[str, dict[str, Any]]) -> None:
    text, doc = sbom
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", "1.6")


def test_lists_each_vulnerable_component_with_its_advisories(
        sbom: tuple[str, dict[str, Any]]) -> None:
    _, doc = sbom
    components = {c["bom-ref"]: [p["value"] for p in c.get("properties", [])]
                  for c in doc["components"]}
    assert components == {
        "pkg:pypi/paramiko@2.0.1": ["uv.lock"],
        "pkg:pypi/py@1.11.0": ["uv.lock"],
        "pkg:pypi/pyyaml@5.3.1": ["poetry.lock"],
        "pkg:pypi/requests@2.19.1": ["requirements.txt"],
    }
    affects = {v["id"]: [a["ref"] for a in v["affects"]] for v in doc["vulnerabilities"]}
    assert affects == {
        "PYSEC-2018-19": ["pkg:pypi/paramiko@2.0.1"],
        "PYSEC-2018-28": ["pkg:pypi/requests@2.19.1"],
        "PYSEC-2021-142": ["pkg:pypi/pyyaml@5.3.1"],
        "PYSEC-2022-42969": ["pkg:pypi/py@1.11.0"],
    }
    requests = next(v for v in doc["vulnerabilities"] if v["id"] == "PYSEC-2018-28")
    assert requests["recommendation"] == "Upgrade to 2.20.0"
    assert {r["id"] for r in requests["references"]} >= {"CVE-2018-18074"}
    assert requests["analysis"]["state"] == "in_triage"
    py = next(v for v in doc["vulnerabilities"] if v["id"] == "PYSEC-2022-42969")
    assert py["analysis"]["response"] == ["can_not_fix"]

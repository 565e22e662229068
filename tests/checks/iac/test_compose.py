"""Docker Compose files: found by name, one resource per service, findings on the setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from iac_support import scan

from gate.checks.iac.interface import Framework
from gate.checks.iac.parsers import classify


@pytest.mark.parametrize(("path", "expected"), [
    ("compose.yaml", Framework.COMPOSE), ("deploy/docker-compose.yml", Framework.COMPOSE),
    ("docker-compose.prod.yaml", Framework.COMPOSE), ("compose.override.yml", Framework.COMPOSE),
    ("composer.yaml", "sniff"), ("my-compose.yml", "sniff"), ("compose.py", None),
])
def test_compose_files_are_found_by_name(path: str, expected: object) -> None:
    assert classify(path) == expected


def test_findings_point_at_the_setting(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        "    image: nginx@sha256:" + "a" * 64 + "\n"
        "    privileged: true  # the flaw\n"
        "    volumes:\n"
        "      - ./site:/usr/share/nginx/html:ro\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n")
    _loaded, result = scan(tmp_path)
    assert sorted((f.rule_id, f.location.start_line) for f in result.findings) == [
        ("GATE-COMPOSE-001", 4), ("GATE-COMPOSE-003", 7)]
    assert {dict(f.extra)["resource"] for f in result.findings} == {"services.web"}


@pytest.mark.parametrize(("text", "reason"), [
    ("- just\n- a list\n", "a Compose file must be a mapping"),
    ("services: [web]\n", "services must be a mapping"),
    ("services:\n  web: {image: [\n", "invalid YAML"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "services: {x: {image: *f}}\n", ""),
])
def test_hostile_or_malformed_files_are_not_scanned(tmp_path: Path, text: str,
                                                    reason: str) -> None:
    (tmp_path / "docker-compose.yml").write_text(text)
    loaded, result = scan(tmp_path)
    assert [n.path for n in loaded.not_scanned] == ["docker-compose.yml"]
    assert reason in loaded.not_scanned[0].reason
    assert result.findings == ()

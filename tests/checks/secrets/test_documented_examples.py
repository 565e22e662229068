"""Credentials AWS publishes in its own documentation are examples wherever they appear; a
random key of the same shape beside them still fails."""

from __future__ import annotations

import random
import string
from pathlib import Path

from gate.checks.secrets import scan_files
from gate.findings import Severity

RNG = random.Random(406)
ALPHABET = string.ascii_letters + string.digits + "+/"


def test_the_s3_developer_guide_signing_example_is_an_example(tmp_path: Path) -> None:
    # Amazon S3 Developer Guide (2006-03-01), request authentication examples
    (tmp_path / "test_signing.py").write_text(
        'settings = {"AWS_ACCESS_KEY_ID": "0PN5J17HBGZHT7JJ3X82",\n'
        '            "AWS_SECRET_ACCESS_KEY": "uV3F3YluFJax1cknvbcGwgjvx4QpvB+leU8dUj2o"}\n',
        encoding="utf-8")
    findings = scan_files(tmp_path, ["test_signing.py"]).findings
    assert [(f.rule_id, f.severity, dict(f.extra)["classification"]) for f in findings
            if f.rule_id == "GATE-SECRET-AWS-SECRET-ACCESS-KEY"] == [
        ("GATE-SECRET-AWS-SECRET-ACCESS-KEY", Severity.LOW, "example")]


def test_a_random_secret_key_in_the_same_place_fails(tmp_path: Path) -> None:
    secret = "".join(RNG.choice(ALPHABET) for _ in range(40))
    (tmp_path / "test_signing.py").write_text(
        f'settings = {{"AWS_SECRET_ACCESS_KEY": "{secret}"}}\n', encoding="utf-8")
    findings = scan_files(tmp_path, ["test_signing.py"]).findings
    assert [(f.rule_id, f.severity) for f in findings
            if f.rule_id == "GATE-SECRET-AWS-SECRET-ACCESS-KEY"] == [
        ("GATE-SECRET-AWS-SECRET-ACCESS-KEY", Severity.CRITICAL)]

"""An AWS key id glued inside a longer run of letters and digits (a font in an SVG ``data:``
URI) is not a key id: detect-secrets' pattern has no boundary, gitleaks', trufflehog's and
GitHub's do. A free-standing key id on the same kind of line still fails."""

from __future__ import annotations

import base64
import random
import string
from pathlib import Path

from gate.checks.secrets import scan_files
from gate.findings import Severity

RNG = random.Random(2027)


def _key_id() -> str:
    return "ABIA" + "".join(RNG.choice(string.ascii_uppercase + "234567") for _ in range(16))


def _blob_with(key_id: str) -> str:
    """Base64 font data with the key id's characters somewhere inside one long run."""
    head = base64.b64encode(RNG.randbytes(300)).decode().rstrip("=")
    tail = base64.b64encode(RNG.randbytes(300)).decode().rstrip("=")
    return head + key_id + tail


def test_key_id_inside_a_base64_run_is_low_with_its_reason(tmp_path: Path) -> None:
    svg = f'<svg> url("data:font/woff2;base64,{_blob_with(_key_id())}")</svg>\n'
    (tmp_path / "logo.svg").write_text(svg, encoding="utf-8")
    findings = [f for f in scan_files(tmp_path, ["logo.svg"]).findings
                if f.rule_id == "AWS Access Key"]
    assert [(f.severity, dict(f.extra)["reason"]) for f in findings] == [
        (Severity.LOW, "inside a longer run of letters and digits (no token boundary): "
                       "not a key id")]


def test_free_standing_key_id_beside_a_glued_one_still_fails(tmp_path: Path) -> None:
    key_id = _key_id()
    line = f'blob = "{_blob_with(key_id)}"; key = "{key_id}"\n'
    (tmp_path / "config.py").write_text(line, encoding="utf-8")
    findings = [f for f in scan_files(tmp_path, ["config.py"]).findings
                if "AWS Access Key" in (f.rule_id, *f.aliases)]
    # our own detector (with its boundary) names the free-standing one; the glued one adds nothing
    assert [(f.rule_id, f.severity) for f in findings] == [
        ("GATE-SECRET-AWS-ACCESS-KEY-ID", Severity.CRITICAL)]

"""The secrets check against real detect-secrets, over fixture trees with planted fake secrets.

Every fake value is assembled at run time so that this file itself holds no
detectable secret (the gate scans its own repository too).
"""

from __future__ import annotations

import base64
import hashlib
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

import pytest

from gate.checks.interface import CheckResult
from gate.checks.secrets import SecretsCheck, scan_files
from gate.checks.secrets.detectors.checksums import base62_crc32
from gate.checks.secrets.rules import KNOWN_TYPES, severity_for
from gate.findings import Finding, Severity

if TYPE_CHECKING:  # the fixture's class, from tests/checks/conftest.py
    from conftest import SourceTree

AWS_KEY = "AKIA" + "Z7Q4M2X7K3W6P5R2"  # base32 after the prefix, like a real key id
AWS_KEY_2 = "AKIA" + "J5T6N2V6Q2H7L4C3"


def github_token(body: str) -> str:
    """A classic GitHub token whose CRC32 suffix holds (built here, never stored)."""
    return "ghp_" + body + base62_crc32(body)


GITHUB_TOKEN = github_token("wWPw5k4aXcaT" + "4fNP0UcnZwJU" + "VFk6LO")
GITHUB_TOKEN_2 = github_token("R3mK8vQz1XwN" + "6tYb0LpC4sDf" + "7HgJ2a")
HIGH_ENTROPY = "q8Fz3LmP0x" + "R7vT2kW9yB" + "4nC6hJ1sD5" + "gAeUoI"


def private_key(seed: str) -> str:
    """A PEM-shaped fake RSA key whose body depends on ``seed``."""
    body, block = [], hashlib.sha256(seed.encode()).digest()
    for _ in range(6):
        block = hashlib.sha512(block).digest()
        body.append(base64.b64encode(block).decode()[:64])
    begin, end = "-----BEGIN " + "RSA PRIVATE KEY-----", "-----END " + "RSA PRIVATE KEY-----"
    return "\n".join([begin, *body, end]) + "\n"


def raw_values() -> list[str]:
    """Every planted value, and the key bodies, that must never appear in a result."""
    keys = [line for seed in ("one", "two") for line in private_key(seed).splitlines()[1:-1]]
    return [AWS_KEY, AWS_KEY_2, GITHUB_TOKEN, GITHUB_TOKEN_2, HIGH_ENTROPY, *keys]


def by_type(result: CheckResult | object, secret_type: str) -> list[Finding]:
    """The findings of one secret type (ours, or detect-secrets' as an alias), by (path, line)."""
    findings: tuple[Finding, ...] = result.findings  # type: ignore[attr-defined]
    return sorted((f for f in findings if secret_type in (f.rule_id, *f.aliases)),
                  key=lambda f: (f.path, f.start_line or 0))


def scan_one(tree: SourceTree, rel: str, content: str | bytes) -> CheckResult:
    """Write one file and run the check over it."""
    tree.write(rel, content)
    return SecretsCheck().run(tree.target(rel))


@pytest.fixture
def planted(source_tree: SourceTree) -> SourceTree:
    """A tree with one secret of each kind, at known lines."""
    source_tree.write("app/config.py", f'"""Settings."""\nAWS_KEY = "{AWS_KEY}"\n')
    source_tree.write("deploy/key.txt", "deploy key, do not share\n\n" + private_key("one"))
    source_tree.write("scripts/release.sh", f"#!/bin/sh\nexport GH_TOKEN={GITHUB_TOKEN}\n")
    source_tree.write("conf/settings.yaml", f"service:\n  name: web\n  blob: {HIGH_ENTROPY}\n")
    source_tree.write("app/clean.py", "def add(a, b):\n    return a + b\n")
    return source_tree


# --- planted secrets --------------------------------------------------------------------------


def test_planted_secrets_are_found_with_path_line_and_type(planted: SourceTree) -> None:
    result = SecretsCheck().run(planted.target())

    assert {(f.rule_id, f.aliases, f.path, f.start_line) for f in result.findings} == {
        ("GATE-SECRET-AWS-ACCESS-KEY-ID", ("AWS Access Key",), "app/config.py", 2),
        ("GATE-SECRET-PRIVATE-KEY", ("Private Key",), "deploy/key.txt", 3),
        ("GATE-SECRET-GITHUB-PAT", ("GitHub Token",), "scripts/release.sh", 2),
        ("Base64 High Entropy String", (), "conf/settings.yaml", 3),
    }
    assert result.check == "secrets" and result.tool == "detect-secrets" and result.tool_version
    assert result.status == "ok" and result.not_scanned == () and result.files_scanned == 5


def test_findings_carry_severity_message_and_no_value(planted: SourceTree) -> None:
    result = SecretsCheck().run(planted.target())

    severities = {f.rule_id: f.severity for f in result.findings}
    assert severities == {
        "GATE-SECRET-AWS-ACCESS-KEY-ID": Severity.CRITICAL,
        "GATE-SECRET-PRIVATE-KEY": Severity.LOW,  # the planted body is not DER: a look-alike
        "GATE-SECRET-GITHUB-PAT": Severity.CRITICAL,  # its CRC32 holds
        "Base64 High Entropy String": Severity.MEDIUM,
    }
    messages = {f.rule_id: f.message for f in result.findings}
    assert messages["Base64 High Entropy String"] == "Base64 High Entropy String found"
    assert messages["GATE-SECRET-GITHUB-PAT"] == (
        "GitHub personal access token (classic) (checksum-valid)")
    for finding in result.findings:
        assert finding.check == "secrets"
        assert finding.cwe == ("CWE-798",)
        assert finding.suppression is None
        assert len(finding.fingerprint) == 32


def test_raw_values_never_leave_the_scan(planted: SourceTree) -> None:
    planted.write("more.py", f'a = "{AWS_KEY_2}"\nb = "{GITHUB_TOKEN_2}"\n'
                             + private_key("two"))

    result = SecretsCheck().run(planted.target())

    text, dumped = repr(result), pickle.dumps(result)
    assert len(result.findings) >= 7
    for value in raw_values():
        assert value not in text
        assert value.encode() not in dumped
        # nor detect-secrets' unsalted SHA-1 of it
        assert hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest() not in text


def test_one_finding_per_secret_when_several_detectors_agree(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, "token.py", f'token = "{GITHUB_TOKEN}"\n')

    [token] = result.findings
    assert token.rule_id == "GATE-SECRET-GITHUB-PAT"
    assert token.aliases == ("GitHub Token", "Base64 High Entropy String")
    assert dict(token.extra)["also_detected_as"] == "GitHub Token, Base64 High Entropy String"
    assert dict(token.extra)["live_format"] == "true"


def test_clean_file_has_no_findings(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, "clean.py", "def add(a, b):\n    return a + b\n")

    assert result.findings == () and result.not_scanned == () and result.files_scanned == 1


def test_no_files_is_an_empty_ok_result(source_tree: SourceTree) -> None:
    result = SecretsCheck().run(source_tree.target())

    assert result.findings == () and result.status == "ok" and result.files_scanned == 0


# --- inline suppressions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line_2", "source", "reason", "rules"),
    [
        (f'key = "{AWS_KEY}"  # pragma: allowlist secret',
         "f.py:2 # pragma: allowlist secret", None, ()),
        (f'key = "{AWS_KEY}"  # pragma: allowlist secret - documented example',
         "f.py:2 # pragma: allowlist secret", "documented example", ()),
        (f'key = "{AWS_KEY}"  # gate:ignore[AWS Access Key] revoked 2024-05',
         "f.py:2 # gate:ignore", "revoked 2024-05", ("AWS Access Key",)),
        (f'key = "{AWS_KEY}"  # gate:ignore[GitHub Token, aws access key]',
         "f.py:2 # gate:ignore", None, ("GitHub Token", "aws access key")),
    ],
)
def test_marker_becomes_suppression(source_tree: SourceTree, line_2: str, source: str,
                                    reason: str | None, rules: tuple[str, ...]) -> None:
    result = scan_one(source_tree, "f.py", f"x = 1\n{line_2}\n")

    [key] = by_type(result, "AWS Access Key")
    assert key.suppression is not None
    assert key.suppression.kind == "inline"
    assert key.suppression.source == source
    assert key.suppression.reason == reason
    assert key.suppression.rules == rules
    assert AWS_KEY not in repr(result)


def test_nextline_pragma_is_reported_with_its_own_line(source_tree: SourceTree) -> None:
    content = f'# pragma: allowlist nextline secret\nkey = "{AWS_KEY}"\n'

    [key] = by_type(scan_one(source_tree, "f.py", content), "AWS Access Key")

    assert key.suppression is not None
    assert key.suppression.source == "f.py:1 # pragma: allowlist nextline secret"


@pytest.mark.parametrize(
    "comment",
    [
        "# gate:ignore[GitHub Token] not this one",
        "# gate:ignore[] no rule named",
        "# pragma: allowlist something-else",
    ],
)
def test_marker_for_other_types_does_not_suppress(source_tree: SourceTree, comment: str) -> None:
    result = scan_one(source_tree, "f.py", f'key = "{AWS_KEY}"  {comment}\n')

    [key] = by_type(result, "AWS Access Key")
    assert key.suppression is None


def test_secret_quoted_in_the_marker_reason_is_redacted(source_tree: SourceTree) -> None:
    content = f"K={AWS_KEY}  # gate:ignore[AWS Access Key] old key {AWS_KEY} was revoked\n"

    result = scan_one(source_tree, "f.env", content)

    [key] = by_type(result, "AWS Access Key")
    assert key.suppression is not None
    assert key.suppression.reason == "old key [REDACTED] was revoked"
    assert AWS_KEY not in repr(result)


def test_our_marker_does_not_make_detect_secrets_drop_the_line(source_tree: SourceTree) -> None:
    # detect-secrets' indirect-reference heuristic reads "gate:ignore[x]" as code
    # ("name: call[...]") and would drop the line, turning the marker into a
    # silent suppression; the gate's replacement filter ignores the marker.
    result = scan_one(source_tree, "f.py", f'key = "{AWS_KEY}"  # gate:ignore[Nothing]\n')

    [key] = by_type(result, "AWS Access Key")
    assert key.suppression is None


def test_indirect_references_are_still_filtered(source_tree: SourceTree) -> None:
    content = 'api_key = os.environ["API_KEY"]\npassword = get_secret("db")\n'

    assert scan_one(source_tree, "f.py", content).findings == ()


def test_nextline_pragma_after_code_does_not_count(source_tree: SourceTree) -> None:
    content = f'x = 1  # pragma: allowlist nextline secret\nkey = "{AWS_KEY}"\n'

    [key] = by_type(scan_one(source_tree, "f.py", content), "AWS Access Key")

    assert key.suppression is None


# --- files detect-secrets cannot read ---------------------------------------------------------


def test_undecodable_file_is_streamed_not_skipped(source_tree: SourceTree) -> None:
    source_tree.write("ok.py", f'key = "{AWS_KEY}"\n')
    source_tree.write("latin1.cfg", b"name = caf\xe9\nline two\n")

    result = SecretsCheck().run(source_tree.target())

    assert result.not_scanned == ()  # streamed byte for byte: tests/checks/secrets/test_stream.py
    assert [f.path for f in result.findings] == ["ok.py"]
    assert result.files_scanned == 2


def test_binary_file_detect_secrets_skips_by_name_is_read_for_keys(source_tree: SourceTree) -> None:
    result = scan_one(source_tree, "logo.png", b"\x89PNG\r\n\x1a\n\x00\xff\xfe" + AWS_KEY.encode())

    assert [(f.rule_id, f.path) for f in result.findings] == [
        ("GATE-SECRET-AWS-ACCESS-KEY-ID", "logo.png")]
    assert result.not_scanned == ()


def test_missing_file_is_not_scanned(source_tree: SourceTree) -> None:
    result = SecretsCheck().run(source_tree.target("gone.env"))

    [skipped] = result.not_scanned
    assert skipped.path == "gone.env" and "could not read" in skipped.reason


def test_detect_secrets_settings_are_restored(planted: SourceTree) -> None:
    from detect_secrets.settings import get_settings

    before = (sorted(get_settings().filters), sorted(get_settings().plugins))

    SecretsCheck().run(planted.target())

    assert (sorted(get_settings().filters), sorted(get_settings().plugins)) == before


# --- fingerprints -----------------------------------------------------------------------------


def test_fingerprint_survives_a_line_shift(source_tree: SourceTree) -> None:
    [before] = scan_one(source_tree, "f.py", f'key = "{AWS_KEY}"\n').findings
    [after] = scan_one(source_tree, "f.py", f'"""Doc."""\n\n\n    key  =  "{AWS_KEY}"\n').findings

    assert (before.start_line, after.start_line) == (1, 4)
    assert after.fingerprint == before.fingerprint


def test_different_secrets_get_different_fingerprints(source_tree: SourceTree) -> None:
    [one] = scan_one(source_tree, "f.py", f'key = "{AWS_KEY}"\n').findings
    [two] = scan_one(source_tree, "f.py", f'key = "{AWS_KEY_2}"\n').findings
    [moved] = scan_one(source_tree, "g.py", f'key = "{AWS_KEY}"\n').findings

    assert len({one.fingerprint, two.fingerprint, moved.fingerprint}) == 3


def test_github_tokens_are_told_apart(source_tree: SourceTree) -> None:
    # detect-secrets reports only the "ghp" prefix as the value; the key must not collide
    result = scan_one(source_tree, "f.sh", f"A={GITHUB_TOKEN}\nB={GITHUB_TOKEN_2}\n")

    tokens = by_type(result, "GitHub Token")
    assert len(tokens) == 2 and tokens[0].fingerprint != tokens[1].fingerprint


def test_repeated_secret_is_reported_at_each_line(source_tree: SourceTree) -> None:
    content = f'a = "{AWS_KEY}"\nb = 2\nc = "{AWS_KEY}"\n'

    keys = by_type(scan_one(source_tree, "f.py", content), "AWS Access Key")

    assert [k.start_line for k in keys] == [1, 3]
    assert keys[0].fingerprint != keys[1].fingerprint


def test_private_keys_are_fingerprinted_by_their_body(source_tree: SourceTree) -> None:
    both = by_type(scan_one(source_tree, "k.txt", private_key("one") + private_key("two")),
                   "Private Key")
    [alone] = scan_one(source_tree, "k.txt", "\n\n" + private_key("two")).findings

    assert [k.start_line for k in both] == [1, 9]
    assert both[0].fingerprint != both[1].fingerprint
    assert alone.fingerprint in {k.fingerprint for k in both}


def test_scan_files_is_picklable_for_a_process_pool(planted: SourceTree) -> None:
    scan = scan_files(planted.root, (*planted.files, "gone.cfg"))

    assert pickle.loads(pickle.dumps(scan)) == scan
    assert scan.findings and scan.not_scanned


def test_scan_files_runs_in_a_spawned_worker(planted: SourceTree) -> None:
    # a fresh interpreter must find the gate's own detect-secrets filter by import path
    here = scan_files(planted.root, planted.files)

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        scan = pool.submit(scan_files, planted.root, planted.files).result()

    assert scan == here


# --- severity table ---------------------------------------------------------------------------


def test_every_builtin_detect_secrets_type_has_a_rated_severity() -> None:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    assert set(get_mapping_from_secret_type_to_class()) <= KNOWN_TYPES


@pytest.mark.parametrize(
    ("secret_type", "severity"),
    [
        ("Private Key", Severity.CRITICAL),
        ("AWS Access Key", Severity.CRITICAL),
        ("Basic Auth Credentials", Severity.HIGH),
        ("JSON Web Token", Severity.HIGH),
        ("Slack Token", Severity.HIGH),
        ("Secret Keyword", Severity.MEDIUM),
        ("Hex High Entropy String", Severity.MEDIUM),
        ("Public IP (ipv4)", Severity.LOW),
        ("Some Future Token", Severity.HIGH),
    ],
)
def test_severity_table(secret_type: str, severity: Severity) -> None:
    assert severity_for(secret_type) is severity

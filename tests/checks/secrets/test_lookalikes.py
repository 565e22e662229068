"""Issue 11 item 2 through the real check: placeholders, examples, digests and development
credentials are reported (fidelity) at ``low``; real ones keep their severity.

Values are assembled at run time; none is a real credential.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from gate.checks.secrets import SecretsCheck
from gate.checks.secrets.detectors.checksums import b64decode_loose, bech32_valid, der_sequence
from gate.checks.secrets.detectors.samples import positive
from gate.checks.secrets.detectors.web import is_dev_host
from gate.findings import Finding, Severity

if TYPE_CHECKING:
    from conftest import SourceTree

PASSWORD = "Tr0ub4dor" + "-and-3"


def only(tree: SourceTree, content: str) -> Finding:
    tree.write("f.py", content + "\n")
    [finding] = SecretsCheck().run(tree.target("f.py")).findings
    return finding


@pytest.mark.parametrize("host", [
    "localhost", "127.0.0.1", "[::1]", "0.0.0.0", "postgres", "redis", "db", "api.test",
    "printer.local", "svc.example", "example.com", "db.example.org", "host.docker.internal"])
def test_url_credentials_to_development_hosts_are_low(source_tree: SourceTree, host: str) -> None:
    finding = only(source_tree, f'URL = "postgres://app:{PASSWORD}@{host}:5432/app"')

    assert finding.rule_id == "GATE-SECRET-URL-CREDENTIALS"
    assert finding.aliases == ("Basic Auth Credentials",)  # detect-secrets' hit, kept
    assert finding.severity is Severity.LOW
    extra = dict(finding.extra)
    assert extra["dev_credential"] == "true" and extra["classification"] == "dev-credential"
    assert "live_format" not in extra


@pytest.mark.parametrize("host", ["db.prod.acme-corp.com", "10.0.4.17", "rds.amazonaws.com"])
def test_url_credentials_to_real_hosts_stay_high(source_tree: SourceTree, host: str) -> None:
    finding = only(source_tree, f'URL = "postgres://app:{PASSWORD}@{host}:5432/app"')

    assert (finding.rule_id, finding.severity) == ("GATE-SECRET-URL-CREDENTIALS", Severity.HIGH)
    assert "dev_credential" not in dict(finding.extra)


@pytest.mark.parametrize("value", ["changeme", "REPLACE_ME", "your-api-key-here", "<token>",
                                   "${DB_PASSWORD}x", "{{ vault_password }}", "xxxxxxxxxxxx"])
def test_placeholder_keyword_values_are_low(source_tree: SourceTree, value: str) -> None:
    source_tree.write("f.py", f'password = "{value}"\n')

    findings = SecretsCheck().run(source_tree.target("f.py")).findings

    # detect-secrets drops some templates itself; whatever it reports is a low placeholder
    assert [(f.rule_id, f.severity, dict(f.extra)["classification"]) for f in findings] in (
        [], [("Secret Keyword", Severity.LOW, "placeholder")])
    if value in ("changeme", "REPLACE_ME", "your-api-key-here", "xxxxxxxxxxxx"):
        assert findings


def test_documented_aws_example_keys_never_fail(source_tree: SourceTree) -> None:
    source_tree.write("f.py", 'key = "AKIA' + 'IOSFODNN7EXAMPLE"\n'
                      'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY"\n')

    findings = SecretsCheck().run(source_tree.target()).findings

    assert findings and max(f.severity for f in findings) is Severity.LOW
    assert {dict(f.extra)["classification"] for f in findings} == {"example"}
    assert "AWS Access Key" in {a for f in findings for a in (f.rule_id, *f.aliases)}


def test_digests_and_uuids_are_not_secrets(source_tree: SourceTree) -> None:
    rng = random.Random(3)
    digest = "".join(rng.choice("0123456789abcdef") for _ in range(64))
    source_tree.write("f.py", f'image = "python@sha256:{digest}"\n'
                      f'commit_sha = "{digest[:40]}"\n')

    findings = SecretsCheck().run(source_tree.target()).findings

    assert not [f for f in findings if f.severity > Severity.LOW]


def test_a_live_github_token_fails_in_tests_too(source_tree: SourceTree) -> None:
    # the context rule (tests/ does not fail) is the context helper's; our contract is the flag
    source_tree.write("tests/test_api.py", positive("GATE-SECRET-GITHUB-PAT", random.Random(9))
                      + "\n")

    [finding] = SecretsCheck().run(source_tree.target()).findings

    assert finding.severity is Severity.CRITICAL
    assert dict(finding.extra)["live_format"] == "true"


def test_jwt_expired_or_unsigned_is_low(source_tree: SourceTree) -> None:
    import base64
    import json

    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    unsigned = f'{part({"alg": "none"})}.{part({"sub": "someone-here-1"})}.'
    finding = only(source_tree, f'TOKEN = "{unsigned}"')

    assert (finding.rule_id, finding.severity) == ("GATE-SECRET-JWT", Severity.LOW)
    assert dict(finding.extra)["classification"] == "weak"


def test_pem_header_with_a_placeholder_body_is_low(source_tree: SourceTree) -> None:
    source_tree.write("README.md", "```\n-----BEGIN RSA " + "PRIVATE KEY-----\n...\n"
                      "-----END RSA " + "PRIVATE KEY-----\n```\n")

    [finding] = SecretsCheck().run(source_tree.target()).findings

    assert (finding.rule_id, finding.aliases) == ("GATE-SECRET-PRIVATE-KEY", ("Private Key",))
    assert finding.severity is Severity.LOW


def test_a_parsing_private_key_is_critical_without_live_format(source_tree: SourceTree) -> None:
    source_tree.write("key.pem", positive("GATE-SECRET-PRIVATE-KEY", random.Random(2)) + "\n")

    [finding] = SecretsCheck().run(source_tree.target()).findings

    assert (finding.rule_id, finding.severity) == ("GATE-SECRET-PRIVATE-KEY", Severity.CRITICAL)
    assert "live_format" not in dict(finding.extra)  # TLS fixtures in tests: context decides


def test_checksum_helpers() -> None:
    assert b64decode_loose("not base64!") is None
    assert der_sequence(b"\x30\x03\x02\x01\x00") is None  # too short to be a key
    assert der_sequence(b"\x30\x06\x02\x01\x00\x02\x01\x05")[0] == (0x02, b"\x00")  # type: ignore[index]
    assert not bech32_valid("AGE-SECRET-KEY-1" + "Q" * 58)
    assert is_dev_host("CI-SERVICE") and not is_dev_host("example.co.uk")


def test_key_formats_parse_or_not() -> None:
    import base64

    from gate.checks.secrets.detectors.aws import account_id
    from gate.checks.secrets.detectors.keys import validate_pem

    def string(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    private = b"\x01\x02\x03\x04" * 2 + bytes(120)  # check integers equal: unencrypted
    raw = (b"openssh-key-v1\x00" + string(b"none") + string(b"none") + string(b"")
           + (1).to_bytes(4, "big") + string(bytes(51)) + string(private))
    body = base64.b64encode(raw).decode()
    assert not validate_pem("-----BEGIN OPENSSH " + "PRIVATE KEY-----\n"
                            + base64.b64encode(raw[:-8]).decode()).ok  # truncated
    openssh = "\n".join(["-----BEGIN OPENSSH " + "PRIVATE KEY-----", body[:70], body[70:],
                         "-----END OPENSSH " + "PRIVATE KEY-----"])
    assert validate_pem(openssh).ok and validate_pem(openssh).severity is None
    assert not validate_pem(openssh.replace(body[:70], "AAAA" * 17 + "AA")).ok
    # the account id in a key id (published by its researcher; an id, not a credential)
    assert account_id("ASIA" + "Y34FZKBOKMUTVV7A") == "609629065308"

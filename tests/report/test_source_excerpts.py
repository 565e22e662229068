"""Excerpts in the terminal report: from the checkout only, bounded, and never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.findings import Finding, Location, Severity
from gate.report.source import SourceLines, mask_line, scrub, secret_lines

# Built at runtime so that no scanner (ours included) flags this file.
KEY = "AKIA" + "Q3JX7N2P9VT4LM8Z"


def _finding(check: str, path: str, line: int, end: int | None = None,
             rule: str = "B602") -> Finding:
    return Finding(check=check, rule_id=rule, severity=Severity.HIGH, message="m",
                   location=Location(path, line, end or line), fingerprint="f")


@pytest.mark.parametrize(("line", "masked"), [
    (f'AWS_KEY = "{KEY}"', "AWS_KEY = ****"),
    (f"    aws_secret_access_key: {KEY}", "    aws_secret_access_key: ****"),
    (f'  "token" => "{KEY}",', '  "token" => ****'),
    (f"{KEY} = 1", "****"),  # the key part itself looks like a secret
    ("-----BEGIN RSA PRIVATE KEY-----", "****"),
    (f"url = 'postgres://app:{KEY}@db/app'", "url = ****"),
])
def test_mask_line(line: str, masked: str) -> None:
    assert mask_line(line) == masked


def test_scrub_masks_tokens_and_url_credentials_but_not_code() -> None:
    assert scrub(f"client = Client(key='{KEY}')") == "client = Client(key='****')"
    assert scrub("requests.get('https://user:hunter2@example.com/x')") == \
        "requests.get('https://[REDACTED]@example.com/x')"
    assert scrub("pull('user:hunter2@registry.example.com/app:1')") == \
        "pull('[REDACTED]@registry.example.com/app:1')"
    assert scrub("url = base + '?private_token=abc'") == "url = base + '?private_token=[REDACTED]'"
    code = "return subprocess_popen_with_shell_equals_true(cmd, shell=True)"
    assert scrub(code) == code


def test_excerpts_mask_lines_the_secrets_check_flagged(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        f'import subprocess\npassword = "{KEY[4:]}"\nsubprocess.call(password, shell=True)\n')
    secret = _finding("secrets", "app.py", 2, rule="Secret Keyword")
    sast = _finding("sast", "app.py", 1, 3)
    source = SourceLines(tmp_path, secret_lines([secret, sast]))
    assert source.excerpt(sast) == [(1, "import subprocess"), (2, "password = ****"),
                                    (3, "subprocess.call(password, shell=True)")]
    assert source.excerpt(secret) == []  # nothing to show for the secret itself


def test_password_rules_are_masked_without_the_secrets_check(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('DB_PASSWORD = "correct horse battery"\n')
    b105 = _finding("sast", "app.py", 1, rule="B105")
    assert SourceLines(tmp_path, secret_lines([b105])).excerpt(b105) == [(1, "DB_PASSWORD = ****")]


def test_no_excerpt_outside_the_checkout_or_from_odd_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "outside.py").write_text("secret stuff\n")
    (repo / "link.py").symlink_to(tmp_path / "outside.py")
    (repo / "blob.bin").write_bytes(b"\x00\x01binary\n")
    (repo / "ctl.py").write_text("x = '\x1b]0;pwned\x07'\n" + "y" * 500 + "\n")
    source = SourceLines(repo)
    for path in ("../outside.py", "link.py", "blob.bin", "/etc/passwd", "missing.py"):
        assert source.excerpt(_finding("sast", path, 1)) == []
    assert source.excerpt(_finding("sast", "ctl.py", 9)) == []  # past the end
    ((_, first), (_, second)) = source.excerpt(_finding("sast", "ctl.py", 1, 2))
    assert first == "x = ' ]0;pwned '"
    assert len(second) == 160 and second.endswith("…")

"""The fast line scanner gives exactly detect-secrets' own ``scan_file`` results.

Differential tests: the same files through both, compared secret by secret
(type, line, value, verification flag). Fake values are assembled at run time
so that this file holds no detectable secret itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from gate.checks.secrets import scan as _secrets_scan
from gate.checks.secrets.plugins import configured_detect_secrets

if TYPE_CHECKING:
    from conftest import SourceTree

REPO = Path(__file__).resolve().parents[3]


def _fake(seed: str, alphabet: str, length: int) -> str:
    digest = hashlib.sha512(seed.encode()).digest() * 4
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
HEX = "0123456789abcdef"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _secret_lines() -> list[str]:
    """One line per detector shape, plus near misses, filtered lines and allowlist pragmas."""
    jwt_head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    jwt_body = base64.urlsafe_b64encode(b'{"sub":"1234567890"}').decode().rstrip("=")
    entropy = _fake("b64", ALNUM + "+/", 40)
    return [
        f'aws = "{"AKIA" + _fake("aws", UPPER, 16)}"',
        f"token: {'ghp_' + _fake('gh', ALNUM, 36)}",
        f"GITLAB={'glpat-' + _fake('gl', ALNUM, 20)}",
        f"slack = '{'xoxb-' + '123456789012-' + _fake('sl', HEX, 24)}'",
        f"stripe_key = \"{'sk_' + 'live_' + _fake('st', ALNUM, 24)}\"",
        f"jwt = '{jwt_head}.{jwt_body}.{_fake('sig', ALNUM, 43)}'",
        f"url = 'https://admin:{_fake('pw', ALNUM, 12)}@example.com/path'",
        f'blob = "{entropy}"',
        f"hexblob = '{_fake('hex', HEX, 48)}'",
        f'password = "{_fake("kw", ALNUM, 14)}"',
        f"db_pass: {_fake('yaml', ALNUM, 12)}",
        "server = '203.0.113.77' ; public = '8.8.4.4'",
        f"twilio = 'AC{_fake('tw', HEX, 32)}'",
        f"sendgrid = 'SG.{_fake('sg1', ALNUM, 22)}.{_fake('sg2', ALNUM, 43)}'",
        f"mailchimp = '{_fake('mc', HEX, 32)}-us12'",
        f"//registry.npmjs.org/:_authToken={_fake('npm', HEX, 8)}-{_fake('npm2', HEX, 4)}-"
        f"{_fake('npm3', HEX, 4)}-{_fake('npm4', HEX, 4)}-{_fake('npm5', HEX, 12)}",
        f"telegram = '{123456789}:{_fake('tg', ALNUM, 35)}'",
        f"artifactory = 'AKC{_fake('art', ALNUM, 70)}'",
        f"azure = 'AccountKey={_fake('az', ALNUM, 86)}=='",
        f'secret = "{entropy}"  # pragma: allowlist secret',
        f'api_key = os.environ["{_fake("ref", UPPER, 12)}"]',
        f"value = config[{_fake('idx', ALNUM, 30)!r}]",
        f"password = lookup[\"{_fake('ind', ALNUM, 20)}\"]",
        f'secret = "{entropy}"  # gate:ignore[Secret Keyword] rotated',
        "password = '${DB_PASSWORD}'",
        "password = 'abcdefghijklmnop'",
        f"id = '{_fake('uuid', HEX, 8)}-{_fake('u2', HEX, 4)}-4{_fake('u3', HEX, 3)}-"
        f"a{_fake('u4', HEX, 3)}-{_fake('u5', HEX, 12)}'",
        "   ",
        "",
    ]


def _private_key() -> str:
    body = [base64.b64encode(hashlib.sha512(str(i).encode()).digest()).decode()[:64]
            for i in range(5)]
    return "\n".join(["-----BEGIN " + "RSA PRIVATE KEY-----", *body,
                      "-----END " + "RSA PRIVATE KEY-----"]) + "\n"


@pytest.fixture
def shapes(source_tree: SourceTree) -> SourceTree:
    """Files of several types (transformers differ by extension) full of secret shapes."""
    lines = _secret_lines()
    source_tree.write("app/settings.py", "\n".join(lines) + "\n")
    source_tree.write("deploy/values.yaml", "db:\n  user: web\n  password: "
                      f"{_fake('yml', ALNUM, 16)}\n  blob: '{_fake('y2', ALNUM, 40)}'\n")
    source_tree.write("conf/app.ini", f"[db]\npassword = {_fake('ini', ALNUM, 16)}\n"
                      f"token = {_fake('ini2', ALNUM, 40)}\n")
    source_tree.write("conf/app.cfg", f"[auth]\nkey: {_fake('cfg', HEX, 40)}\n")
    source_tree.write("keys/id_rsa", _private_key())
    source_tree.write("notes.md", "\n".join(f"* `{line}`" for line in lines) + "\n")
    source_tree.write("crlf.txt", "\r\n".join(lines[:6]) + "\r\n")
    source_tree.write("package-lock.json", '{"integrity": "' + _fake("lock", ALNUM, 60) + '"}\n')
    source_tree.write("empty.txt", "")
    return source_tree


@pytest.fixture(params=["line by line", "whole text"])
def search_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the scanner finds the lines a plugin needs: each plugin's own expressions on
    each line (a process's first lines), and the whole-text search (once it scanned more)."""
    after = 10**9 if request.param == "line by line" else -1
    monkeypatch.setattr(_secrets_scan, "TEXT_SEARCH_AFTER", after)
    return str(request.param)


def _both(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from detect_secrets.core.scan import scan_file as original

    def key(secrets: Iterator[Any]) -> list[tuple[Any, ...]]:
        return sorted((s.type, s.line_number, s.secret_value, s.is_verified) for s in secrets)

    with configured_detect_secrets():
        return key(_secrets_scan.scan_file(str(path))), key(original(str(path)))


def test_same_secrets_as_detect_secrets_on_every_shape(shapes: SourceTree,
                                                      search_mode: str) -> None:
    total = 0
    for rel in shapes.files:
        fast, original = _both(shapes.root / rel)
        assert fast == original, rel
        total += len(fast)
    assert total > 30  # the shapes are actually found, not both empty


def test_same_secrets_as_detect_secrets_on_real_code(search_mode: str) -> None:
    files = sorted(p for p in (REPO / "gate").rglob("*") if p.is_file() and p.suffix != ".pyc")
    files += sorted((REPO / "tests").rglob("*.py"))[:40]
    assert len(files) > 50
    for path in files:
        fast, original = _both(path)
        assert fast == original, path


def test_a_plugin_error_on_a_filtered_line_is_forgiven_as_before(
        shapes: SourceTree, monkeypatch: pytest.MonkeyPatch, search_mode: str) -> None:
    rel = shapes.write("boom.py", "x = 1\nvalue = config['" + _fake("b", ALNUM, 30) + "']\n")
    from detect_secrets.plugins.keyword import KeywordDetector

    real = KeywordDetector.analyze_line

    def analyze_line(self: Any, filename: str, line: str, line_number: int = 0,
                     context: Any = None, **kw: Any) -> Any:
        if "config[" in line:
            raise RuntimeError("plugin bug")
        return real(self, filename=filename, line=line, line_number=line_number, context=context)

    monkeypatch.setattr(KeywordDetector, "analyze_line", analyze_line)
    fast, original = _both(shapes.root / rel)
    assert fast == original == []


def test_unknown_plugins_are_never_skipped() -> None:
    with configured_detect_secrets():
        from detect_secrets.settings import get_plugins

        scanner = _secrets_scan._Scanner(get_plugins())
    gated = {type(p.plugin).__name__ for p in scanner.plugins if p.patterns is not None}
    always = {type(p.plugin).__name__ for p in scanner.plugins if p.patterns is None}
    assert {"KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString"} <= always
    assert {"AWSKeyDetector", "GitHubTokenDetector", "PrivateKeyDetector",
            "JwtTokenDetector"} <= gated  # the JWT detector only filters its denylist's matches
    hinted = {type(p.plugin).__name__ for p in scanner.plugins if p.hint is not None}
    assert hinted == {"KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString"}


def test_a_patched_plugin_loses_its_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from detect_secrets.plugins.keyword import KeywordDetector

    def analyze_line(self: Any, **kw: Any) -> Any:
        return set()

    monkeypatch.setattr(KeywordDetector, "analyze_line", analyze_line)
    with configured_detect_secrets():
        from detect_secrets.settings import get_plugins

        scanner = _secrets_scan._Scanner(get_plugins())
    keyword = [p for p in scanner.plugins if type(p.plugin).__name__ == "KeywordDetector"]
    assert [(p.hint, p.patterns) for p in keyword] == [(None, None)]


def test_the_combined_expression_matches_a_line_iff_one_of_its_parts_does() -> None:
    parts = [re.compile(r"AKIA[0-9A-Z]{16}"), re.compile(r"xox[bp]-\d+", re.IGNORECASE),
             re.compile(r"""
                 (?<![\w.])  # not inside a word
                 ghp_[0-9a-z]{4}
             """, re.IGNORECASE | re.VERBOSE)]
    combined = _secrets_scan._combined(parts)
    assert combined is not None and len(combined) == 3
    lines = ["key = AKIAABCDEFGHIJKLMNOP", "XOXB-12", "a.ghp_abcd", "(ghp_ABCD)", "nothing",
             "akiaabcdefghijklmnop"]
    assert [any(c.search(line) for c in combined) for line in lines] == [
        any(p.search(line) for p in parts) for line in lines] == [
        True, True, False, True, False, False]
    assert _secrets_scan._combined([re.compile(r"(a)\1")]) is None
    assert _secrets_scan._combined([re.compile(r"(?P<x>a)")]) is None


def test_the_whole_text_search_is_compiled_only_past_the_line_budget(shapes: SourceTree) -> None:
    path = shapes.root / "app/settings.py"
    lines = list(enumerate(path.read_text().splitlines(keepends=True), start=1))
    with configured_detect_secrets():
        from detect_secrets.settings import get_plugins

        scanner = _secrets_scan._Scanner(get_plugins(), text_search_after=len(lines))
        first = [(s.type, s.line_number) for s in scanner.process(lines, str(path))]
        compiled_after_first = scanner._text is not None
        second = [(s.type, s.line_number) for s in scanner.process(lines, str(path))]
        compiled_after_second = scanner._text is not None
        assert scanner.lines_scanned == 2 * len(lines)
    # a process's first lines: no whole-text expressions yet; past the budget, compiled
    assert (compiled_after_first, compiled_after_second) == (False, True)
    assert first == second
    assert first == [
        ("AWS Access Key", 1), ("GitHub Token", 2), ("GitLab Token", 3), ("Slack Token", 4),
        ("Base64 High Entropy String", 5), ("Stripe Access Key", 5), ("JSON Web Token", 6),
        ("Basic Auth Credentials", 7), ("Base64 High Entropy String", 8),
        ("Hex High Entropy String", 9), ("Secret Keyword", 10), ("Hex High Entropy String", 13),
        ("Twilio API Key", 13), ("SendGrid API Key", 14), ("Mailchimp Access Key", 15),
        ("Telegram Bot Token", 17), ("Base64 High Entropy String", 18),
        ("Azure Storage Account access key", 19), ("Base64 High Entropy String", 19),
        ("Base64 High Entropy String", 20), ("Secret Keyword", 20),
        ("Base64 High Entropy String", 24), ("Secret Keyword", 24)]

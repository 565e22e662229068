"""``--verify-secrets`` against a fake provider on 127.0.0.1 (never a real service).

Tokens are generated at run time; the fake provider decides which are live.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest

from gate.checks.secrets import SecretsCheck
from gate.checks.secrets.detectors import find_secrets
from gate.checks.secrets.detectors.samples import POSITIVES
from gate.checks.secrets.verify import ENDPOINTS, VerifySettings, check_one, verify_hits
from gate.findings import Severity

if TYPE_CHECKING:
    from conftest import SourceTree


class FakeProvider:
    """Answers like GitHub/Stripe/Slack: 200 for the live tokens, 401 otherwise."""

    def __init__(self) -> None:
        self.live: set[str] = set()
        self.requests: list[tuple[str, str, str]] = []  # (method, path, auth header)
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                auth = self.headers.get("Authorization", "")
                provider.requests.append((self.command, self.path, auth))
                token = auth.removeprefix("Bearer ")
                if self.path == "/slow/v1/account":
                    time.sleep(2)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.end_headers()
                    return
                if self.path == "/api/auth.test":
                    body = json.dumps({"ok": token in provider.live}).encode()
                    self.send_response(200)
                elif token in provider.live:
                    body = b"{}"
                    self.send_response(200)
                else:
                    body = b'{"message": "Bad credentials"}'
                    self.send_response(401)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = _answer
            do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                """Silent."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    yield fake
    fake.close()


def token(rule: str, seed: int) -> str:
    return POSITIVES[rule](random.Random(seed))[1]


def settings(provider: FakeProvider, **kwargs: float) -> VerifySettings:
    urls = {key: provider.base for key in ("GITHUB", "STRIPE", "SLACK")}
    return VerifySettings(base_urls=urls, **kwargs)  # type: ignore[arg-type]


def test_live_token_becomes_critical_and_verified(provider: FakeProvider) -> None:
    live, dead = token("GATE-SECRET-STRIPE-SECRET-KEY", 1), token("GATE-SECRET-STRIPE-SECRET-KEY", 2)
    provider.live.add(live)
    hits = find_secrets([f'a = "{live}"', f'b = "{dead}"'], "f.py")

    verify_hits(hits, settings(provider))

    notes = [h.gate_note for h in hits]
    assert [(n.verified, n.severity) for n in notes if n] == [
        ("live", Severity.CRITICAL), ("revoked", Severity.HIGH)]
    assert sorted(r[:2] for r in provider.requests) == [("GET", "/v1/account")] * 2


def test_slack_answers_in_json(provider: FakeProvider) -> None:
    value = token("GATE-SECRET-SLACK-TOKEN", 3)
    endpoint = ENDPOINTS["GATE-SECRET-SLACK-TOKEN"]

    assert check_one(endpoint, value, settings(provider)) == "revoked"
    provider.live.add(value)
    assert check_one(endpoint, value, settings(provider)) == "live"
    assert [r[:2] for r in provider.requests] == [("POST", "/api/auth.test")] * 2


def test_no_answer_in_time_is_unknown(provider: FakeProvider) -> None:
    endpoint = replace(ENDPOINTS["GATE-SECRET-STRIPE-SECRET-KEY"], path="/slow/v1/account")
    value = token("GATE-SECRET-STRIPE-SECRET-KEY", 4)

    assert check_one(endpoint, value, settings(provider, timeout=0.2)) == "unknown"


def test_redirects_are_not_followed(provider: FakeProvider) -> None:
    endpoint = replace(ENDPOINTS["GATE-SECRET-GITHUB-PAT"], path="/redirect")

    assert check_one(endpoint, token("GATE-SECRET-GITHUB-PAT", 5), settings(provider)) == "unknown"
    assert len(provider.requests) == 1


def test_look_alikes_and_providers_without_endpoint_are_never_sent(provider: FakeProvider
                                                                   ) -> None:
    lines = ['a = "ghp_' + "x" * 36 + '"', f'b = "{token("GATE-SECRET-LINEAR-API-KEY", 6)}"']
    hits = find_secrets(lines, "f.py")

    verify_hits(hits, settings(provider))

    assert provider.requests == [] and len(hits) == 2
    assert [h.gate_note.verified for h in hits if h.gate_note] == [None, None]


def test_check_verifies_only_when_asked(source_tree: SourceTree, provider: FakeProvider,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    live = token("GATE-SECRET-GITHUB-PAT", 7)
    provider.live.add(live)
    monkeypatch.setenv("GATE_VERIFY_URL_GITHUB", provider.base)
    source_tree.write("ci.sh", f"export GH_TOKEN={live}\n")

    quiet = SecretsCheck().run(source_tree.target())
    assert provider.requests == []
    [finding] = SecretsCheck().run(replace(source_tree.target(),
                                           options={"verify_secrets": True})).findings

    assert dict(quiet.findings[0].extra).get("verified") is None
    assert dict(finding.extra)["verified"] == "live" and finding.severity is Severity.CRITICAL
    assert [r[:2] for r in provider.requests] == [("GET", "/user")]
    assert live not in repr(finding)


def test_cli_flag_reaches_the_run_options(tmp_path: object) -> None:
    import argparse
    from pathlib import Path

    from gate.cli.run import add_run_arguments, options_from_args

    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    root = Path(str(tmp_path))
    assert options_from_args(parser.parse_args([str(root), "--verify-secrets"]),
                             None).verify_secrets is True
    assert options_from_args(parser.parse_args([str(root)]), None).verify_secrets is False

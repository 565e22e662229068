"""``--upload-sarif``: against a fake code-scanning endpoint on 127.0.0.1, never the internet."""

from __future__ import annotations

import base64
import gzip
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from gate.publish.interface import PublishError
from gate.publish.retry import RetryPolicy
from gate.publish.sarif_upload import (
    SarifUploadTarget,
    encode_sarif,
    upload_sarif,
    upload_target,
)
from gate.report.sarif import SarifReporter
from gate.result import RunResult

TOKEN = "ghs_fake-token-for-tests"
NO_WAIT = RetryPolicy(attempts=3, base_delay=0.0, sleep=lambda _s: None)


@dataclass
class FakeGitHub:
    """Answers each POST with the next queued (status, body); records what it received."""

    port: int = 0
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append({"path": self.path, "headers": dict(self.headers),
                                  "body": json.loads(self.rfile.read(length))})
            status, body = fake.answers.pop(0) if fake.answers else (202, {})
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _target(fake: FakeGitHub) -> SarifUploadTarget:
    return SarifUploadTarget(fake.api_url, "acme/shop", "a" * 40, "refs/pull/42/head")


def test_upload_posts_gzipped_base64_sarif(fake_github: FakeGitHub,
                                           run_result: RunResult) -> None:
    sarif = SarifReporter().render(run_result)
    fake_github.answers.append((202, {"id": "47177e22", "url": "https://api/sarifs/47177e22"}))
    receipt = upload_sarif(sarif, _target(fake_github), TOKEN, retry=NO_WAIT)
    assert (receipt.id, receipt.url) == ("47177e22", "https://api/sarifs/47177e22")
    [request] = fake_github.requests
    assert request["path"] == "/repos/acme/shop/code-scanning/sarifs"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["X-GitHub-Api-Version"] == "2022-11-28"
    body = request["body"]
    assert body["commit_sha"] == "a" * 40 and body["ref"] == "refs/pull/42/head"
    assert gzip.decompress(base64.b64decode(body["sarif"])).decode() == sarif


def test_server_errors_are_retried(fake_github: FakeGitHub) -> None:
    fake_github.answers += [(502, {"message": "bad gateway"}), (202, {"id": "1", "url": "u"})]
    assert upload_sarif("{}", _target(fake_github), TOKEN, retry=NO_WAIT).id == "1"
    assert len(fake_github.requests) == 2


def test_forbidden_explains_the_permission(fake_github: FakeGitHub) -> None:
    fake_github.answers.append((403, {"message": "Resource not accessible by integration"}))
    with pytest.raises(PublishError) as caught:
        upload_sarif("{}", _target(fake_github), TOKEN, retry=NO_WAIT)
    assert caught.value.status == 403
    assert "security-events: write" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert len(fake_github.requests) == 1  # a permanent refusal is not repeated


def test_rate_limit_waits_and_retries(fake_github: FakeGitHub) -> None:
    fake_github.answers += [(429, {"message": "slow down"}), (202, {"id": "2", "url": "u"})]
    assert upload_sarif("{}", _target(fake_github), TOKEN, retry=NO_WAIT).id == "2"


def test_too_large_is_refused_before_sending(fake_github: FakeGitHub,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gate.publish.sarif_upload.MAX_GZIP_BYTES", 10)
    with pytest.raises(PublishError, match="10 MB"):
        upload_sarif('{"runs": []}' * 20, _target(fake_github), TOKEN, retry=NO_WAIT)
    assert fake_github.requests == []


def test_unreachable_server_is_a_publish_error() -> None:
    target = SarifUploadTarget("http://127.0.0.1:9", "acme/shop", "a" * 40, "refs/heads/main")
    with pytest.raises(PublishError) as caught:
        upload_sarif("{}", target, TOKEN, retry=NO_WAIT, timeout=2)
    assert caught.value.status is None


def test_target_from_context() -> None:
    pr = upload_target({"platform": "github", "repository": "acme/shop", "sha": "b" * 40,
                        "pr_number": "7", "api_url": "https://ghe.example/api/v3"})
    assert pr == SarifUploadTarget("https://ghe.example/api/v3", "acme/shop", "b" * 40,
                                   "refs/pull/7/head")
    assert pr.endpoint == "https://ghe.example/api/v3/repos/acme/shop/code-scanning/sarifs"
    push = upload_target({"platform": "github", "repository": "acme/shop", "sha": "c" * 40},
                         git_ref="refs/heads/main")
    assert (push.api_url, push.ref) == ("https://api.github.com", "refs/heads/main")
    with pytest.raises(PublishError):
        upload_target({"platform": "github", "repository": "acme/shop", "sha": "c" * 40})
    with pytest.raises(PublishError):
        upload_target({"platform": "gitlab", "repository": "12", "sha": "c" * 40},
                      git_ref="refs/heads/main")


def test_encoding_round_trips() -> None:
    text = '{"version": "2.1.0", "runs": [], "note": "é"}'
    assert gzip.decompress(base64.b64decode(encode_sarif(text))).decode() == text

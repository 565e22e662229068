"""Upload the SARIF report to GitHub code scanning (``gate run --upload-sarif``).

For teams that do not want a separate ``github/codeql-action/upload-sarif``
step. The log is gzipped and base64-encoded, as the endpoint demands, and
POSTed to ``/repos/{owner}/{repo}/code-scanning/sarifs`` with the commit and
ref it belongs to. The token needs ``security-events: write`` (and, on a
private repository, GitHub Advanced Security / Code Security enabled).

The commit and ref come from the run's context: in a pull request the PR
head (``refs/pull/N/head`` with the head sha, the pair GitHub expects
together); otherwise the branch or tag ref the caller passes (``GITHUB_REF``).
Uploading twice is harmless (GitHub keeps the latest analysis per commit, ref
and category), so a failure that may have landed is simply retried.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from gate.publish.interface import PublishError
from gate.publish.retry import ApiFailure, Kind, RetryPolicy, call
from gate.publish.text import clean

__all__ = ["MAX_GZIP_BYTES", "SarifUploadTarget", "UploadReceipt", "encode_sarif", "upload_sarif",
           "upload_target"]

MAX_GZIP_BYTES = 10 * 1000 * 1000
"""GitHub rejects a gzipped SARIF upload above 10 MB."""
_WHAT = "SARIF upload"
_API_VERSION = "2022-11-28"
_OK = frozenset({200, 201, 202})
_NETWORK = (requests.ConnectionError, requests.Timeout,
            requests.exceptions.ChunkedEncodingError)
_ADVICE = {
    401: "GitHub rejected the token",
    403: "the token needs `security-events: write`, and code scanning must be enabled "
         "for the repository",
    404: "the repository was not found, or the token cannot see it",
    413: "the upload is larger than GitHub accepts (10 MB gzipped)",
}


@dataclass(frozen=True)
class SarifUploadTarget:
    """Where the analysis goes: the REST base, ``owner/name``, the commit and its ref."""

    api_url: str
    repository: str
    commit_sha: str
    ref: str

    @property
    def endpoint(self) -> str:
        """The code-scanning upload URL, with owner and name escaped."""
        owner, _, name = self.repository.partition("/")
        return (f"{self.api_url.rstrip('/')}/repos/{quote(owner, safe='')}/"
                f"{quote(name, safe='')}/code-scanning/sarifs")


@dataclass(frozen=True)
class UploadReceipt:
    """GitHub's answer: the upload id and the URL to poll for its processing status."""

    id: str
    url: str


class _HttpStatus(Exception):
    """A non-2xx answer, raised inside the retried call so :func:`call` can classify it."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(status, message)
        self.status, self.message, self.retry_after = status, message, retry_after


def upload_target(context: Mapping[str, str], git_ref: str | None = None) -> SarifUploadTarget:
    """The target for a run's context (``RunResult.context``); :class:`PublishError` if incomplete.

    A pull request uploads to ``refs/pull/N/head`` (the context's sha is the
    PR head); anything else needs ``git_ref`` (``GITHUB_REF``: a branch or tag).
    """
    if context.get("platform") != "github":
        raise PublishError(_WHAT, "code scanning uploads need a GitHub Actions run")
    repo, sha = context.get("repository", ""), context.get("sha", "")
    pr = context.get("pr_number", "")
    ref = f"refs/pull/{pr}/head" if pr.isdigit() else (git_ref or "")
    if repo.count("/") != 1 or not sha or not ref.startswith("refs/"):
        raise PublishError(_WHAT, "the run's context lacks the repository, commit or ref "
                                  "(GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF)")
    return SarifUploadTarget(context.get("api_url") or "https://api.github.com", repo, sha, ref)


def encode_sarif(text: str) -> str:
    """Gzip, then base64: the encoding the endpoint's ``sarif`` field requires."""
    return base64.b64encode(gzip.compress(text.encode("utf-8"))).decode("ascii")


def _classify(exc: Exception) -> ApiFailure | None:
    if isinstance(exc, _HttpStatus):
        if exc.status == 429 or (exc.status == 403 and "rate limit" in exc.message.lower()):
            return ApiFailure(Kind.NOT_APPLIED, exc.status, exc.message, exc.retry_after)
        if exc.status >= 500:
            return ApiFailure(Kind.MAYBE_APPLIED, exc.status, exc.message)
        advice = _ADVICE.get(exc.status)
        message = f"{advice} ({exc.message})" if advice and exc.message else advice or exc.message
        return ApiFailure(Kind.PERMANENT, exc.status, message)
    if isinstance(exc, _NETWORK):
        return ApiFailure(Kind.MAYBE_APPLIED, None, clean(f"GitHub unreachable: {exc}", 200))
    return None


def _failure(response: requests.Response) -> _HttpStatus:
    try:
        data: Any = response.json()
    except ValueError:
        data = None
    message = clean(data.get("message", "") if isinstance(data, dict) else "", 200)
    try:
        retry_after: float | None = float(response.headers.get("Retry-After", ""))
    except ValueError:
        retry_after = None
    return _HttpStatus(response.status_code, message or f"HTTP {response.status_code}",
                       retry_after)


def upload_sarif(sarif: str, target: SarifUploadTarget, token: str, *,
                 session: requests.Session | None = None, timeout: float = 30.0,
                 retry: RetryPolicy | None = None) -> UploadReceipt:
    """POST ``sarif`` to code scanning; :class:`PublishError` with advice when it cannot land."""
    encoded = encode_sarif(sarif)
    if len(base64.b64decode(encoded)) > MAX_GZIP_BYTES:
        raise PublishError(_WHAT, _ADVICE[413])
    body = {"commit_sha": target.commit_sha, "ref": target.ref, "sarif": encoded,
            "tool_name": "gate"}
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
               "X-GitHub-Api-Version": _API_VERSION, "User-Agent": "gate-sarif-upload"}
    http = session or requests.Session()

    def post() -> UploadReceipt:
        response = http.post(target.endpoint, json=body, headers=headers, timeout=timeout,
                             allow_redirects=False)
        if response.status_code not in _OK:
            raise _failure(response)
        data = response.json() if response.content else {}
        data = data if isinstance(data, dict) else {}
        return UploadReceipt(str(data.get("id", "")), str(data.get("url", "")))

    try:
        return call(post, classify=_classify, policy=retry or RetryPolicy(), what=_WHAT)
    finally:
        if session is None:
            http.close()

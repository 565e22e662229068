"""Ask providers whether credentials are live: concurrent, time-boxed, silent.

The credential only ever goes into one request header to its own provider's
endpoint (or the configured override); redirects are not followed (they
would carry the header elsewhere); nothing is logged; an error is reported
as ``unknown`` by its type alone.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace
from typing import Any

from gate.checks.secrets.detectors.interface import DetectorSecret
from gate.checks.secrets.verify.interface import ENDPOINTS, Endpoint, VerifySettings
from gate.findings import Severity

__all__ = ["LIVE", "REVOKED", "UNKNOWN", "check_one", "verify_hits"]

LIVE, REVOKED, UNKNOWN = "live", "revoked", "unknown"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: the credential header must not follow them to another host."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Never redirect."""
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def check_one(endpoint: Endpoint, credential: str, settings: VerifySettings) -> str:
    """``live``, ``revoked`` or ``unknown`` for one credential."""
    base = settings.base_urls.get(endpoint.key, endpoint.base_url).rstrip("/")
    if not base.startswith(("https://", "http://")):
        return UNKNOWN
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        base + endpoint.path, method=endpoint.method,
        data=b"" if endpoint.method == "POST" else None,
        headers={endpoint.header: endpoint.scheme + credential, "User-Agent": "gate-verify",
                 "Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=settings.timeout) as response:
            status, body = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
    except Exception:  # network, TLS, timeout: no answer is not an answer
        return UNKNOWN
    if status in (401, 403):
        return REVOKED
    if status != 200:
        return UNKNOWN
    if endpoint.json_ok:
        try:
            ok = json.loads(body).get("ok")
        except (ValueError, AttributeError):
            return UNKNOWN
        return LIVE if ok is True else REVOKED
    return LIVE


def verify_hits(hits: Sequence[DetectorSecret], settings: VerifySettings) -> None:
    """Verify every live-format hit whose provider has an endpoint; update their notes.

    A live credential becomes ``critical`` and ``verified=live``; a refused
    one keeps its severity with ``verified=revoked``; no answer in time is
    ``unknown``.
    """
    todo = [h for h in hits if h.gate_note is not None and h.gate_note.live_format
            and h.type in ENDPOINTS and h.secret_value]
    if not todo:
        return
    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        futures = {pool.submit(check_one, ENDPOINTS[h.type], h.secret_value or "", settings): h
                   for h in todo}
        done, _ = wait(futures, timeout=settings.budget)
        for future, hit in futures.items():
            answer = future.result() if future in done else UNKNOWN
            note = hit.gate_note
            assert note is not None
            severity = Severity.CRITICAL if answer == LIVE else note.severity
            hit.gate_note = replace(note, verified=answer, severity=severity)

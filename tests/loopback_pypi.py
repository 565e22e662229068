"""A package index on 127.0.0.1 that answers 404 to everything (a proxy or a mirror without
PyPI's vulnerability API), and the real dependencies check pointed at it.

The check is registered by target string (``loopback_pypi:LoopbackDependenciesCheck``) and
runs in the gate's spawned worker, which inherits ``LOOPBACK_PYPI`` (the base URL) from the
environment and this directory on ``sys.path``. pip-audit's own ``PyPIService`` does the
queries; only its transport is pointed at the loopback server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from pip_audit._service import PyPIService

from gate.checks.dependencies import DependenciesCheck

ENV = "LOOPBACK_PYPI"


class _NotFound(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        payload = b'{"message": "Not Found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@contextmanager
def index_answering_404() -> Iterator[str]:
    """Serve 404s on a free loopback port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Loopback(requests.adapters.HTTPAdapter):
    """Sends https://pypi.org requests to the loopback base; refuses anything else."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(  # type: ignore[override]  # forwards requests' keyword arguments untouched
            self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if request.url is None or not request.url.startswith("https://pypi.org/"):
            raise requests.ConnectionError(f"test: refusing non-PyPI request {request.url}")
        request.url = self.base + request.url.removeprefix("https://pypi.org")
        return super().send(request, **kwargs)


def _service(timeout: float | None) -> Any:
    service = PyPIService(cache_dir=None, timeout=timeout)
    service.session.trust_env = False
    for prefix in ("https://", "http://"):
        service.session.mount(prefix, _Loopback(os.environ[ENV]))
    return service


class LoopbackDependenciesCheck(DependenciesCheck):
    """The real check, its online service (pip-audit's PyPIService) on the loopback index."""

    def __init__(self) -> None:
        super().__init__(online_service=_service)

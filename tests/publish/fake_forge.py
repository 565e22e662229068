"""A fake GitHub + GitLab REST server on 127.0.0.1 for the publisher tests.

The real PyGithub and python-gitlab talk to it over HTTP. It keeps state
(comments, notes, statuses, check runs and their annotations), enforces the
documented limits the gate has to respect, records every request, and can be
told to misbehave:

* ``deny_writes = 403``: every POST/PATCH/PUT answers 403, as for a fork PR's
  read-only ``GITHUB_TOKEN`` ("Resource not accessible by integration").
* ``fault(method, path_regex, status, apply=True)``: the next matching request
  is *carried out* and then answered with ``status`` (a 502 after the comment
  was created), or, with ``apply=False``, refused without effect.

Limits enforced, GitHub: comment body <= 65,536 characters (422); status
``state`` in error/failure/pending/success and ``description`` <= 140 (422);
statuses and check runs only on known commits (422); check run ``status`` and
``conclusion`` enums, ``output.title``/``summary`` required, summary/text <=
65,535, at most 50 annotations per request, each with path, lines, a valid
``annotation_level`` and a message (422); a code-scanning SARIF upload
needs a known ``commit_sha``, a ``refs/...`` ref and gzipped, base64-encoded
SARIF 2.1.0 (422). GitLab: note body <= 1,000,000
(400), status ``state`` enum (400), statuses only on known commits (404).
Auth: ``Authorization: token|Bearer <token>`` (GitHub), ``PRIVATE-TOKEN``
(GitLab; ``JOB-TOKEN`` may read, not write); otherwise 401.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from fake_forge_routes import GITHUB_ROUTES as _GITHUB
from fake_forge_routes import GITLAB_ROUTES as _GITLAB
from fake_forge_routes import WRITES, ApiError


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    apply: bool
    times: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Forge:
    """State and behaviour; :meth:`start` serves it on an ephemeral loopback port."""

    token: str
    owner_name: str = "github-actions[bot]"
    requests: list[Recorded] = field(default_factory=list)
    deny_writes: int | None = None
    faults: list[Fault] = field(default_factory=list)
    known_shas: set[str] = field(default_factory=set)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    mrs: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    gl_statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sarif_uploads: list[dict[str, Any]] = field(default_factory=list)
    base: str = ""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- setup -------------------------------------------------------------------------
    def start(self) -> Forge:
        forge = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                forge._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def add_pull(self, number: int, head_sha: str, *, merge_sha: str | None = None,
                 base_ref: str = "main", fork: bool = False) -> None:
        self.known_shas.update({head_sha, *([merge_sha] if merge_sha else [])})
        head_repo = "forker/r" if fork else "o/r"
        self.pulls[number] = {"number": number, "state": "open",
                              "head": {"sha": head_sha, "ref": "topic",
                                       "repo": {"full_name": head_repo}},
                              "base": {"ref": base_ref, "repo": {"full_name": "o/r"}}}
        self.comments.setdefault(number, [])

    def add_comment(self, number: int, body: str, owner: str = "someone-else") -> dict[str, Any]:
        comment = self._new_comment(number, body, owner)
        self.comments[number].append(comment)
        return comment

    def add_mr(self, iid: int, sha: str, *, merge_sha: str | None = None) -> None:
        self.known_shas.update({sha, *([merge_sha] if merge_sha else [])})
        self.mrs[iid] = {"id": 9000 + iid, "iid": iid, "project_id": 42, "sha": sha,
                         "state": "opened"}
        self.notes.setdefault(iid, []).append(
            {"id": next(self._ids), "body": "added 1 commit", "system": True,
             "author": {"username": "someone"}, "owner": "someone"})

    def fault(self, method: str, path: str, status: int, *, apply: bool = True, times: int = 1,
              body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        self.faults.append(Fault(method, re.compile(path), status, apply, times,
                                 body or {"message": "Bad Gateway"}, headers or {}))

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method in WRITES]

    # ---- serving -----------------------------------------------------------------------
    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length).decode("utf-8") if length else ""
        parts = urlsplit(h.path)
        record = Recorded(h.command, parts.path, parts.query, dict(h.headers.items()), raw)
        with self._lock:
            self.requests.append(record)
            status, body, headers = self._dispatch(record)
        payload = json.dumps(body).encode("utf-8")
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(payload)

    def _dispatch(self, r: Recorded) -> tuple[int, Any, dict[str, str]]:
        gitlab = r.path.startswith("/api/v4/")
        path = r.path[len("/api/v4"):] if gitlab else re.sub(r"^/api/v3", "", r.path)
        try:
            self._authenticate(r, gitlab)
            fault = next((f for f in self.faults if f.times > 0 and f.method == r.method
                          and f.pattern.search(path)), None)
            if fault is not None:
                fault.times -= 1
                if fault.apply:
                    self._route(r, path, gitlab)
                return fault.status, fault.body, fault.headers
            if self.deny_writes and r.method in WRITES:
                message = ("Resource not accessible by integration" if not gitlab
                           else "403 Forbidden")
                raise ApiError(self.deny_writes, {"message": message})
            return self._route(r, path, gitlab)
        except ApiError as exc:
            return exc.status, exc.body, {}

    def _authenticate(self, r: Recorded, gitlab: bool) -> None:
        if gitlab:
            if r.headers.get("PRIVATE-TOKEN") == self.token:
                return
            if r.headers.get("JOB-TOKEN") == self.token and r.method not in WRITES:
                return
            if r.headers.get("JOB-TOKEN") == self.token:
                raise ApiError(403, {"message": "403 Forbidden"})
            raise ApiError(401, {"message": "401 Unauthorized"})
        auth = r.headers.get("Authorization", "")
        if auth not in (f"token {self.token}", f"Bearer {self.token}"):
            raise ApiError(401, {"message": "Bad credentials"})

    def _route(self, r: Recorded, path: str, gitlab: bool) -> tuple[int, Any, dict[str, str]]:
        routes = _GITLAB if gitlab else _GITHUB
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if method == r.method and match:
                return handler(self, r, *[unquote(g) for g in match.groups()])
        raise ApiError(404, {"message": "Not Found"})

    # ---- helpers -----------------------------------------------------------------------
    def json_body(self, r: Recorded) -> dict[str, Any]:
        try:
            data = json.loads(r.body or "{}")
        except ValueError:
            raise ApiError(400, {"message": "Problems parsing JSON"}) from None
        if not isinstance(data, dict):
            raise ApiError(400, {"message": "Problems parsing JSON"})
        return data

    def page(self, r: Recorded, items: list[Any], *, gitlab: bool, default: int,
             wrap: str | None = None) -> tuple[int, Any, dict[str, str]]:
        query = {k: v[-1] for k, v in parse_qs(r.query).items()}
        per_page = max(1, min(100, int(query.get("per_page", default))))
        number = max(1, int(query.get("page", 1)))
        chunk = items[(number - 1) * per_page: number * per_page]
        last = max(1, -(-len(items) // per_page))
        headers: dict[str, str] = {}
        links = []
        if number < last:
            links.append(f'<{self._page_url(r, query, number + 1)}>; rel="next"')
        links.append(f'<{self._page_url(r, query, last)}>; rel="last"')
        headers["Link"] = ", ".join(links)
        if gitlab:
            headers.update({"X-Page": str(number), "X-Per-Page": str(per_page),
                            "X-Total": str(len(items)), "X-Total-Pages": str(last),
                            "X-Next-Page": str(number + 1) if number < last else ""})
        body: Any = {"total_count": len(items), wrap: chunk} if wrap else chunk
        return 200, body, headers

    def _page_url(self, r: Recorded, query: dict[str, str], number: int) -> str:
        return f"{self.base}{r.path}?{urlencode({**query, 'page': str(number)})}"

    def _new_comment(self, number: int, body: str, owner: str) -> dict[str, Any]:
        cid = next(self._ids)
        return {"id": cid, "body": body, "owner": owner,
                "url": f"{self.base}/repos/o/r/issues/comments/{cid}",
                "html_url": f"https://github.example/o/r/pull/{number}#issuecomment-{cid}",
                "user": {"login": owner, "type": "Bot"},
                "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}

    def new_id(self) -> int:
        return next(self._ids)


"""Route handlers of the fake forge (see fake_forge.py for what is enforced and why).

Each handler gets the forge, the recorded request and the path's groups, and
returns ``(status, json_body, headers)`` or raises :class:`ApiError`.
"""

from __future__ import annotations

from typing import Any

WRITES = {"POST", "PATCH", "PUT", "DELETE"}
GH_STATUS_STATES = {"error", "failure", "pending", "success"}
GH_CHECK_STATUSES = {"queued", "in_progress", "completed", "waiting", "requested", "pending"}
GH_CONCLUSIONS = {"action_required", "cancelled", "failure", "neutral", "success", "skipped",
                  "stale", "timed_out"}
GH_LEVELS = {"notice", "warning", "failure"}
GL_STATES = {"pending", "running", "success", "failed", "canceled", "skipped"}
COMMENT_MAX = 65_536
NOTE_MAX = 1_000_000
OUTPUT_MAX = 65_535

Result = tuple[int, Any, dict[str, str]]


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status, self.body = status, body


def invalid(message: str) -> ApiError:
    return ApiError(422, {"message": "Validation Failed",
                          "errors": [{"code": "custom", "message": message}]})


def public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("owner", "annotations")}


# ---- GitHub ------------------------------------------------------------------------------
def gh_repo(f: Any, r: Any, owner: str, name: str) -> Result:
    return 200, {"id": 1, "name": name, "full_name": f"{owner}/{name}",
                 "owner": {"login": owner}, "url": f"{f.base}/repos/{owner}/{name}"}, {}


def gh_pull(f: Any, r: Any, number: str) -> Result:
    pull = f.pulls.get(int(number))
    if pull is None:
        raise ApiError(404, {"message": "Not Found"})
    return 200, {**pull, "url": f"{f.base}/repos/o/r/pulls/{number}"}, {}


def gh_list_comments(f: Any, r: Any, number: str) -> Result:
    if int(number) not in f.pulls:
        raise ApiError(404, {"message": "Not Found"})
    return f.page(r, [public(c) for c in f.comments[int(number)]], gitlab=False, default=30)


def _comment_body(f: Any, r: Any) -> str:
    body = f.json_body(r).get("body")
    if not isinstance(body, str) or not body:
        raise invalid("body is missing")
    if len(body) > COMMENT_MAX:
        raise invalid(f"body is too long (maximum is {COMMENT_MAX} characters)")
    return body


def gh_create_comment(f: Any, r: Any, number: str) -> Result:
    if int(number) not in f.pulls:
        raise ApiError(404, {"message": "Not Found"})
    comment = f._new_comment(int(number), _comment_body(f, r), f.owner_name)
    f.comments[int(number)].append(comment)
    return 201, public(comment), {}


def gh_edit_comment(f: Any, r: Any, cid: str) -> Result:
    for comments in f.comments.values():
        for comment in comments:
            if comment["id"] == int(cid):
                if comment["owner"] != f.owner_name:
                    raise ApiError(403, {"message": "Resource not accessible by integration"})
                comment["body"] = _comment_body(f, r)
                return 200, public(comment), {}
    raise ApiError(404, {"message": "Not Found"})


def gh_status(f: Any, r: Any, sha: str) -> Result:
    data = f.json_body(r)
    if sha not in f.known_shas:
        raise invalid(f"No commit found for SHA: {sha}")
    if data.get("state") not in GH_STATUS_STATES:
        raise invalid("state is not included in the list")
    description = data.get("description")
    if description is not None and len(description) > 140:
        raise invalid("description is too long (maximum is 140 characters)")
    url = data.get("target_url")
    if url is not None and not str(url).startswith(("http://", "https://")):
        raise invalid("target_url must use http(s) scheme")
    status = {"id": f.new_id(), "state": data["state"], "description": description,
              "context": data.get("context") or "default", "target_url": url,
              "url": f"{f.base}/repos/o/r/statuses/{sha}"}
    f.statuses.setdefault(sha, []).append(status)
    return 201, status, {}


def _check_output(output: Any) -> list[dict[str, Any]]:
    if output is None:
        return []
    if not isinstance(output, dict) or not isinstance(output.get("title"), str) \
            or not isinstance(output.get("summary"), str):
        raise invalid("output needs a title and a summary")
    for key in ("summary", "text"):
        if len(output.get(key) or "") > OUTPUT_MAX:
            raise invalid(f"output.{key} is too long (maximum is {OUTPUT_MAX} characters)")
    notes = output.get("annotations") or []
    if len(notes) > 50:
        raise invalid("Only 50 annotations may be added per request")
    for note in notes:
        if not (isinstance(note.get("path"), str) and isinstance(note.get("start_line"), int)
                and isinstance(note.get("end_line"), int)
                and note.get("annotation_level") in GH_LEVELS
                and isinstance(note.get("message"), str) and note["message"]):
            raise invalid(f"annotation is invalid: {note!r}")
        if note["end_line"] < note["start_line"] or len(note.get("title") or "") > 255:
            raise invalid("annotation lines or title invalid")
    return list(notes)


def _apply_check(f: Any, check: dict[str, Any], data: dict[str, Any]) -> None:
    status = data.get("status", check.get("status", "queued"))
    if status not in GH_CHECK_STATUSES:
        raise invalid("status is not included in the list")
    conclusion = data.get("conclusion", check.get("conclusion"))
    if conclusion is not None and conclusion not in GH_CONCLUSIONS:
        raise invalid("conclusion is not included in the list")
    if status == "completed" and conclusion is None:
        raise invalid("conclusion is required when status is completed")
    notes = _check_output(data.get("output"))
    check.update({k: v for k, v in data.items() if k != "output"})
    check.update(status=status, conclusion=conclusion)
    if data.get("output") is not None:
        check["annotations"].extend(notes)
        out = data["output"]
        check["output"] = {"title": out["title"], "summary": out["summary"],
                           "text": out.get("text"),
                           "annotations_count": len(check["annotations"]),
                           "annotations_url": f"{check['url']}/annotations"}


def gh_create_check(f: Any, r: Any) -> Result:
    data = f.json_body(r)
    if not isinstance(data.get("name"), str) or data.get("head_sha") not in f.known_shas:
        raise invalid("name and a known head_sha are required")
    cid = f.new_id()
    check: dict[str, Any] = {"id": cid, "url": f"{f.base}/repos/o/r/check-runs/{cid}",
                             "annotations": [], "output": {"annotations_count": 0}}
    _apply_check(f, check, data)
    f.check_runs[cid] = check
    return 201, public(check), {}


def _check(f: Any, cid: str) -> dict[str, Any]:
    check = f.check_runs.get(int(cid))
    if check is None:
        raise ApiError(404, {"message": "Not Found"})
    return check  # type: ignore[no-any-return]


def gh_edit_check(f: Any, r: Any, cid: str) -> Result:
    check = _check(f, cid)
    data = f.json_body(r)
    if "head_sha" in data and data["head_sha"] not in f.known_shas:
        raise invalid("unknown head_sha")
    _apply_check(f, check, data)
    return 200, public(check), {}


def gh_get_check(f: Any, r: Any, cid: str) -> Result:
    return 200, public(_check(f, cid)), {}


def gh_annotations(f: Any, r: Any, cid: str) -> Result:
    return f.page(r, list(_check(f, cid)["annotations"]), gitlab=False, default=30)


def gh_commit_checks(f: Any, r: Any, sha: str) -> Result:
    from urllib.parse import parse_qs

    name = (parse_qs(r.query).get("check_name") or [None])[-1]
    runs = [public(c) for c in f.check_runs.values()
            if c["head_sha"] == sha and (name is None or c["name"] == name)]
    return f.page(r, runs, gitlab=False, default=30, wrap="check_runs")


def gh_commit(f: Any, r: Any, sha: str) -> Result:
    if sha not in f.known_shas:
        raise ApiError(422, {"message": f"No commit found for SHA: {sha}"})
    return 200, {"sha": sha, "url": f"{f.base}/repos/o/r/commits/{sha}"}, {}


def gh_upload_sarif(f: Any, r: Any) -> Result:
    """Code scanning's upload: gzipped, base64-encoded SARIF for a known commit and a ref."""
    import base64
    import binascii
    import gzip
    import json

    data = f.json_body(r)
    if data.get("commit_sha") not in f.known_shas:
        raise invalid("commit_sha is not a commit of this repository")
    if not str(data.get("ref", "")).startswith("refs/"):
        raise invalid("ref must be a fully qualified ref")
    try:
        sarif = json.loads(gzip.decompress(base64.b64decode(data.get("sarif", ""), validate=True)))
    except (ValueError, OSError, binascii.Error):
        raise invalid("sarif is not gzipped, base64-encoded SARIF") from None
    if not isinstance(sarif, dict) or sarif.get("version") != "2.1.0":
        raise invalid("not SARIF 2.1.0")
    upload = {"id": f"sarif-{f.new_id()}", "commit_sha": data["commit_sha"], "ref": data["ref"],
              "tool_name": data.get("tool_name"), "sarif": sarif}
    f.sarif_uploads.append(upload)
    return 202, {"id": upload["id"],
                 "url": f"{f.base}/repos/o/r/code-scanning/sarifs/{upload['id']}"}, {}


GITHUB_ROUTES = [
    ("POST", r"/repos/o/r/code-scanning/sarifs", gh_upload_sarif),
    ("GET", r"/repos/([^/]+)/([^/]+)", gh_repo),
    ("GET", r"/repos/o/r/pulls/(\d+)", gh_pull),
    ("GET", r"/repos/o/r/issues/(\d+)/comments", gh_list_comments),
    ("POST", r"/repos/o/r/issues/(\d+)/comments", gh_create_comment),
    ("PATCH", r"/repos/o/r/issues/comments/(\d+)", gh_edit_comment),
    ("POST", r"/repos/o/r/statuses/([^/]+)", gh_status),
    ("POST", r"/repos/o/r/check-runs", gh_create_check),
    ("PATCH", r"/repos/o/r/check-runs/(\d+)", gh_edit_check),
    ("GET", r"/repos/o/r/check-runs/(\d+)", gh_get_check),
    ("GET", r"/repos/o/r/check-runs/(\d+)/annotations", gh_annotations),
    ("GET", r"/repos/o/r/commits/([^/]+)/check-runs", gh_commit_checks),
    ("GET", r"/repos/o/r/commits/([^/]+)", gh_commit),
]


# ---- GitLab ------------------------------------------------------------------------------
def _project(pid: str) -> None:
    if pid not in ("42", "group/proj"):
        raise ApiError(404, {"message": "404 Project Not Found"})


def _mr(f: Any, pid: str, iid: str) -> dict[str, Any]:
    _project(pid)
    mr = f.mrs.get(int(iid))
    if mr is None:
        raise ApiError(404, {"message": "404 Not found"})
    return mr  # type: ignore[no-any-return]


def gl_project(f: Any, r: Any, pid: str) -> Result:
    _project(pid)
    return 200, {"id": 42, "path_with_namespace": "group/proj"}, {}


def gl_get_mr(f: Any, r: Any, pid: str, iid: str) -> Result:
    return 200, _mr(f, pid, iid), {}


def gl_list_notes(f: Any, r: Any, pid: str, iid: str) -> Result:
    _mr(f, pid, iid)
    from urllib.parse import parse_qs

    ascending = (parse_qs(r.query).get("sort") or ["desc"])[-1] == "asc"
    notes = sorted((public(n) for n in f.notes[int(iid)]), key=lambda n: n["id"],
                   reverse=not ascending)
    return f.page(r, notes, gitlab=True, default=20)


def _note_body(f: Any, r: Any) -> str:
    body = f.json_body(r).get("body")
    if not isinstance(body, str) or not body:
        raise ApiError(400, {"message": "400 Bad request - body is missing"})
    if len(body) > NOTE_MAX:
        raise ApiError(400, {"message": {"note": [f"is too long (maximum is {NOTE_MAX} "
                                                  "characters)"]}})
    return body


def gl_create_note(f: Any, r: Any, pid: str, iid: str) -> Result:
    _mr(f, pid, iid)
    note = {"id": f.new_id(), "body": _note_body(f, r), "system": False,
            "author": {"username": "project_42_bot"}, "owner": f.owner_name,
            "noteable_iid": int(iid)}
    f.notes[int(iid)].append(note)
    return 201, public(note), {}


def gl_edit_note(f: Any, r: Any, pid: str, iid: str, nid: str) -> Result:
    _mr(f, pid, iid)
    for note in f.notes[int(iid)]:
        if note["id"] == int(nid):
            if note["owner"] != f.owner_name:
                raise ApiError(403, {"message": "403 Forbidden"})
            note["body"] = _note_body(f, r)
            return 200, public(note), {}
    raise ApiError(404, {"message": "404 Not found"})


def gl_status(f: Any, r: Any, pid: str, sha: str) -> Result:
    _project(pid)
    data = f.json_body(r)
    if sha not in f.known_shas:
        raise ApiError(404, {"message": "404 References for commit Not Found"})
    if data.get("state") not in GL_STATES:
        raise ApiError(400, {"error": "state does not have a valid value"})
    status = {"id": f.new_id(), "sha": sha, "status": data["state"],
              "name": data.get("name") or "default", "description": data.get("description"),
              "target_url": data.get("target_url")}
    f.gl_statuses.setdefault(sha, []).append(status)
    return 201, status, {}


GITLAB_ROUTES = [
    ("GET", r"/projects/([^/]+)", gl_project),
    ("GET", r"/projects/([^/]+)/merge_requests/(\d+)", gl_get_mr),
    ("GET", r"/projects/([^/]+)/merge_requests/(\d+)/notes", gl_list_notes),
    ("POST", r"/projects/([^/]+)/merge_requests/(\d+)/notes", gl_create_note),
    ("PUT", r"/projects/([^/]+)/merge_requests/(\d+)/notes/(\d+)", gl_edit_note),
    ("POST", r"/projects/([^/]+)/statuses/([^/]+)", gl_status),
]

"""Links from a report to a file line at the scanned commit (GitHub and GitLab web URLs).

Built only from the run's context (platform, server, repository or project
URL, sha), each part validated; the path is untrusted and percent-encoded.
No link at all when anything is missing or odd: a plain location is better
than a wrong or crafted link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from gate.findings import Location

__all__ = ["blob_url"]

_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_BASE = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%-]+)*/?$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def _base(context: Mapping[str, str]) -> tuple[str, str] | None:
    """The blob prefix before ``<sha>/<path>``, and the platform."""
    platform = context.get("platform")
    if platform == "github":
        server = context.get("server_url") or "https://github.com"
        repo = context.get("repository") or ""
        if _BASE.match(server) and _REPO.match(repo) and ".." not in repo:
            return f"{server.rstrip('/')}/{repo}/blob/", "github"
    elif platform == "gitlab":
        project = context.get("project_url") or ""
        if _BASE.match(project):
            return f"{project.rstrip('/')}/-/blob/", "gitlab"
    return None


def blob_url(context: Mapping[str, str], location: Location) -> str | None:
    """``https://<server>/<repo>/blob/<sha>/<path>#L<n>`` (GitLab: ``<project>/-/blob/...``)."""
    sha = context.get("sha") or ""
    base = _base(context)
    path = location.path
    if base is None or not _SHA.match(sha) or not path or path.startswith("/") \
            or ".." in path.split("/") or len(path) > 1000:
        return None
    url = f"{base[0]}{sha}/{quote(path, safe='/')}"
    start, end = location.start_line, location.end_line
    if start:
        url += f"#L{start}"
        if end and end > start:
            url += f"-L{end}" if base[1] == "github" else f"-{end}"
    return url

"""Fetching the export into a file, with a size cap and a timeout; nothing is trusted yet.

``http``/``https`` URLs are streamed in chunks and cut off as soon as they pass
the cap (a ``Content-Length`` above it is refused before the body is read); a
local path or ``file:`` URL (an air-gapped mirror) is copied under the same cap.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import gate
from gate.checks.dependencies.vulndb.interface import UpdateError

__all__ = ["Downloaded", "fetch"]

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Downloaded:
    """What landed in the temporary file."""

    size: int
    sha256: str


def _copy_capped(source: BinaryIO, target: BinaryIO, max_bytes: int, label: str) -> Downloaded:
    """Copy ``source`` to ``target``, failing as soon as more than ``max_bytes`` arrive."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise UpdateError(f"{label}: download is larger than the {max_bytes:,}-byte cap "
                              "(--max-size); refused")
        digest.update(chunk)
        target.write(chunk)
    return Downloaded(size=size, sha256=digest.hexdigest())


def _open_url(url: str, timeout: float) -> BinaryIO:
    """Open an http(s) URL; a non-2xx answer or a network failure is an :class:`UpdateError`."""
    request = urllib.request.Request(url, headers={  # noqa: S310  # scheme checked by fetch()
        "User-Agent": f"ci-security-gate/{gate.__version__} (gate db update)"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310  # nosec B310 http(s) only, checked by fetch()
    except urllib.error.HTTPError as exc:
        raise UpdateError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UpdateError(f"{url}: cannot download: {reason}") from exc
    return response  # type: ignore[no-any-return]


def fetch(source: str, target: Path, *, max_bytes: int, timeout: float) -> Downloaded:
    """Write ``source`` (URL or path) to ``target``; raise :class:`UpdateError` on any failure."""
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    try:
        with target.open("wb") as out:
            if scheme in ("http", "https"):
                response = _open_url(source, timeout)
                with response:
                    declared = response.headers.get("Content-Length")  # type: ignore[attr-defined]
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise UpdateError(f"{source}: server announces {int(declared):,} bytes, "
                                          f"more than the {max_bytes:,}-byte cap (--max-size)")
                    return _copy_capped(response, out, max_bytes, source)
            if scheme in ("", "file"):
                path = Path(urllib.parse.unquote(urllib.parse.urlsplit(source).path)
                            if scheme == "file" else source)
                with path.open("rb") as local:
                    return _copy_capped(local, out, max_bytes, source)
    except UpdateError:
        raise
    except (OSError, ValueError) as exc:  # a connection cut mid-body, a missing local file
        raise UpdateError(f"{source}: download failed: {exc}") from exc
    raise UpdateError(f"{source}: unsupported source (use an https URL or a local path)")


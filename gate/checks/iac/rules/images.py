"""Container image references: is the tag pinned (a version or a digest), or floating?"""

from __future__ import annotations

__all__ = ["floating_tag"]


def floating_tag(image: str) -> str | None:
    """Why ``image`` floats (``"no tag"`` / ``"the latest tag"``), or None when pinned.

    A digest pins regardless of tag; the registry port (``host:5000/app``) is
    not a tag because a tag can only follow the last ``/``.
    """
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "no tag"
    return "the latest tag" if last.rsplit(":", 1)[1] == "latest" else None

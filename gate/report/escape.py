"""Make untrusted text inert in Markdown (GitHub and GitLab flavours).

Paths, messages and rule ids come from the scanned repository or from tools
reading it: a crafted file name must not inject HTML, links, images, tables or
``@mention`` pings into a pull-request comment.
"""

from __future__ import annotations

import re

__all__ = ["md_code", "md_link", "md_text"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SAFE_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'*+,;=%-]+$")


def md_text(value: object, limit: int = 300) -> str:
    """Escape arbitrary text for use inside a Markdown table cell or paragraph.

    HTML is entity-encoded, Markdown punctuation backslash-escaped, newlines
    folded, ``@`` and ``#`` defused so that nobody gets pinged and no issue is
    cross-referenced, and over-long text cut.
    """
    text = _CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    # An escaped "@" still pings on GitHub; an HTML entity does not.
    return text.replace("@", "&#64;").replace(":", "&#58;")


def md_code(value: object, limit: int = 200) -> str:
    """Render untrusted text as inline code, without letting it close the code span."""
    return f"<code>{md_text(value, limit)}</code>"


def md_link(text: str, url: str | None) -> str:
    """A link when ``url`` is a plain http(s) URL, else just the (already escaped) text."""
    if url and _SAFE_URL.match(url) and len(url) < 2000:
        return f"[{text}]({url.replace('(', '%28').replace(')', '%29')})"
    return text

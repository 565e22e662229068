"""The environment of every git command the gate runs.

git is run read-only over the repository under scan: listing files, taking
content ids, reading base versions and history. None of it may stop to ask
for a password, open a pager, take an optional lock on the index (a
concurrent ``git`` of the user's would then fail), or answer in a language
the gate does not parse.
"""

from __future__ import annotations

import os

__all__ = ["git_env"]


def git_env() -> dict[str, str]:
    """The caller's environment, with prompts, pagers and optional locks switched off."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0",
                "LC_ALL": "C"})
    return env

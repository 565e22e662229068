"""Print the README's set-up commands, one per line, exactly as README.md writes them.

.ci/run runs what this prints, verbatim, in a fresh virtualenv before anything else: the
README is the contract a new user follows, and CI fails the moment it stops holding. The
commands are the ``sh`` blocks of the "## Set up" section; there must be exactly two (the
install-and-run command, then the test command).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def set_up_commands(text: str) -> list[str]:
    section = re.search(r"^## Set up\n(.*?)(?=^## )", text, re.M | re.S)
    if section is None:
        raise SystemExit("README.md has no '## Set up' section")
    blocks = re.findall(r"^```sh\n(.*?)^```", section.group(1), re.M | re.S)
    commands = [block.strip() for block in blocks]
    if len(commands) != 2 or any("\n" in command for command in commands):
        raise SystemExit(f"README.md '## Set up' must hold two one-line sh blocks, found {commands!r}")
    return commands


if __name__ == "__main__":
    sys.stdout.write("".join(f"{command}\n" for command in set_up_commands(README.read_text("utf-8"))))

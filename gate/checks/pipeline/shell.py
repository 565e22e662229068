"""Reading ``run:`` scripts (bash and PowerShell) line by line, the way rules need them.

Never executed, never fully parsed: commands are joined across ``\\`` / `` ` ``
continuations and looked at with patterns anchored on command names. Each command keeps
the offset of its first line inside the script, so a finding points at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["ENV_WRITE", "Command", "commands", "host_allowed", "shell_vars", "url_hosts",
           "written_part"]

ENV_WRITE = re.compile(r">>?\s*[\"']?(\$\{?GITHUB_(ENV|PATH|OUTPUT)\}?|\$env:GITHUB_(ENV|PATH|OUTPUT))"
                       r"|(Out-File|Add-Content|Set-Content)\b.{0,300}\$env:GITHUB_(ENV|PATH|OUTPUT)",
                       re.IGNORECASE)
_URL = re.compile(r"(?:https?|ftp|wss?)://[^\s\"'`<>|;)]+", re.IGNORECASE)
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|\$env:([A-Za-z_][A-Za-z0-9_]*)",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Command:
    """One logical command line of a script and the line it starts on (0-based)."""

    text: str
    offset: int


def commands(script: str) -> Iterator[Command]:
    """The script's commands, continuation lines joined."""
    pending: list[str] = []
    start = 0
    for number, line in enumerate(script.splitlines()):
        if not pending:
            start = number
        stripped = line.rstrip()
        if stripped.endswith(("\\", "`")) and not stripped.endswith("\\\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(line)
        yield Command(" ".join(pending), start)
        pending = []
    if pending:
        yield Command(" ".join(pending), start)


def shell_vars(text: str) -> list[str]:
    """``$NAME``, ``${NAME}`` and ``$env:NAME`` references, in order."""
    return [m.group(1) or m.group(2) for m in _VAR.finditer(text)]


def url_hosts(text: str) -> list[str]:
    """Literal hosts of the URLs in ``text`` (lower case); URLs built from variables have
    none (``https://$HOST/x`` cannot be judged and is not listed)."""
    hosts = []
    for match in _URL.finditer(text):
        url = match.group(0)
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            continue
        if host and "$" not in url.split("/")[2] and "{" not in url.split("/")[2]:
            hosts.append(host.lower())
    return hosts


def host_allowed(host: str, allowed: frozenset[str]) -> bool:
    """Whether ``host`` is in ``allowed`` (``example.com`` allows its subdomains too)."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in allowed for i in range(len(parts) - 1))


_SEPARATOR = re.compile(r"&&|\|\||;")


def written_part(command: str) -> str:
    """The part of ``command`` whose output goes to the environment file: the simple command
    before the redirect (``a && echo "X=$Y" >> $GITHUB_ENV`` -> ``echo "X=$Y" >> ...``), or the
    whole ``{ ...; } >> $GITHUB_ENV`` group; ``""`` when nothing is written there."""
    match = ENV_WRITE.search(command)
    if match is None:
        return ""
    prefix = command[:match.start()]
    if prefix.rstrip().endswith("}") and "{" in prefix:
        return command[prefix.rindex("{"):match.end()]
    cuts = [m.end() for m in _SEPARATOR.finditer(prefix)]
    return command[(cuts[-1] if cuts else 0):match.end()]

"""Credentials in the files where leaks sit: ``.env``, ``.netrc``, ``.pypirc``, ``.npmrc``,
docker ``config.json``, kubeconfig, production settings, Terraform variables.

A provider token has a format; a password does not. In these files the
*place* says what a value is: ``password`` after ``machine`` in ``.netrc``,
``auths.<registry>.auth`` in a docker config, ``SECRET_KEY`` in a production
settings module, a ``password`` variable's ``default``. Each rule finds
literal values in such places, by the file's own syntax, and rates them
(:func:`~gate.checks.secrets.detectors.literals.rate`):

- a placeholder or template (``${VAR}``, ``<token>``, ``changeme``): ``low``,
  ``placeholder``, with the marker;
- a development value (``postgres``, ``root``, the user name or the service
  name again) or a credential for a host that only exists on a laptop or in
  CI (loopback, a single-label service name, ``*.local``...): ``low``,
  ``dev-credential``;
- a random-looking literal (12 characters or more, two character classes,
  3 bits of entropy per character, once dictionary stems like ``Passw0rd``
  are taken out; or 8 or more mixing three classes, with no such stem) for
  any other host: ``high``;
- anything else (a short or dictionary-like literal): ``medium``, ``weak``.

Example files (``.env.example``, ``.sample``, ``.template``, ``.dist``) are
not read by these rules. Values are never kept beyond the hit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from gate.checks.secrets.detectors.checksums import b64decode_loose
from gate.checks.secrets.detectors.interface import Detector, DetectorSecret, Note
from gate.checks.secrets.detectors.lazyre import lazy
from gate.checks.secrets.detectors.literals import public_material, rate, secret_name
from gate.checks.secrets.detectors.web import is_dev_host
from gate.findings import Severity

__all__ = ["FILE_DETECTORS", "find_in_credential_files"]

_NEVER = lazy(r"(?!)")
_HELP = "https://cwe.mitre.org/data/definitions/798.html"
_ROTATE = "Change the password or token on the service it opens, then load it at run time."


def _detector(rule: str, provider: str, title: str) -> Detector:
    return Detector(rule_id=rule, provider=provider, title=title, severity=Severity.HIGH,
                    pattern=_NEVER, anchors=("\x00",), help_url=_HELP, revoke=_ROTATE,
                    provider_token=False, family="credfiles")


DOTENV = _detector("GATE-SECRET-DOTENV-CREDENTIAL", "dotenv", "Credential in a .env file")
NETRC = _detector("GATE-SECRET-NETRC-PASSWORD", "netrc", "Password in a .netrc file")
PYPIRC = _detector("GATE-SECRET-PYPIRC-PASSWORD", "pypirc", "Password in a .pypirc file")
NPMRC = _detector("GATE-SECRET-NPMRC-AUTH", "npmrc", "Registry credential in an .npmrc file")
DOCKER = _detector("GATE-SECRET-DOCKER-CONFIG-AUTH", "docker",
                   "Registry credential in a docker config.json")
KUBECONFIG = _detector("GATE-SECRET-KUBECONFIG-CREDENTIAL", "kubeconfig",
                       "User token or password in a kubeconfig")
SETTINGS = _detector("GATE-SECRET-PRODUCTION-SETTINGS", "settings",
                     "Secret key or database password in production settings")
TERRAFORM = _detector("GATE-SECRET-TERRAFORM-VARIABLE", "terraform",
                      "Secret in a Terraform argument, variable value or default")

FILE_DETECTORS: tuple[Detector, ...] = (DOTENV, NETRC, PYPIRC, NPMRC, DOCKER, KUBECONFIG,
                                        SETTINGS, TERRAFORM)
"""Rules found by a file's place and syntax, not by a token format (no anchors, no pattern)."""

_EXAMPLE_FILE = lazy(r"(?i)[._-](?:example|sample|template|tmpl|tpl|dist|defaults?|schema)$")


@dataclass(frozen=True)
class _Found:
    index: int
    """0-based line."""
    value: str
    note: Note


def _unquote(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'`":
        return raw[1:-1]
    comment = re.search(r"[ \t]#", raw)  # one character before: linear, whatever the spaces
    return (raw[:comment.start()] if comment else raw).strip()


def _host(url: str) -> str:
    if "://" not in url:
        url = "//" + url
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


_ASSIGN = lazy(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.*)$")
"""``NAME=value``; the value is stripped by :func:`_unquote` (a lazy match before trailing
spaces would be quadratic on a long line of spaces)."""


def _dotenv(lines: Sequence[str], path: str) -> Iterator[_Found]:
    pairs = [(i, m.group(1), _unquote(m.group(2))) for i, line in enumerate(lines)
             if not line.lstrip().startswith("#") and (m := _ASSIGN.match(line))]
    hosts = [_host(v) or v for _, name, v in pairs if re.search(r"(?i)host", name) and v]
    dev = bool(hosts) and all(is_dev_host(h) for h in hosts)
    for index, name, value in pairs:
        if value and secret_name(name):
            yield _Found(index, value, rate(DOTENV, value, "localhost" if dev else None))


_NETRC_TOKENS = lazy(r"\S+")


def _netrc(lines: Sequence[str], path: str) -> Iterator[_Found]:
    tokens = [(i, m.group(0)) for i, line in enumerate(lines) for m in _NETRC_TOKENS.finditer(line)]
    host: str | None = None
    user: str | None = None
    for position, (_, word) in enumerate(tokens):
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        if word == "machine" and following:
            host, user = following[1], None
        elif word == "default":
            host, user = None, None
        elif word == "login" and following:
            user = following[1]
        elif word == "password" and following:
            yield _Found(following[0], following[1], rate(NETRC, following[1], host, user))


def _pypirc(lines: Sequence[str], path: str) -> Iterator[_Found]:
    section, host, user = "", "upload.pypi.org", None
    pending: list[tuple[int, str]] = []

    def flush() -> Iterator[_Found]:
        for index, value in pending:
            if not value.startswith("pypi-"):  # a token: the PyPI detector reads it
                yield _Found(index, value, rate(PYPIRC, value, host, user))
        pending.clear()

    for index, line in enumerate(lines):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            yield from flush()
            section = header.group(1).strip()
            host = "test.pypi.org" if section == "testpypi" else "upload.pypi.org"
            user = None
            continue
        match = _ASSIGN.match(line)
        if not match or section == "distutils":
            continue
        key, value = match.group(1).lower(), _unquote(match.group(2))
        if key == "repository":
            host = _host(value) or host
        elif key == "username":
            user = value
        elif key == "password" and value:
            pending.append((index, value))
    yield from flush()


_NPMRC = lazy(r"^\s*(?://([^/:\s]+)[^:\s]*:)?(_authToken|_auth|_password|npmAuthToken"
                    r"|npmAuthIdent)\s*[=:]\s*(.+)$")


def _npmrc(lines: Sequence[str], path: str) -> Iterator[_Found]:
    for index, line in enumerate(lines):
        match = _NPMRC.match(line)
        if not match:
            continue
        host, kind, value = match.group(1) or "registry.npmjs.org", match.group(2), \
            _unquote(match.group(3))
        if not value or value.startswith("npm_"):  # npm tokens: the npm detector reads them
            continue
        password = value
        if kind in ("_auth", "npmAuthIdent", "_password"):
            decoded = b64decode_loose(value)
            text = decoded.decode("utf-8", "replace") if decoded else ""
            password = text.split(":", 1)[-1] if decoded else value
        yield _Found(index, value, rate(NPMRC, password or value, host))


def _line_of(lines: Sequence[str], value: str) -> int | None:
    return next((i for i, line in enumerate(lines) if value in line), None)


_MAX_JSON = 1 << 20
"""A docker config is a few KiB: a larger JSON file is not parsed (its lines are still scanned
by every other detector)."""


def _docker(lines: Sequence[str], path: str) -> Iterator[_Found]:
    text = "\n".join(lines)
    if len(text) > _MAX_JSON:
        return
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    auths = data.get("auths") if isinstance(data, dict) else None
    if not isinstance(auths, dict):
        return
    for registry, entry in auths.items():
        if not isinstance(entry, dict):
            continue
        host = _host(str(registry))
        for key in ("auth", "password", "identitytoken", "registrytoken"):
            value = entry.get(key)
            if not isinstance(value, str) or not value:
                continue
            index = _line_of(lines, value)
            if index is None:
                continue
            password, user = value, None
            if key == "auth":
                decoded = b64decode_loose(value)
                text = decoded.decode("utf-8", "replace") if decoded else ""
                if ":" in text:
                    user, password = text.split(":", 1)
            yield _Found(index, value, rate(DOCKER, password, host, user))


_KUBE_SECRET = lazy(r"^\s*(token|password)\s*:\s*(\S.*)$")


def _kubeconfig(lines: Sequence[str], path: str) -> Iterator[_Found]:
    servers = [_host(m.group(1)) for line in lines
               if (m := re.match(r"^\s*server\s*:\s*['\"]?(\S+?)['\"]?\s*$", line))]
    dev = bool(servers) and all(is_dev_host(h) for h in servers)
    for index, line in enumerate(lines):
        match = _KUBE_SECRET.match(line)
        if not match:
            continue
        value = _unquote(match.group(2))
        if value and not value.startswith("eyJ"):  # a JWT: the JWT detector reads it
            yield _Found(index, value, rate(KUBECONFIG, value, "localhost" if dev else None))


_SECRET_KEY = lazy(
    r"""^\s*(?:SECRET_KEY|app\.secret_key|app\.config\[\s*["']SECRET_KEY["']\s*\])\s*"""
    r"""(?::\s*str\s*)?=\s*(["'])(.+?)\1""")
_DB_PASSWORD = lazy(r"""["']PASSWORD["']\s*:\s*(["'])(.*?)\1""")
_DB_HOST = lazy(r"""["']HOST["']\s*:\s*(["'])(.*?)\1""")
_DB_USER = lazy(r"""["']USER["']\s*:\s*(["'])(.*?)\1""")


def _settings(lines: Sequence[str], path: str) -> Iterator[_Found]:
    for index, line in enumerate(lines):
        key = _SECRET_KEY.match(line)
        if key:
            yield _Found(index, key.group(2), rate(SETTINGS, key.group(2)))
            continue
        password = _DB_PASSWORD.search(line)
        if not password or not password.group(2):
            continue
        near = lines[max(0, index - 12):index + 12]
        hosts = [m.group(2) for text in near if (m := _DB_HOST.search(text))]
        users = [m.group(2) for text in near if (m := _DB_USER.search(text))]
        host = hosts[0] if hosts and hosts[0] else "localhost"  # Django: empty HOST = local
        yield _Found(index, password.group(2),
                     rate(SETTINGS, password.group(2), host, users[0] if users else None))


_TFVAR = lazy(r"""^\s*"?([A-Za-z_][\w-]*)"?\s*[=:]\s*"((?:[^"\\]|\\.)*)"\s*(?:,\s*)?(?:#.*)?$""")
_VARIABLE = lazy(r"""^\s*variable\s+"([^"]+)"\s*\{""")
_DEFAULT = lazy(r"""^\s*default\s*=\s*"((?:[^"\\]|\\.)*)"\s*$""")


def _tfvars(lines: Sequence[str], path: str) -> Iterator[_Found]:
    for index, line in enumerate(lines):
        match = _TFVAR.match(line)
        if match and match.group(2) and secret_name(match.group(1)):
            yield _Found(index, match.group(2), rate(TERRAFORM, match.group(2)))


_ARGUMENT = lazy(r"""^\s*([A-Za-z_][\w-]*)\s*=\s*"((?:[^"\\$]|\\.)*)"\s*(?:#.*)?$""")
_FLOWS = lazy(r"""^\s*([A-Za-z_][\w-]*)\s*=.*\bvar\.([A-Za-z_][\w-]*)""")


def _terraform(lines: Sequence[str], path: str) -> Iterator[_Found]:
    """A literal in a secret-named resource argument (``administrator_login_password``), and a
    variable's literal ``default`` when the variable is secret-named or, in this file, flows
    into a secret-named or ``user_data`` argument."""
    flowing = {m.group(2) for line in lines if (m := _FLOWS.match(line))
               and (secret_name(m.group(1)) or m.group(1) in ("user_data", "custom_data"))}
    name: str | None = None
    for index, line in enumerate(lines):
        variable = _VARIABLE.match(line)
        if variable:
            name = variable.group(1)
            continue
        if name is None:
            argument = _ARGUMENT.match(line)
            if argument and argument.group(2) and secret_name(argument.group(1)):
                yield _Found(index, argument.group(2), rate(TERRAFORM, argument.group(2)))
            continue
        if re.match(r"^\}", line):
            name = None
            continue
        default = _DEFAULT.match(line)
        if default and default.group(1) and (secret_name(name) or name in flowing):
            yield _Found(index, default.group(1), rate(TERRAFORM, default.group(1)))


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


_PRODUCTION = lazy(r"(?i)(?:^|[/_.-])(?:prod|production|live|staging)(?:$|[/_.-])")
_SETTINGS_PATH = lazy(r"(?i)(?:^|/)(?:[\w-]*settings[\w-]*|config|conf)(?:/|\.py$|$)")


def _rules(path: str, lines: Sequence[str]) -> Callable[[Sequence[str], str], Iterator[_Found]] | None:
    """The rule for this file, by its name (and, for JSON and YAML, one marker in it)."""
    name = _basename(path)
    lowered = name.lower()
    if _EXAMPLE_FILE.search(lowered):
        return None
    if lowered == ".env" or lowered.startswith(".env.") or lowered.endswith(".env"):
        return _dotenv
    if lowered in (".netrc", "_netrc"):
        return _netrc
    if lowered == ".pypirc":
        return _pypirc
    if lowered in (".npmrc", ".yarnrc", ".yarnrc.yml"):
        return _npmrc
    if lowered.endswith(".tfvars") or lowered.endswith(".tfvars.json"):
        return _tfvars
    if lowered.endswith(".tf"):
        return _terraform
    if lowered.endswith(".py"):
        # the last two components only: the checkout's own directories say nothing
        relative = "/".join(path.replace("\\", "/").split("/")[-2:])
        if _PRODUCTION.search(relative) and _SETTINGS_PATH.search(relative):
            return _settings
        return None
    if lowered in ("config.json", ".dockercfg", ".dockerconfigjson") or lowered.endswith(".json"):
        if any('"auths"' in line for line in lines[:2000]):
            return _docker
        return None
    if (lowered in ("config", "kubeconfig") or lowered.endswith((".kubeconfig", ".yaml", ".yml"))) \
            and any(re.match(r"^kind:\s*Config\s*$", line) for line in lines[:2000]):
        return _kubeconfig
    return None


def find_in_credential_files(lines: Sequence[str], filename: str) -> list[DetectorSecret]:
    """Literal credentials in ``lines`` when ``filename`` is one of the files above."""
    rule = _rules(filename, lines)
    if rule is None:
        return []
    return [DetectorSecret(found.note.rule_id, filename, found.index + 1, found.value, found.note)
            for found in rule(lines, filename) if not public_material(found.value)]

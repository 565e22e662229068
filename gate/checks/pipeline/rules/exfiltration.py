"""Exfiltration: secrets sent to hosts nobody reviewed, all secrets at once, hidden commands,
and the workflow-command switch that lets output set variables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from gate.checks.pipeline.interface import Category, Hop, Issue, Kind, PipelineFile
from gate.checks.pipeline.model import Job, Repo, Step, iter_strings, offset_in_block
from gate.checks.pipeline.rule import Rule
from gate.checks.pipeline.shell import commands, host_allowed, shell_vars, url_hosts
from gate.findings import Severity

__all__ = ["DEFAULT_ALLOWED_HOSTS", "AllSecretsSerialised", "InsecureCommands",
           "ObfuscatedCommand", "SecretToUnknownHost", "named_after", "sends"]

DEFAULT_ALLOWED_HOSTS = frozenset({
    "github.com", "api.github.com", "uploads.github.com", "githubusercontent.com", "ghcr.io",
    "pypi.org", "test.pypi.org", "upload.pypi.org", "files.pythonhosted.org",
    "registry.npmjs.org", "npmjs.org", "codecov.io", "coveralls.io", "sonarcloud.io",
    "readthedocs.org", "readthedocs.com", "docker.io", "quay.io", "gitlab.com",
    "anaconda.org", "crates.io", "rubygems.org", "nuget.org", "slack.com", "discord.com",
    "amazonaws.com", "googleapis.com", "azure.com", "windows.net", "azurecr.io",
})
"""Hosts a CI secret is commonly sent to on purpose (forges, registries, coverage, chat);
the policy's ``checks.pipeline.allowed_hosts`` adds more."""

_SENDER = re.compile(r"(^|[\s;&|(`$])(curl|wget|invoke-webrequest|invoke-restmethod|iwr|irm|"
                     r"nc|ncat|netcat|http|https)(\s|$)", re.IGNORECASE)
_SECRET_EXPR = re.compile(r"\$\{\{[^}]{0,300}?\b(secrets\.[A-Za-z_][\w]*|github\.token)[^}]{0,300}\}\}",
                          re.IGNORECASE)
_TOJSON = re.compile(r"tojson\s*\(\s*secrets\s*\)", re.IGNORECASE)
_OBFUSCATED = re.compile(
    r"base64\s+(-d|--decode|-D)\b[^\n]{0,300}?\|\s*(sudo\s+)?(ba|z|da)?sh\b|"
    r"(eval|bash\s+-c|sh\s+-c)\s+[\"']?\$\([^)]{0,300}?base64\s+(-d|--decode|-D)|"
    r"FromBase64String[^\n]{0,300}?(iex|Invoke-Expression)|"
    r"(iex|Invoke-Expression)[^\n]{0,300}?FromBase64String|"
    r"python3?\s+-c\s+[\"'][^\n]{0,300}?b64decode[^\n]{0,300}?exec|"
    r"exec\s*\(\s*base64\.b64decode",
    re.IGNORECASE)


def named_after(secret: str, host: str) -> bool:
    """Whether the secret is named after the host's domain (``PAGERDUTY_TOKEN`` to
    ``api.pagerduty.com``): the credential is going to the service that issued it."""
    labels = host.split(".")
    if len(labels) < 2:
        return False
    domain = labels[-2].lower()
    words = {w.lower() for w in re.split(r"[._\-]", secret) if len(w) >= 4}
    return domain in words


def sends(text: str) -> bool:
    """Whether a command line calls a network client."""
    return bool(_SENDER.search(text))


def _secret_env(step: Step, job: Job, file: PipelineFile) -> dict[str, str]:
    """Shell variable -> the secret it holds, from step, job and workflow ``env:``."""
    out: dict[str, str] = {}
    scopes: list[Mapping[str, Any]] = [step.env, job.env]
    if file.kind is Kind.WORKFLOW and isinstance(file.value.get("env"), Mapping):
        scopes.append(file.value["env"])
    for env in reversed(scopes):
        for key, value in env.items():
            if isinstance(value, str):
                match = _SECRET_EXPR.search(value)
                if match:
                    out[str(key)] = match.group(1)
    return out


class SecretToUnknownHost(Rule):
    """A secret or the job token in a network command to a host outside the allow-list."""

    id = "GATE-GHA-010"
    title = "Secret sent to a host outside the allow-list"
    severity = Severity.HIGH
    category = Category.EXFILTRATION
    rationale = ("A workflow that posts a secret to a host nobody reviewed is how pushed "
                 "workflows exfiltrate credentials; a legitimate service is added to the "
                 "allow-list once, on the record.")
    fix = ("Send secrets only to the service they belong to; add that host to "
           "checks.pipeline.allowed_hosts in .gate.yml, or remove the step.")
    incident = ("GhostAction (Sep 2025): 3,325 secrets exfiltrated by pushed workflows that "
                "curl'ed them to an attacker's endpoint.")
    kinds = frozenset({Kind.WORKFLOW, Kind.ACTION})
    aliases = ("CKV_GHA_3", "CKV_GHA_4")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        allowed = repo.allowed_hosts
        for job, step in repo.all_steps(file):
            if not step.run or not sends(step.run):
                continue
            held = _secret_env(step, job, file)
            at = (*step.path, "run")
            base = offset_in_block(file, at, 0, step.run)
            for command in commands(step.run):
                if not sends(command.text):
                    continue
                secret = next((m.group(1) for m in _SECRET_EXPR.finditer(command.text)), None)
                if secret is None:
                    secret = next((held[v] for v in shell_vars(command.text) if v in held), None)
                if secret is None:
                    continue
                hosts = [h for h in url_hosts(command.text) if not host_allowed(h, allowed)
                         and not named_after(secret, h)]
                if not hosts:
                    continue
                offset = base + command.offset
                yield Issue(
                    detail=f"sends {secret} to {hosts[0]} (not in the allow-list) in job "
                           f"{job.id}",
                    at=at, key=f"{job.id}:{step.index}:{secret}:{hosts[0]}",
                    flow=(job.hop(), Hop(file.path, file.line_of(at) + offset,
                                         f"{secret} sent to {hosts[0]}")),
                    line_offset=offset, job=job.id)


class AllSecretsSerialised(Rule):
    """``toJSON(secrets)`` hands every secret of the repository to one step."""

    id = "GATE-GHA-011"
    title = "All secrets serialised with toJSON(secrets)"
    severity = Severity.HIGH
    category = Category.EXFILTRATION
    rationale = ("toJSON(secrets) gives one step every secret the repository and organisation "
                 "hold, not the ones it needs; it is the first line of secret-dumping payloads.")
    fix = "Pass each secret the step needs by name (env: TOKEN: ${{ secrets.TOKEN }})."
    incident = ("GhostAction (Sep 2025) and the Nx \"s1ngularity\" payloads dumped all "
                "secrets at once.")
    kinds = frozenset({Kind.WORKFLOW, Kind.ACTION})
    zizmor = ("overprovisioned-secrets", "poutine:job_all_secrets")

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for at, text in iter_strings(file.value):
            match = _TOJSON.search(text)
            if match:
                offset = offset_in_block(file, at, match.start(), text) \
                    if "\n" in text[:match.start()] else 0
                yield Issue(detail="serialises every secret with toJSON(secrets)", at=at,
                            key="/".join(map(str, at)), line_offset=offset)


class ObfuscatedCommand(Rule):
    """A base64-decoded command line piped into a shell or ``eval``."""

    id = "GATE-GHA-012"
    title = "Obfuscated (base64-decoded) command executed"
    severity = Severity.HIGH
    category = Category.EXFILTRATION
    rationale = ("Nobody reviews what a base64 blob does; decoded into a shell it hides the "
                 "payload of a malicious workflow change from the reviewer.")
    fix = "Write the command in clear text in the workflow (or a reviewed script in the repo)."
    incident = ("tj-actions/changed-files (CVE-2025-30066): the malicious commit hid its "
                "memory-dumping payload in base64.")
    kinds = frozenset({Kind.WORKFLOW, Kind.ACTION})
    zizmor = ("obfuscation",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for job, step in repo.all_steps(file):
            if not step.run:
                continue
            at = (*step.path, "run")
            base = offset_in_block(file, at, 0, step.run)
            for command in commands(step.run):
                if _OBFUSCATED.search(command.text):
                    yield Issue(detail=f"decodes a base64 command and executes it in job "
                                       f"{job.id}", at=at,
                                key=f"{job.id}:{step.index}:{command.offset}",
                                line_offset=base + command.offset, job=job.id)


class InsecureCommands(Rule):
    """``ACTIONS_ALLOW_UNSECURE_COMMANDS`` re-enables ``::set-env`` / ``::add-path``."""

    id = "GATE-GHA-013"
    title = "ACTIONS_ALLOW_UNSECURE_COMMANDS enabled"
    severity = Severity.HIGH
    category = Category.INJECTION
    rationale = ("With it, any text a step prints (a test name, a file name, a PR title in a "
                 "log) can set environment variables and PATH for the rest of the job: "
                 "CVE-2020-15228.")
    fix = "Remove it; write to $GITHUB_ENV / $GITHUB_PATH instead of ::set-env / ::add-path."
    incident = ("CVE-2020-15228 (Google Project Zero, 2020): workflow commands parsed from "
                "stdout let logged text set variables; GitHub disabled them by default.")
    kinds = frozenset({Kind.WORKFLOW, Kind.ACTION})
    aliases = ("CKV_GHA_1",)
    zizmor = ("insecure-commands",)

    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterator[Issue]:
        for at, text in iter_strings(file.value):
            if at and str(at[-1]).upper() == "ACTIONS_ALLOW_UNSECURE_COMMANDS" and \
                    text.strip().lower() in ("true", "1", "yes"):
                yield Issue(detail="sets ACTIONS_ALLOW_UNSECURE_COMMANDS: true", at=at,
                            key="/".join(map(str, at)))
            elif "ACTIONS_ALLOW_UNSECURE_COMMANDS=TRUE" in text.upper().replace(" ", ""):
                yield Issue(detail="enables ACTIONS_ALLOW_UNSECURE_COMMANDS through the "
                                   "environment file", at=at, key="/".join(map(str, at)))
        for at, value in _bool_envs(file.value):
            if value:
                yield Issue(detail="sets ACTIONS_ALLOW_UNSECURE_COMMANDS: true", at=at,
                            key="/".join(map(str, at)))


def _bool_envs(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[
        tuple[tuple[str | int, ...], bool]]:
    """``ACTIONS_ALLOW_UNSECURE_COMMANDS: true`` written as a YAML boolean."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if str(key).upper() == "ACTIONS_ALLOW_UNSECURE_COMMANDS" and item is True:
                yield (*path, key), True
            else:
                yield from _bool_envs(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _bool_envs(item, (*path, i))

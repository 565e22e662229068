"""The policy schema (``.gate.yml``), as frozen dataclasses.

The classes are the single source of truth: validation, the effective-policy
dump (``gate policy validate``) and the published JSON Schema all come from
them (:mod:`gate.policy.schema` hands them to pydantic, which reads their
types, defaults and each field's ``metadata``: description and constraints).
Every class forbids unknown keys (``__pydantic_config__``) so that a typo is
an error, never a silently ignored setting.

This module imports no pydantic: a run without a policy file uses the
defaults as they are (``Policy()``), and only reading, validating or printing
a policy loads the validator.
"""

from __future__ import annotations

import functools
import re
from dataclasses import MISSING, dataclass, field, fields, make_dataclass
from datetime import date
from enum import Enum
from typing import Any, ClassVar, Literal

from gate.findings import Confidence, Severity
from gate.policy.contexts import DEFAULT_CONTEXT_FAIL_ON, NEVER, ContextName, ContextPolicy

__all__ = [
    "BUILTIN_CHECK_POLICIES",
    "BranchOverride",
    "CheckPolicy",
    "ChecksPolicy",
    "ContextPolicy",
    "DependenciesPolicy",
    "IacPolicy",
    "InlineSuppressions",
    "Mode",
    "NotScannedPolicy",
    "OnEmpty",
    "OnError",
    "PipelinePolicy",
    "PluginCheckPolicy",
    "Policy",
    "ReportsPolicy",
    "SastPolicy",
    "SecretsPolicy",
    "Waiver",
    "parse_size",
    "policy_model",
]

SeverityName = Literal["info", "low", "medium", "high", "critical"]
ConfidenceName = Literal["low", "medium", "high"]


class OnError(str, Enum):
    """What a check that could not complete does to the verdict."""

    FAIL = "fail"
    WARN = "warn"


class Mode(str, Enum):
    """Which findings can fail the gate: all of them, or only those new against the base."""

    ALL = "all"
    NEW = "new"


class NotScannedPolicy(str, Enum):
    """What a file the secrets check could not read does to the verdict (``docs/policy.md``)."""

    AUTO = "auto"
    """Fail, except for files binary by name (images, archives...) and links out of the tree."""
    FAIL = "fail"
    WARN = "warn"


class OnEmpty(str, Enum):
    """What an enabled check that judged nothing (read no file) does to the verdict."""

    AUTO = "auto"
    """Fail when no check read anything (an empty tree, a missing checkout); else warn."""
    FAIL = "fail"
    WARN = "warn"


class InlineSuppressions(str, Enum):
    """Whether inline markers (``# nosec``, ``# gate:ignore[...]``) are honoured."""

    ALLOW = "allow"
    REQUIRE_REASON = "require-reason"
    DENY = "deny"


STRICT: dict[str, Any] = {"extra": "forbid"}
"""Every class's pydantic configuration: an unknown key is an error."""


def _field(default: Any = MISSING, *, factory: Any = MISSING, description: str | None = None,
           **constraints: Any) -> Any:
    """A dataclass field whose ``metadata`` pydantic reads (description, gt, ge, alias...)."""
    meta = {**constraints, **({"description": description} if description else {})}
    return field(default=default, default_factory=factory, metadata=meta)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2,
          "mib": 1024**2, "g": 1000**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(value: int | str) -> int:
    """Parse ``2MB``, ``512KiB`` or a plain byte count."""
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("must be a positive number of bytes")
        return value
    match = _SIZE.match(value)
    unit = (match.group(2) or "").lower() if match else ""
    if not match or unit not in _UNITS:
        raise ValueError(f"{value!r} is not a size (use e.g. 2000000, 2MB or 512KiB)")
    size = int(float(match.group(1)) * _UNITS[unit])
    if size <= 0:
        raise ValueError("must be a positive size")
    return size


def _json_value(value: Any, annotation: Any = None) -> Any:
    """``value`` as a JSON dump gives it (the types check options use); ``annotation`` is the
    field's type as written (a string: the module's annotations are not evaluated)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if annotation in (float, "float") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@dataclass(frozen=True)
class CheckPolicy:
    """Settings every check understands. ``None`` means "inherit the global value"."""

    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    enabled: bool = True
    fail_on: SeverityName | None = _field(
        default=None, description="Lowest severity that fails the gate for this check.")
    min_confidence: ConfidenceName | None = _field(
        default=None, description="Findings below this confidence never fail the gate.")
    on_error: OnError | None = _field(
        default=None, description="fail (default): a check that cannot complete fails the gate.")
    timeout: float | None = _field(default=None, gt=0, description="Seconds before the check is "
                                  "stopped and counted as an error.")
    exclude: tuple[str, ...] = _field(default=(), description="Globs of paths this check skips.")
    include: tuple[str, ...] = _field(default=(), description="If set, only these globs are "
                                     "scanned by this check.")
    on_empty: OnEmpty | None = _field(
        default=None, description="This check judged nothing (read no file): fail, warn, or "
        "auto (inherit the top-level on_empty).")

    def options(self) -> dict[str, Any]:
        """The check-specific options handed to the check (fields beyond the common ones), as
        a JSON dump gives them (:func:`gate.policy.schema.dump`), read from the fields."""
        return {f.name: _json_value(getattr(self, f.name), f.type) for f in fields(self)
                if f.name not in _COMMON}


_COMMON = frozenset(f.name for f in fields(CheckPolicy))


@dataclass(frozen=True)
class SastPolicy(CheckPolicy):
    """bandit settings."""


@dataclass(frozen=True)
class DependenciesPolicy(CheckPolicy):
    """pip-audit settings."""

    files: tuple[str, ...] = _field(
        default=(), description="Manifests to audit (globs); default: discover requirements*.txt, "
        "pyproject.toml, pylock.toml, poetry.lock, uv.lock.")
    vuln_db_max_age: float = _field(
        default=7, gt=0, description="Days after which the offline vulnerability database "
        "(`gate db update`) draws a warning that it is stale.")


@dataclass(frozen=True)
class SecretsPolicy(CheckPolicy):
    """detect-secrets settings."""


IacFramework = Literal["cloudformation", "terraform", "kubernetes", "dockerfile",
                       "github-actions", "gitlab-ci", "docker-compose"]


@dataclass(frozen=True)
class IacPolicy(CheckPolicy):
    """IaC rule engine settings."""

    frameworks: tuple[IacFramework, ...] = _field(
        default=("cloudformation", "terraform", "kubernetes", "dockerfile", "github-actions",
                 "gitlab-ci", "docker-compose"), description="Which frameworks to scan.")
    uncovered: Literal["warn", "fail"] = _field(
        default="warn", description="Resources of types no IaC rule judges: warn lists them per "
        "file; fail also makes each such file a critical GATE-IAC-UNCOVERED finding.")
    helm_values: dict[str, tuple[str, ...]] = _field(
        factory=dict, description="Chart directory -> extra values files (repo-relative) "
        "passed to helm template with --values.")


PipelinePlatform = Literal["github-actions", "gitlab-ci"]


@dataclass(frozen=True)
class PipelinePolicy(CheckPolicy):
    """CI pipeline audit settings (GitHub Actions, GitLab CI)."""

    platforms: tuple[PipelinePlatform, ...] = _field(
        default=("github-actions", "gitlab-ci"), description="Which CI systems to audit.")
    allowed_hosts: tuple[str, ...] = _field(
        default=(), description="Hosts secrets and job tokens may be sent to, beyond the "
        "built-in list (forges, package registries, coverage services); a name allows its "
        "subdomains.")


@dataclass(frozen=True)
class PluginCheckPolicy(CheckPolicy):
    """A third-party check: the common settings plus a free-form ``options`` mapping."""

    options_: dict[str, Any] = _field(factory=dict, alias="options")

    def options(self) -> dict[str, Any]:
        """Plugins get their ``options`` mapping as is."""
        return dict(self.options_)


BUILTIN_CHECK_POLICIES: dict[str, type[CheckPolicy]] = {
    "sast": SastPolicy,
    "dependencies": DependenciesPolicy,
    "secrets": SecretsPolicy,
    "iac": IacPolicy,
    "pipeline": PipelinePolicy,
}


@dataclass(frozen=True)
class ChecksPolicy:
    """One block per check. Plugin checks get fields added by :func:`policy_model`."""

    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    sast: SastPolicy = _field(factory=SastPolicy)
    dependencies: DependenciesPolicy = _field(factory=DependenciesPolicy)
    secrets: SecretsPolicy = _field(factory=SecretsPolicy)
    iac: IacPolicy = _field(factory=IacPolicy)
    pipeline: PipelinePolicy = _field(factory=PipelinePolicy)


@dataclass(frozen=True, kw_only=True)
class Waiver:
    """An accepted risk on the record: which findings, why, until when, and who owns it."""

    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    rule: str = _field(description="Rule id (e.g. B101, PYSEC-2018-28, GATE-AWS-S3-001) or '*'.")
    paths: tuple[str, ...] = _field(default=(), description="Globs; default: everywhere.")
    fingerprint: str | None = None
    reason: str = _field(min_length=1, description="Why the risk is accepted (required).")
    expires: date | None = None
    owner: str | None = None

    @staticmethod
    def blank_reason(value: Any) -> bool:
        """Whether a ``reason`` as written is blank (checked by :mod:`gate.policy.schema`)."""
        return isinstance(value, str) and not value.strip()


@dataclass(frozen=True)
class Limits:
    """Bounds on every worker process (see docs/security.md): what a hostile file can cost."""

    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    memory_mb: int = _field(default=2048, ge=256, le=1_048_576, description="Address-space limit "
                           "of each check and pool worker, in MiB.")
    file_seconds: float = _field(default=60.0, gt=0, le=86_400, description="Time budget of one "
                                "file in a pool worker; over it, the file is not scanned.")


ReportScopeName = Literal["failing", "code", "all"]
ReportFormatName = Literal["text", "json", "markdown", "sarif", "junit", "gitlab-sast",
                           "gitlab-secrets", "gitlab-dependencies", "codequality", "cyclonedx"]
DEFAULT_REPORT_SCOPES: dict[str, str] = {
    "sarif": "code", "gitlab-sast": "code", "gitlab-secrets": "code",
    "gitlab-dependencies": "code", "codequality": "code", "junit": "code",
}
"""Formats a platform ingests (code scanning, MR widgets, test panels): what fails plus what
would fail in code. Every other format (json, text, markdown, cyclonedx) keeps everything."""


@dataclass(frozen=True)
class ReportsPolicy:
    """What goes into each report file (``docs/formats.md``, "Report scope")."""

    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    scope: ReportScopeName | dict[ReportFormatName, ReportScopeName] = _field(
        factory=dict, description="failing: only findings that fail the gate; code: "
        "those plus any that would fail in code (tests, docs, vendored...); all: every finding. "
        "One value for every format, or one per format; default code for sarif, gitlab-*, "
        "codequality and junit, all for the others.")

    def scope_for(self, fmt: str) -> str:
        """The scope of one format: the policy's, else the format's default."""
        if isinstance(self.scope, str):
            return self.scope
        chosen = self.scope.get(fmt)  # type: ignore[call-overload]
        return str(chosen) if chosen else DEFAULT_REPORT_SCOPES.get(fmt, "all")


@dataclass(frozen=True)
class BranchOverride:
    """Settings that replace the top-level ones when the target branch matches the glob."""

    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    fail_on: SeverityName | None = None
    min_confidence: ConfidenceName | None = None
    on_error: OnError | None = None
    mode: Mode | None = None
    checks: dict[str, dict[str, Any]] = _field(factory=dict)
    contexts: dict[ContextName, ContextPolicy] = _field(factory=dict)


@dataclass(frozen=True)
class Policy:
    """The whole ``.gate.yml``."""

    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    version: Literal[1] = _field(default=1, description="Schema version of this file.")
    fail_on: SeverityName = _field(default="high", description="Default threshold for every check.")
    min_confidence: ConfidenceName = _field(default="low")
    mode: Mode = _field(default=Mode.ALL, description="all, or new: only findings absent on the "
                       "base ref fail.")
    on_error: OnError = _field(default=OnError.FAIL)
    timeout: float = _field(default=600.0, gt=0, description="Default per-check timeout (s).")
    max_file_size: int | str = _field(default=2_000_000, description="Larger files are read by the "
                                     "secrets check only (streamed).")
    not_scanned: NotScannedPolicy = _field(
        default=NotScannedPolicy.AUTO, description="A file the secrets check could not read: "
        "fail, warn, or auto (fail unless binary by name or a link out of the tree).")
    exclude: tuple[str, ...] = _field(default=(), description="Globs skipped by every check.")
    include: tuple[str, ...] = _field(default=(), description="If set, only these globs are "
                                     "scanned.")
    inline_suppressions: InlineSuppressions = _field(default=InlineSuppressions.ALLOW)
    on_empty: OnEmpty = _field(
        default=OnEmpty.AUTO, description="An enabled check that judged nothing (read no file): "
        "fail, warn, or auto (fail when no check read anything, else warn). A pass means every "
        "enabled check judged what it was given.")
    contexts: dict[ContextName, ContextPolicy] = _field(
        factory=dict, description="Per context (code, test, docs, example, ci, "
        "generated, vendored, iac): extra path globs and a fail_on threshold.")
    checks: ChecksPolicy = _field(factory=ChecksPolicy)
    waivers: tuple[Waiver, ...] = ()
    baseline: str | None = _field(default=None, description="Path of a baseline file.")
    branches: dict[str, BranchOverride] = _field(factory=dict)
    limits: Limits = _field(factory=Limits)
    reports: ReportsPolicy = _field(factory=ReportsPolicy)

    def check(self, name: str) -> CheckPolicy:
        """The policy block of one check (defaults when the file does not mention it)."""
        found = getattr(self.checks, name.replace("-", "_"), None)
        if isinstance(found, CheckPolicy):
            return found
        return BUILTIN_CHECK_POLICIES.get(name, PluginCheckPolicy)()

    def fail_on_for(self, name: str) -> Severity:
        """The effective failing threshold of a check."""
        return Severity.parse(self.check(name).fail_on or self.fail_on)

    def context_globs(self) -> dict[str, tuple[str, ...]]:
        """The ``contexts:`` path globs, in file order (the first match wins)."""
        return {name: block.paths for name, block in self.contexts.items() if block.paths}

    def fail_on_in(self, name: str, context: str) -> Severity | None:
        """The threshold of check ``name`` for a finding in ``context``; ``None``: never fails.

        The context's ``fail_on`` when the policy sets one, else the built-in default:
        the check's threshold in code, ci and iac, never in the other contexts.
        """
        block = self.contexts.get(context)  # type: ignore[call-overload]
        chosen = block.fail_on if block is not None and block.fail_on is not None \
            else DEFAULT_CONTEXT_FAIL_ON.get(context)
        if chosen is None:
            return self.fail_on_for(name)
        return None if chosen == NEVER else Severity.parse(chosen)

    def min_confidence_for(self, name: str) -> Confidence:
        """The effective confidence floor of a check."""
        return Confidence.parse(self.check(name).min_confidence or self.min_confidence)

    def on_error_for(self, name: str) -> OnError:
        """The effective on-error behaviour of a check."""
        return self.check(name).on_error or self.on_error

    def on_empty_for(self, name: str) -> OnEmpty:
        """The effective on-empty behaviour of a check (``auto`` at check level inherits)."""
        chosen = self.check(name).on_empty
        return self.on_empty if chosen in (None, OnEmpty.AUTO) else chosen

    def timeout_for(self, name: str) -> float:
        """The effective timeout of a check."""
        return self.check(name).timeout or self.timeout


def policy_model(plugin_checks: tuple[str, ...] = ()) -> type[Policy]:
    """The Policy class, extended with a ``checks.<name>`` block per installed plugin check.

    Built per run rather than accepting any key under ``checks:`` so that a typo
    there is still an unknown-key error with a suggestion.
    """
    plugin_checks = tuple(n for n in plugin_checks if n not in BUILTIN_CHECK_POLICIES)
    if not plugin_checks:
        return Policy
    return _extended(plugin_checks)


@functools.cache
def _extended(plugin_checks: tuple[str, ...]) -> type[Policy]:
    checks = make_dataclass(
        "ChecksPolicy", [(name.replace("-", "_"), PluginCheckPolicy,
                          field(default_factory=PluginCheckPolicy)) for name in plugin_checks],
        bases=(ChecksPolicy,), frozen=True)
    extended: type[Policy] = make_dataclass(
        "Policy", [("checks", checks, field(default_factory=checks))], bases=(Policy,),
        frozen=True)
    return extended

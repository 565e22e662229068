"""The policy schema (``.gate.yml``), as pydantic models.

The models are the single source of truth: validation, the effective-policy
dump (``gate policy validate``) and the published JSON Schema all come from
them. Every model forbids unknown keys so that a typo is an error, never a
silently ignored setting.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

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


class _Strict(BaseModel):
    # defer_build: a model's validator and serializer are built when a policy file is
    # validated, not at import (the default policy is made with model_construct)
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False,
                              defer_build=True)


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
    """``value`` as pydantic's JSON mode dumps it (the types check options use)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if annotation is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


class CheckPolicy(_Strict):
    """Settings every check understands. ``None`` means "inherit the global value"."""

    enabled: bool = True
    fail_on: SeverityName | None = Field(
        default=None, description="Lowest severity that fails the gate for this check.")
    min_confidence: ConfidenceName | None = Field(
        default=None, description="Findings below this confidence never fail the gate.")
    on_error: OnError | None = Field(
        default=None, description="fail (default): a check that cannot complete fails the gate.")
    timeout: float | None = Field(default=None, gt=0, description="Seconds before the check is "
                                  "stopped and counted as an error.")
    exclude: tuple[str, ...] = Field(default=(), description="Globs of paths this check skips.")
    include: tuple[str, ...] = Field(default=(), description="If set, only these globs are "
                                     "scanned by this check.")
    on_empty: OnEmpty | None = Field(
        default=None, description="This check judged nothing (read no file): fail, warn, or "
        "auto (inherit the top-level on_empty).")

    def options(self) -> dict[str, Any]:
        """The check-specific options handed to the check (fields beyond the common ones), as
        ``model_dump(mode="json")`` gives them; read from the fields, because a dump builds
        the model's serializer, which a run without a policy file never needs otherwise."""
        common = set(CheckPolicy.model_fields)
        return {name: _json_value(getattr(self, name), info.annotation)
                for name, info in type(self).model_fields.items() if name not in common}


class SastPolicy(CheckPolicy):
    """bandit settings."""


class DependenciesPolicy(CheckPolicy):
    """pip-audit settings."""

    files: tuple[str, ...] = Field(
        default=(), description="Manifests to audit (globs); default: discover requirements*.txt, "
        "pyproject.toml, pylock.toml, poetry.lock, uv.lock.")
    vuln_db_max_age: float = Field(
        default=7, gt=0, description="Days after which the offline vulnerability database "
        "(`gate db update`) draws a warning that it is stale.")


class SecretsPolicy(CheckPolicy):
    """detect-secrets settings."""


IacFramework = Literal["cloudformation", "terraform", "kubernetes", "dockerfile",
                       "github-actions", "gitlab-ci", "docker-compose"]


class IacPolicy(CheckPolicy):
    """IaC rule engine settings."""

    frameworks: tuple[IacFramework, ...] = Field(
        default=("cloudformation", "terraform", "kubernetes", "dockerfile", "github-actions",
                 "gitlab-ci", "docker-compose"), description="Which frameworks to scan.")
    uncovered: Literal["warn", "fail"] = Field(
        default="warn", description="Resources of types no IaC rule judges: warn lists them per "
        "file; fail also makes each such file a critical GATE-IAC-UNCOVERED finding.")
    helm_values: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Chart directory -> extra values files (repo-relative) "
        "passed to helm template with --values.")


PipelinePlatform = Literal["github-actions", "gitlab-ci"]


class PipelinePolicy(CheckPolicy):
    """CI pipeline audit settings (GitHub Actions, GitLab CI)."""

    platforms: tuple[PipelinePlatform, ...] = Field(
        default=("github-actions", "gitlab-ci"), description="Which CI systems to audit.")
    allowed_hosts: tuple[str, ...] = Field(
        default=(), description="Hosts secrets and job tokens may be sent to, beyond the "
        "built-in list (forges, package registries, coverage services); a name allows its "
        "subdomains.")


class PluginCheckPolicy(CheckPolicy):
    """A third-party check: the common settings plus a free-form ``options`` mapping."""

    options_: dict[str, Any] = Field(default_factory=dict, alias="options")

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


class ChecksPolicy(_Strict):
    """One block per check. Plugin checks get fields added by :func:`policy_model`."""

    sast: SastPolicy = Field(default_factory=SastPolicy.model_construct)
    dependencies: DependenciesPolicy = Field(default_factory=DependenciesPolicy.model_construct)
    secrets: SecretsPolicy = Field(default_factory=SecretsPolicy.model_construct)
    iac: IacPolicy = Field(default_factory=IacPolicy.model_construct)
    pipeline: PipelinePolicy = Field(default_factory=PipelinePolicy.model_construct)


class Waiver(_Strict):
    """An accepted risk on the record: which findings, why, until when, and who owns it."""

    rule: str = Field(description="Rule id (e.g. B101, PYSEC-2018-28, GATE-AWS-S3-001) or '*'.")
    paths: tuple[str, ...] = Field(default=(), description="Globs; default: everywhere.")
    fingerprint: str | None = None
    reason: str = Field(min_length=1, description="Why the risk is accepted (required).")
    expires: date | None = None
    owner: str | None = None

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a waiver needs a reason")
        return value


class Limits(_Strict):
    """Bounds on every worker process (see docs/security.md): what a hostile file can cost."""

    memory_mb: int = Field(default=2048, ge=256, le=1_048_576, description="Address-space limit "
                           "of each check and pool worker, in MiB.")
    file_seconds: float = Field(default=60.0, gt=0, le=86_400, description="Time budget of one "
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


class ReportsPolicy(_Strict):
    """What goes into each report file (``docs/formats.md``, "Report scope")."""

    scope: ReportScopeName | dict[ReportFormatName, ReportScopeName] = Field(
        default_factory=dict, description="failing: only findings that fail the gate; code: "
        "those plus any that would fail in code (tests, docs, vendored...); all: every finding. "
        "One value for every format, or one per format; default code for sarif, gitlab-*, "
        "codequality and junit, all for the others.")

    def scope_for(self, fmt: str) -> str:
        """The scope of one format: the policy's, else the format's default."""
        if isinstance(self.scope, str):
            return self.scope
        chosen = self.scope.get(fmt)  # type: ignore[call-overload]
        return str(chosen) if chosen else DEFAULT_REPORT_SCOPES.get(fmt, "all")


class BranchOverride(_Strict):
    """Settings that replace the top-level ones when the target branch matches the glob."""

    fail_on: SeverityName | None = None
    min_confidence: ConfidenceName | None = None
    on_error: OnError | None = None
    mode: Mode | None = None
    checks: dict[str, dict[str, Any]] = Field(default_factory=dict)
    contexts: dict[ContextName, ContextPolicy] = Field(default_factory=dict)


class Policy(_Strict):
    """The whole ``.gate.yml``."""

    version: Literal[1] = Field(default=1, description="Schema version of this file.")
    fail_on: SeverityName = Field(default="high", description="Default threshold for every check.")
    min_confidence: ConfidenceName = Field(default="low")
    mode: Mode = Field(default=Mode.ALL, description="all, or new: only findings absent on the "
                       "base ref fail.")
    on_error: OnError = Field(default=OnError.FAIL)
    timeout: float = Field(default=600.0, gt=0, description="Default per-check timeout (s).")
    max_file_size: int | str = Field(default=2_000_000, description="Larger files are read by the "
                                     "secrets check only (streamed).")
    not_scanned: NotScannedPolicy = Field(
        default=NotScannedPolicy.AUTO, description="A file the secrets check could not read: "
        "fail, warn, or auto (fail unless binary by name or a link out of the tree).")
    exclude: tuple[str, ...] = Field(default=(), description="Globs skipped by every check.")
    include: tuple[str, ...] = Field(default=(), description="If set, only these globs are "
                                     "scanned.")
    inline_suppressions: InlineSuppressions = Field(default=InlineSuppressions.ALLOW)
    on_empty: OnEmpty = Field(
        default=OnEmpty.AUTO, description="An enabled check that judged nothing (read no file): "
        "fail, warn, or auto (fail when no check read anything, else warn). A pass means every "
        "enabled check judged what it was given.")
    contexts: dict[ContextName, ContextPolicy] = Field(
        default_factory=dict, description="Per context (code, test, docs, example, ci, "
        "generated, vendored, iac): extra path globs and a fail_on threshold.")
    checks: ChecksPolicy = Field(default_factory=lambda: ChecksPolicy.model_construct())
    waivers: tuple[Waiver, ...] = ()
    baseline: str | None = Field(default=None, description="Path of a baseline file.")
    branches: dict[str, BranchOverride] = Field(default_factory=dict)
    limits: Limits = Field(default_factory=Limits.model_construct)
    reports: ReportsPolicy = Field(default_factory=ReportsPolicy.model_construct)

    @field_validator("max_file_size")
    @classmethod
    def _size(cls, value: int | str) -> int:
        return parse_size(value)

    def check(self, name: str) -> CheckPolicy:
        """The policy block of one check (defaults when the file does not mention it)."""
        found = getattr(self.checks, name.replace("-", "_"), None)
        if isinstance(found, CheckPolicy):
            return found
        return BUILTIN_CHECK_POLICIES.get(name, PluginCheckPolicy).model_construct()

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
    """The Policy model, extended with a ``checks.<name>`` block per installed plugin check.

    Built per run rather than with ``extra="allow"`` so that a typo under
    ``checks:`` is still an unknown-key error with a suggestion.
    """
    plugin_checks = tuple(n for n in plugin_checks if n not in BUILTIN_CHECK_POLICIES)
    if not plugin_checks:
        return Policy
    fields: dict[str, Any] = {
        name.replace("-", "_"): (PluginCheckPolicy, Field(default_factory=PluginCheckPolicy))
        for name in plugin_checks
        if name not in BUILTIN_CHECK_POLICIES
    }
    checks_model = create_model("ChecksPolicy", __base__=ChecksPolicy, **fields)
    return create_model(
        "Policy", __base__=Policy,
        checks=(checks_model, Field(default_factory=checks_model)),
    )

"""Infrastructure, data and SaaS tooling: Vault, Doppler, 1Password, Databricks, Snowflake,
Datadog, New Relic, Sentry, Grafana, Linear, Atlassian Okta, Postman, Terraform Cloud, Pulumi,
Supabase.

Sources: HashiCorp Vault "Tokens" (``hvs.``/``hvb.``/``hvr.`` since 1.10);
Doppler "Token formats" (``dp.pt.``, ``dp.st.``, ``dp.sa.``, ``dp.ct.``,
``dp.scim.``, ``dp.audit.``); 1Password "Service accounts" (``ops_`` + a
base64 JSON); Databricks "Personal access tokens" (``dapi`` + 32 hex);
Snowflake connection URLs; Datadog API (32 hex) and application (40 hex)
keys next to their names; New Relic "API keys" (``NRAK-`` user keys,
license keys ending ``NRAL``); Sentry auth tokens (``sntrys_``/``sntryu_``);
Grafana service-account (``glsa_``) and Cloud (``glc_``) tokens; Linear
(``lin_api_``); Okta API tokens (``00`` + 40, next to "okta"); Postman
(``PMAK-``); Terraform Cloud (``.atlasv1.``); Pulumi (``pul-``); Supabase
(``sbp_``).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from gate.checks.secrets.detectors.checksums import b64decode_loose
from gate.checks.secrets.detectors.common import assigned, entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector, Validation
from gate.checks.secrets.detectors.lazyre import lazy
from gate.findings import Severity

__all__ = ["DETECTORS"]


def _b64_json(skip: int) -> Callable[[str], Validation]:
    """Valid when the part after the prefix is base64 of a JSON object."""

    def validate(value: str) -> Validation:
        raw = b64decode_loose(value[skip:].split("_", 1)[0])
        try:
            ok = raw is not None and isinstance(json.loads(raw), dict)
        except (ValueError, UnicodeDecodeError):
            ok = False
        return Validation(True, proven=True) if ok else Validation(False, "payload is not base64 JSON")

    return validate


def _token(rule: str, provider: str, title: str, body: str, anchors: tuple[str, ...],
           help_url: str, revoke: str, skip: int, entropy: float = 3.5,
           severity: Severity = Severity.HIGH) -> Detector:
    return Detector(
        rule_id=f"GATE-SECRET-{rule}", provider=provider, title=title, severity=severity,
        pattern=rx(body), anchors=anchors, help_url=help_url, revoke=revoke,
        validator=entropy_validator(entropy, lambda v: v[skip:]))


DETECTORS: tuple[Detector, ...] = (
    _token("VAULT-TOKEN", "HashiCorp Vault", "HashiCorp Vault token",
           r"hv[sbr]\.[A-Za-z0-9_-]{24,}", ("hvs.", "hvb.", "hvr."),
           "https://developer.hashicorp.com/vault/docs/concepts/tokens",
           "Revoke it: `vault token revoke <accessor>` (or the lease tree of its parent).", 4),
    _token("DOPPLER-TOKEN", "Doppler", "Doppler token",
           r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44}",
           ("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."),
           "https://docs.doppler.com/reference/auth-token-formats",
           "Revoke it: Doppler dashboard > Access (or the config's Access tab for service "
           "tokens).", 6),
    Detector(
        rule_id="GATE-SECRET-1PASSWORD-SERVICE-ACCOUNT", provider="1Password",
        title="1Password service account token", severity=Severity.HIGH,
        pattern=rx(r"ops_eyJ[A-Za-z0-9+/=_-]{100,}"), anchors=("ops_eyj",),
        help_url="https://developer.1password.com/docs/service-accounts/",
        revoke="Revoke it: 1Password.com > Developer > Service accounts > the account.",
        validator=_b64_json(4)),
    _token("DATABRICKS-TOKEN", "Databricks", "Databricks personal access token",
           r"dapi[a-f0-9]{32}(?:-\d)?", ("dapi",),
           "https://docs.databricks.com/aws/en/dev-tools/auth/pat",
           "Revoke it: the workspace > Settings > Developer > Access tokens.", 4, 3.0),
    Detector(
        rule_id="GATE-SECRET-SNOWFLAKE-CREDENTIALS", provider="Snowflake",
        title="Snowflake connection URL with a password", severity=Severity.HIGH,
        pattern=lazy(r"snowflake://[^\s:/@\"']+:(?P<secret>[^\s@/\"']{6,})@"
                           r"[A-Za-z0-9.-]+"),
        anchors=("snowflake://",),
        help_url="https://docs.snowflake.com/en/user-guide/admin-user-management",
        revoke="Change the user's password (ALTER USER ... SET PASSWORD) and prefer key-pair "
               "or OAuth authentication.",
        validator=entropy_validator(2.5)),
    Detector(
        rule_id="GATE-SECRET-DATADOG-API-KEY", provider="Datadog", title="Datadog API key",
        severity=Severity.HIGH,
        pattern=assigned(r"(?:datadog|dd)[\w.-]{0,10}?api[_-]?key", r"[a-f0-9]{32}"),
        anchors=("datadog", "dd_api", "dd-api"),
        help_url="https://docs.datadoghq.com/account_management/api-app-keys/",
        revoke="Revoke it: Datadog > Organization settings > API keys.",
        validator=entropy_validator(3.0)),
    Detector(
        rule_id="GATE-SECRET-DATADOG-APP-KEY", provider="Datadog",
        title="Datadog application key", severity=Severity.HIGH,
        pattern=assigned(r"(?:datadog|dd)[\w.-]{0,10}?app(?:lication)?[_-]?key",
                         r"[a-f0-9]{40}"),
        anchors=("datadog", "dd_app", "dd-app"),
        help_url="https://docs.datadoghq.com/account_management/api-app-keys/",
        revoke="Revoke it: Datadog > Organization settings > Application keys.",
        validator=entropy_validator(3.0)),
    _token("NEW-RELIC-KEY", "New Relic", "New Relic user API key or license key",
           r"(?:NRAK-[A-Z0-9]{27}|[a-f0-9]{36}NRAL)", ("nrak-", "nral"),
           "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
           "Delete or rotate it: New Relic > API keys.", 0, 3.0),
    Detector(
        rule_id="GATE-SECRET-SENTRY-TOKEN", provider="Sentry",
        title="Sentry organisation or user auth token", severity=Severity.HIGH,
        pattern=rx(r"(?:sntrys_eyJ[A-Za-z0-9+/=]{40,}_[A-Za-z0-9+/]{43}|sntryu_[a-f0-9]{64})"),
        anchors=("sntrys_", "sntryu_"),
        help_url="https://docs.sentry.io/account/auth-tokens/",
        revoke="Revoke it: Sentry > Settings > Auth Tokens (or Organization Tokens).",
        validator=entropy_validator(3.0, lambda v: v[7:])),
    _token("GRAFANA-SERVICE-ACCOUNT-TOKEN", "Grafana", "Grafana service account token",
           r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}", ("glsa_",),
           "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
           "Delete it: Grafana > Administration > Service accounts > the token.", 5),
    Detector(
        rule_id="GATE-SECRET-GRAFANA-CLOUD-TOKEN", provider="Grafana",
        title="Grafana Cloud access policy token", severity=Severity.HIGH,
        pattern=rx(r"glc_[A-Za-z0-9+/]{32,400}={0,2}"), anchors=("glc_",),
        help_url="https://grafana.com/docs/grafana-cloud/security-and-account-management/"
                 "authentication-and-permissions/access-policies/",
        revoke="Delete it: Grafana Cloud portal > Access policies > the token.",
        validator=_b64_json(4)),
    _token("LINEAR-API-KEY", "Linear", "Linear API key", r"lin_(?:api|oauth)_[A-Za-z0-9]{40}",
           ("lin_api_", "lin_oauth_"), "https://linear.app/developers/graphql#authentication",
           "Revoke it: Linear > Settings > Security & access > Personal API keys.", 8),
    Detector(
        rule_id="GATE-SECRET-OKTA-API-TOKEN", provider="Okta", title="Okta API token",
        severity=Severity.HIGH,
        pattern=assigned(r"okta[\w.-]{0,20}?(?:token|key|secret)", r"00[A-Za-z0-9_-]{40}"),
        anchors=("okta",),
        help_url="https://developer.okta.com/docs/guides/create-an-api-token/main/",
        revoke="Revoke it: Okta Admin Console > Security > API > Tokens.",
        validator=entropy_validator(3.5)),
    _token("POSTMAN-API-KEY", "Postman", "Postman API key",
           r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", ("pmak-",),
           "https://learning.postman.com/docs/developer/postman-api/authentication/",
           "Delete it: Postman > Settings > API keys.", 5, 3.0),
    _token("TERRAFORM-CLOUD-TOKEN", "HashiCorp Terraform Cloud", "Terraform Cloud API token",
           r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}", (".atlasv1.",),
           "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/"
           "api-tokens",
           "Delete it: HCP Terraform > User settings > Tokens.", 23),
    _token("PULUMI-ACCESS-TOKEN", "Pulumi", "Pulumi access token", r"pul-[a-f0-9]{40}",
           ("pul-",), "https://www.pulumi.com/docs/pulumi-cloud/access-management/"
           "access-tokens/", "Delete it: Pulumi Cloud > Settings > Access tokens.", 4, 3.0),
    _token("SUPABASE-ACCESS-TOKEN", "Supabase", "Supabase personal access token",
           r"sbp_[a-f0-9]{40}", ("sbp_",), "https://supabase.com/docs/guides/platform/"
           "access-control", "Revoke it: Supabase dashboard > Account > Access tokens.", 4, 3.0),
)

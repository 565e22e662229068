"""Other clouds and hosting platforms: DigitalOcean, Alibaba, Cloudflare, Heroku, Fly.io,
Vercel, Netlify.

Sources: DigitalOcean "How to create a personal access token" (``dop_v1_``,
OAuth ``doo_v1_``, refresh ``dor_v1_``); Alibaba Cloud AccessKey pairs
(``LTAI`` ids); Cloudflare "API tokens" and Origin CA keys (``v1.0-``);
Heroku "Authentication" (``HRKU-`` tokens since 2024, UUID keys before);
Fly.io "Access tokens" (``fm1``/``fm2_`` macaroons, ``fo1_``); Vercel
"Access tokens"; Netlify personal access tokens (``nfp_``).
"""

from __future__ import annotations

from gate.checks.secrets.detectors.common import assigned, entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector
from gate.findings import Severity

__all__ = ["DETECTORS"]

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-DIGITALOCEAN-TOKEN", provider="DigitalOcean",
        title="DigitalOcean personal access / OAuth / refresh token", severity=Severity.HIGH,
        pattern=rx(r"do[opr]_v1_[a-f0-9]{64}"), anchors=("dop_v1_", "doo_v1_", "dor_v1_"),
        help_url="https://docs.digitalocean.com/reference/api/create-personal-access-token/",
        revoke="Delete it: DigitalOcean control panel > API > Tokens.",
        validator=entropy_validator(3.0, lambda v: v[7:])),
    Detector(
        rule_id="GATE-SECRET-ALIBABA-ACCESS-KEY-ID", provider="Alibaba Cloud",
        title="Alibaba Cloud AccessKey id", severity=Severity.HIGH,
        pattern=rx(r"LTAI[A-Za-z0-9]{12,20}"), anchors=("ltai",),
        help_url="https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
        revoke="Disable and delete the AccessKey pair: RAM console > Users > AccessKey.",
        validator=entropy_validator(3.0, lambda v: v[4:])),
    Detector(
        rule_id="GATE-SECRET-CLOUDFLARE-ORIGIN-CA-KEY", provider="Cloudflare",
        title="Cloudflare Origin CA key", severity=Severity.HIGH,
        pattern=rx(r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}"), anchors=("v1.0-",),
        help_url="https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/",
        revoke="Change the Origin CA key: Cloudflare dashboard > My Profile > API Tokens.",
        validator=entropy_validator(3.0, lambda v: v[5:])),
    Detector(
        rule_id="GATE-SECRET-CLOUDFLARE-API-TOKEN", provider="Cloudflare",
        title="Cloudflare API token", severity=Severity.HIGH,
        pattern=assigned(r"(?:cloudflare|cf)[\w.-]{0,12}?(?:api)?[_-]?(?:token|key)",
                         r"[A-Za-z0-9_-]{40}"),
        anchors=("cloudflare", "cf_api", "cf-api", "cf_token"),
        help_url="https://developers.cloudflare.com/fundamentals/api/get-started/create-token/",
        revoke="Roll or delete it: Cloudflare dashboard > My Profile > API Tokens.",
        validator=entropy_validator(3.5)),
    Detector(
        rule_id="GATE-SECRET-HEROKU-API-KEY", provider="Heroku",
        title="Heroku API key / OAuth token", severity=Severity.HIGH,
        pattern=rx(r"HRKU-[A-Za-z0-9_-]{58,64}"), anchors=("hrku-",),
        help_url="https://devcenter.heroku.com/articles/authentication",
        revoke="Regenerate it: Heroku dashboard > Account settings > API key (or "
               "`heroku authorizations:revoke`).",
        validator=entropy_validator(3.5, lambda v: v[5:])),
    Detector(
        rule_id="GATE-SECRET-HEROKU-LEGACY-API-KEY", provider="Heroku",
        title="Heroku API key (legacy UUID, next to a Heroku keyword)", severity=Severity.HIGH,
        pattern=assigned(r"heroku[\w.-]{0,20}?(?:api[_-]?key|token|secret)", _UUID),
        anchors=("heroku",),
        help_url="https://devcenter.heroku.com/articles/authentication",
        revoke="Regenerate it: Heroku dashboard > Account settings > API key.",
        validator=entropy_validator(3.0)),
    Detector(
        rule_id="GATE-SECRET-FLY-TOKEN", provider="Fly.io",
        title="Fly.io access token", severity=Severity.HIGH,
        pattern=rx(r"(?:fm[12][ar]?_[A-Za-z0-9+/=_-]{100,}|fo1_[A-Za-z0-9_-]{43})"),
        anchors=("fm1", "fm2_", "fo1_"),
        help_url="https://fly.io/docs/security/tokens/",
        revoke="Revoke it: `fly tokens revoke` or the Fly.io dashboard > Tokens.",
        validator=entropy_validator(4.0, lambda v: v[4:])),
    Detector(
        rule_id="GATE-SECRET-VERCEL-TOKEN", provider="Vercel",
        title="Vercel access token", severity=Severity.HIGH,
        pattern=assigned(r"vercel[\w.-]{0,20}?(?:token|key)", r"[A-Za-z0-9]{24}"),
        anchors=("vercel",),
        help_url="https://vercel.com/docs/rest-api#creating-an-access-token",
        revoke="Delete it: Vercel dashboard > Account settings > Tokens.",
        validator=entropy_validator(3.5)),
    Detector(
        rule_id="GATE-SECRET-NETLIFY-TOKEN", provider="Netlify",
        title="Netlify personal access token", severity=Severity.HIGH,
        pattern=rx(r"nfp_[A-Za-z0-9]{36}"), anchors=("nfp_",),
        help_url="https://docs.netlify.com/api/get-started/#authentication",
        revoke="Revoke it: Netlify > User settings > Applications > Personal access tokens.",
        validator=entropy_validator(3.5, lambda v: v[4:])),
)

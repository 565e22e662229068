"""Google Cloud and Google APIs: service-account key files, API keys, OAuth secrets.

Sources: Google Cloud "Create and delete service account keys" (the JSON key
file's ``private_key`` field holds a PKCS#8 PEM with escaped newlines);
"Manage API keys" (``AIza`` + 35 characters; Gemini / Google AI Studio keys
are API keys of the same format); "OAuth client secrets" (``GOCSPX-``);
OAuth 2.0 access tokens (``ya29.``).
"""

from __future__ import annotations

from gate.checks.secrets.detectors.common import entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector
from gate.checks.secrets.detectors.keys import pem_block, validate_pem
from gate.checks.secrets.detectors.lazyre import lazy
from gate.findings import Severity

__all__ = ["DETECTORS"]

DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-GCP-SERVICE-ACCOUNT-KEY", provider="Google Cloud",
        title="Google Cloud service-account key (JSON key file)", severity=Severity.CRITICAL,
        pattern=lazy(r"\"private_key\"\s*:\s*\"(?P<secret>-----BEGIN PRIVATE KEY-----"
                           r"[^\"]{40,})"),
        anchors=("\"private_key\"",),
        help_url="https://cloud.google.com/iam/docs/keys-create-delete",
        revoke="Delete the key: Google Cloud console > IAM > Service accounts > Keys; prefer "
               "workload identity federation to key files.",
        validator=validate_pem, extend=pem_block, provider_token=True, priority=1),
    Detector(
        rule_id="GATE-SECRET-GOOGLE-API-KEY", provider="Google",
        title="Google API key (Cloud, Maps, Gemini / Google AI Studio)", severity=Severity.HIGH,
        pattern=rx(r"AIza[0-9A-Za-z_-]{35}"), anchors=("aiza",),
        help_url="https://cloud.google.com/docs/authentication/api-keys",
        revoke="Delete or regenerate it: Google Cloud console > APIs & Services > Credentials "
               "(AI Studio keys: aistudio.google.com > API keys).",
        validator=entropy_validator(3.5, lambda v: v[4:])),
    Detector(
        rule_id="GATE-SECRET-GOOGLE-OAUTH-CLIENT-SECRET", provider="Google",
        title="Google OAuth client secret", severity=Severity.HIGH,
        pattern=rx(r"GOCSPX-[A-Za-z0-9_-]{28}"), anchors=("gocspx-",),
        help_url="https://support.google.com/cloud/answer/15549257",
        revoke="Reset the secret: Google Cloud console > APIs & Services > Credentials > "
               "the OAuth client.",
        validator=entropy_validator(3.5, lambda v: v[7:])),
    Detector(
        rule_id="GATE-SECRET-GOOGLE-OAUTH-ACCESS-TOKEN", provider="Google",
        title="Google OAuth 2.0 access token", severity=Severity.HIGH,
        pattern=rx(r"ya29\.[0-9A-Za-z_-]{30,}"), anchors=("ya29.",),
        help_url="https://developers.google.com/identity/protocols/oauth2",
        revoke="Revoke it: POST https://oauth2.googleapis.com/revoke?token=...; it also "
               "expires within an hour.",
        validator=entropy_validator(3.5, lambda v: v[5:])),
)

"""Live verification of found credentials: settings and the provider endpoint table.

Off by default (``gate run --verify-secrets``). Each provider has a harmless
"who am I" endpoint: a read that changes nothing and answers 200 for a live
credential and 401/403 for a revoked one. Base URLs can be overridden (tests
point them at a fake provider on 127.0.0.1) with ``GATE_VERIFY_URL_<KEY>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ENDPOINTS", "Endpoint", "VerifySettings"]


@dataclass(frozen=True)
class Endpoint:
    """How to ask one provider whether a credential is live."""

    key: str
    """Short provider key (``GITHUB``): the override variable is ``GATE_VERIFY_URL_<key>``."""
    base_url: str
    path: str
    method: str = "GET"
    header: str = "Authorization"
    scheme: str = "Bearer "
    """Prefix of the header value before the credential (empty for ``PRIVATE-TOKEN``)."""
    json_ok: bool = False
    """The answer is 200 either way and JSON ``{"ok": true|false}`` says (Slack)."""


@dataclass(frozen=True)
class VerifySettings:
    """How to verify: time limits, concurrency and base-URL overrides."""

    timeout: float = 5.0
    """Seconds per request."""
    budget: float = 30.0
    """Seconds for all the requests of one file."""
    workers: int = 8
    base_urls: Mapping[str, str] = field(default_factory=dict)
    """Endpoint key -> base URL (``{"GITHUB": "http://127.0.0.1:8123"}``)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> VerifySettings:
        """Settings with the ``GATE_VERIFY_URL_<KEY>`` overrides found in ``env``."""
        prefix = "GATE_VERIFY_URL_"
        urls = {k[len(prefix):]: v for k, v in env.items() if k.startswith(prefix) and v}
        return cls(base_urls=urls)


_GITHUB = Endpoint("GITHUB", "https://api.github.com", "/user")
ENDPOINTS: dict[str, Endpoint] = {
    **{f"GATE-SECRET-{rule}": _GITHUB for rule in (
        "GITHUB-PAT", "GITHUB-OAUTH", "GITHUB-USER-TO-SERVER", "GITHUB-APP-INSTALLATION",
        "GITHUB-FINE-GRAINED-PAT")},
    "GATE-SECRET-GITLAB-PAT": Endpoint("GITLAB", "https://gitlab.com",
                                       "/api/v4/personal_access_tokens/self",
                                       header="PRIVATE-TOKEN", scheme=""),
    "GATE-SECRET-SLACK-TOKEN": Endpoint("SLACK", "https://slack.com", "/api/auth.test",
                                        method="POST", json_ok=True),
    "GATE-SECRET-STRIPE-SECRET-KEY": Endpoint("STRIPE", "https://api.stripe.com", "/v1/account"),
    "GATE-SECRET-STRIPE-RESTRICTED-KEY": Endpoint("STRIPE", "https://api.stripe.com",
                                                  "/v1/account"),
    "GATE-SECRET-OPENAI-API-KEY": Endpoint("OPENAI", "https://api.openai.com", "/v1/models"),
    "GATE-SECRET-ANTHROPIC-API-KEY": Endpoint("ANTHROPIC", "https://api.anthropic.com",
                                              "/v1/models", header="x-api-key", scheme=""),
    "GATE-SECRET-HUGGINGFACE-TOKEN": Endpoint("HUGGINGFACE", "https://huggingface.co",
                                              "/api/whoami-v2"),
    "GATE-SECRET-NPM-TOKEN": Endpoint("NPM", "https://registry.npmjs.org", "/-/whoami"),
    "GATE-SECRET-DIGITALOCEAN-TOKEN": Endpoint("DIGITALOCEAN", "https://api.digitalocean.com",
                                               "/v2/account"),
}
"""Rule id -> its provider's "who am I" endpoint (rules without one are never sent)."""

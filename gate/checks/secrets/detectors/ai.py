"""AI providers: OpenAI, Anthropic, Hugging Face, Cohere, Mistral, Groq, Replicate,
Perplexity, xAI (Google AI Studio keys are Google API keys: :mod:`.gcp`).

Sources: each provider's API key page. OpenAI keys carry ``T3BlbkFJ``
(base64 of "OpenAI") between two random halves, project/service/admin keys
a ``sk-proj-``/``sk-svcacct-``/``sk-admin-`` prefix; Anthropic keys are
``sk-ant-api03-`` (admin ``sk-ant-admin01-``) + 93 characters + ``AA``;
Hugging Face user tokens ``hf_`` + 34 letters; Groq ``gsk_``; Replicate
``r8_``; Perplexity ``pplx-``; xAI ``xai-``. Cohere and Mistral keys have no
prefix: they are only recognised next to their provider's name.
"""

from __future__ import annotations

from gate.checks.secrets.detectors.common import assigned, entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector, Validation
from gate.findings import Severity

__all__ = ["DETECTORS"]

_MARKER = "T3BlbkFJ"


def _openai(value: str) -> Validation:
    modern = value.startswith(("sk-proj-", "sk-svcacct-", "sk-admin-"))
    if _MARKER not in value and not (modern and len(value) >= 100):
        return Validation(False, "no OpenAI marker and not a project/service/admin key")
    return entropy_validator(3.5)(value.replace(_MARKER, ""))


def _key(rule: str, provider: str, title: str, body: str, anchors: tuple[str, ...],
         help_url: str, revoke: str, skip: int) -> Detector:
    return Detector(
        rule_id=f"GATE-SECRET-{rule}", provider=provider, title=title, severity=Severity.HIGH,
        pattern=rx(body), anchors=anchors, help_url=help_url, revoke=revoke,
        validator=entropy_validator(3.5, lambda v: v[skip:]))


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-OPENAI-API-KEY", provider="OpenAI",
        title="OpenAI API key (user, project, service account or admin)",
        severity=Severity.HIGH,
        pattern=rx(r"sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,200}"),
        anchors=("t3blbkfj", "sk-proj-", "sk-svcacct-", "sk-admin-"),
        help_url="https://platform.openai.com/docs/api-reference/authentication",
        revoke="Delete it: platform.openai.com > API keys (or the project's keys page).",
        validator=_openai),
    _key("ANTHROPIC-API-KEY", "Anthropic", "Anthropic API key",
         r"sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA", ("sk-ant-",),
         "https://docs.anthropic.com/en/api/overview#authentication",
         "Delete it: console.anthropic.com > Settings > API keys.", 14),
    _key("HUGGINGFACE-TOKEN", "Hugging Face", "Hugging Face access token",
         r"(?:hf_|api_org_)[A-Za-z]{34}", ("hf_", "api_org_"),
         "https://huggingface.co/docs/hub/security-tokens",
         "Invalidate it: huggingface.co > Settings > Access Tokens.", 3),
    Detector(
        rule_id="GATE-SECRET-COHERE-API-KEY", provider="Cohere", title="Cohere API key",
        severity=Severity.HIGH,
        pattern=assigned(r"(?:cohere|co_api)[\w.-]{0,20}?(?:key|token)", r"[A-Za-z0-9]{40}"),
        anchors=("cohere", "co_api"),
        help_url="https://docs.cohere.com/reference/about",
        revoke="Delete it: dashboard.cohere.com > API keys.",
        validator=entropy_validator(3.5)),
    Detector(
        rule_id="GATE-SECRET-MISTRAL-API-KEY", provider="Mistral AI", title="Mistral AI API key",
        severity=Severity.HIGH,
        pattern=assigned(r"mistral[\w.-]{0,20}?(?:key|token)", r"[A-Za-z0-9]{32}"),
        anchors=("mistral",),
        help_url="https://docs.mistral.ai/getting-started/quickstart/",
        revoke="Delete it: console.mistral.ai > API keys.",
        validator=entropy_validator(3.5)),
    _key("GROQ-API-KEY", "Groq", "Groq API key", r"gsk_[A-Za-z0-9]{52}", ("gsk_",),
         "https://console.groq.com/docs/quickstart",
         "Delete it: console.groq.com > API keys.", 4),
    _key("REPLICATE-API-TOKEN", "Replicate", "Replicate API token", r"r8_[A-Za-z0-9]{37}",
         ("r8_",), "https://replicate.com/docs/topics/security/api-tokens",
         "Disable it: replicate.com > Account settings > API tokens.", 3),
    _key("PERPLEXITY-API-KEY", "Perplexity", "Perplexity API key", r"pplx-[A-Za-z0-9]{48}",
         ("pplx-",), "https://docs.perplexity.ai/guides/getting-started",
         "Delete it: perplexity.ai > Settings > API.", 5),
    _key("XAI-API-KEY", "xAI", "xAI (Grok) API key", r"xai-[A-Za-z0-9]{80}", ("xai-",),
         "https://docs.x.ai/docs/overview", "Delete it: console.x.ai > API keys.", 4),
)

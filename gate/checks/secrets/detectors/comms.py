"""Messaging and e-mail: Slack, Discord, Telegram, Twilio, SendGrid, Mailgun, Postmark.

Sources: Slack "Token types" (``xoxb-``/``xoxp-``/``xoxa-``/``xoxr-``/
``xoxs-``, app-level ``xapp-``, refreshable ``xoxe.``) and incoming
webhooks; Discord developer docs (bot tokens: base64 user id, timestamp,
HMAC; webhooks); Telegram Bot API (``<bot id>:AA...``); Twilio "API keys"
(``SK`` + 32 hex) and auth tokens; SendGrid "API keys" (``SG.`` + 22 + ``.``
+ 43); Mailgun private API keys (``key-`` + 32 hex); Postmark server tokens
(UUIDs next to ``X-Postmark-Server-Token``).
"""

from __future__ import annotations

from gate.checks.secrets.detectors.checksums import b64decode_loose
from gate.checks.secrets.detectors.common import assigned, entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector, Validation
from gate.checks.secrets.detectors.lazyre import lazy
from gate.findings import Severity

__all__ = ["DETECTORS"]

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _discord(value: str) -> Validation:
    raw = b64decode_loose(value.split(".", 1)[0])
    if raw is None or not raw.isdigit() or not 15 <= len(raw) <= 20:
        return Validation(False, "first part is not a base64 Discord user id")
    return entropy_validator(3.5)(value.rsplit(".", 1)[-1])


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-SLACK-TOKEN", provider="Slack", title="Slack token",
        severity=Severity.HIGH,
        pattern=rx(r"(?:xox[abprs]-(?:\d+-){1,3}[A-Za-z0-9]{10,}"
                   r"|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}"
                   r"|xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,})"),
        anchors=("xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "xapp-", "xoxe."),
        help_url="https://api.slack.com/authentication/token-types",
        revoke="Revoke it: api.slack.com/apps > the app > OAuth & Permissions (or "
               "auth.revoke).",
        validator=entropy_validator(3.0, lambda v: v.rsplit("-", 1)[-1])),
    Detector(
        rule_id="GATE-SECRET-SLACK-WEBHOOK", provider="Slack", title="Slack incoming webhook URL",
        severity=Severity.HIGH,
        pattern=lazy(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/"
                           r"T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{20,}"),
        anchors=("hooks.slack.com",),
        help_url="https://api.slack.com/messaging/webhooks",
        revoke="Regenerate or remove it: api.slack.com/apps > the app > Incoming Webhooks.",
        validator=entropy_validator(3.5, lambda v: v.rsplit("/", 1)[-1])),
    Detector(
        rule_id="GATE-SECRET-DISCORD-BOT-TOKEN", provider="Discord", title="Discord bot token",
        severity=Severity.HIGH,
        pattern=rx(r"[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}"),
        anchors=("discord",),
        help_url="https://discord.com/developers/docs/topics/oauth2#bots",
        revoke="Reset it: Discord Developer Portal > the application > Bot > Reset Token.",
        validator=_discord),
    Detector(
        rule_id="GATE-SECRET-DISCORD-WEBHOOK", provider="Discord", title="Discord webhook URL",
        severity=Severity.HIGH,
        pattern=lazy(r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/"
                           r"\d{17,20}/[A-Za-z0-9_-]{60,68}"),
        anchors=("discord.com/api/webhooks", "discordapp.com/api/webhooks"),
        help_url="https://discord.com/developers/docs/resources/webhook",
        revoke="Delete the webhook: the channel's settings > Integrations > Webhooks.",
        validator=entropy_validator(3.5, lambda v: v.rsplit("/", 1)[-1])),
    Detector(
        rule_id="GATE-SECRET-TELEGRAM-BOT-TOKEN", provider="Telegram",
        title="Telegram bot token", severity=Severity.HIGH,
        pattern=lazy(r"(?<![A-Za-z0-9_:])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])"),
        anchors=(":aa",),
        help_url="https://core.telegram.org/bots/api#authorizing-your-bot",
        revoke="Revoke it: message @BotFather, /revoke, choose the bot.",
        validator=entropy_validator(3.5, lambda v: v.split(":", 1)[1])),
    Detector(
        rule_id="GATE-SECRET-TWILIO-API-KEY", provider="Twilio", title="Twilio API key SID",
        severity=Severity.HIGH, pattern=rx(r"SK[0-9a-f]{32}"),
        anchors=tuple(f"sk{c}" for c in "0123456789abcdef"),
        help_url="https://www.twilio.com/docs/iam/api-keys",
        revoke="Delete the API key: Twilio Console > Account > API keys & tokens.",
        validator=entropy_validator(3.0, lambda v: v[2:])),
    Detector(
        rule_id="GATE-SECRET-TWILIO-AUTH-TOKEN", provider="Twilio", title="Twilio auth token",
        severity=Severity.HIGH,
        pattern=assigned(r"twilio[\w.-]{0,20}?(?:auth|token|secret)", r"[0-9a-f]{32}"),
        anchors=("twilio",), help_url="https://www.twilio.com/docs/iam/api/authtoken",
        revoke="Rotate it: Twilio Console > Account > API keys & tokens > Auth tokens.",
        validator=entropy_validator(3.0)),
    Detector(
        rule_id="GATE-SECRET-SENDGRID-API-KEY", provider="SendGrid", title="SendGrid API key",
        severity=Severity.HIGH, pattern=rx(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
        anchors=("sg.",), help_url="https://www.twilio.com/docs/sendgrid/ui/account-and-"
                                   "settings/api-keys",
        revoke="Delete it: SendGrid > Settings > API Keys.",
        validator=entropy_validator(3.5, lambda v: v[3:])),
    Detector(
        rule_id="GATE-SECRET-MAILGUN-API-KEY", provider="Mailgun", title="Mailgun private API key",
        severity=Severity.HIGH, pattern=rx(r"key-[0-9a-f]{32}"), anchors=("key-",),
        help_url="https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/",
        revoke="Delete it: Mailgun > Account settings > API security.",
        validator=entropy_validator(3.0, lambda v: v[4:])),
    Detector(
        rule_id="GATE-SECRET-POSTMARK-TOKEN", provider="Postmark",
        title="Postmark server or account token", severity=Severity.HIGH,
        pattern=assigned(r"(?:x-)?postmark[\w.-]{0,20}?(?:token|key)", _UUID),
        anchors=("postmark",), help_url="https://postmarkapp.com/developer/api/overview",
        revoke="Reset it: Postmark > Servers > the server > API Tokens.",
        validator=entropy_validator(3.0)),
)

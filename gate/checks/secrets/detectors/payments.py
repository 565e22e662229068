"""Payments and commerce: Stripe, Square, PayPal/Braintree, Shopify.

Sources: Stripe "API keys" (``sk_live_`` secret, ``rk_live_`` restricted;
``_test_`` keys only reach test mode; ``whsec_`` webhook signing secrets);
Square "Access tokens" (production ``EAAA``, legacy ``sq0atp-``, OAuth
application secrets ``sq0csp-``); Braintree/PayPal access tokens
(``access_token$production$...``, ``$sandbox$`` for the sandbox); Shopify
"Access tokens" (``shpat_``/``shpca_``/``shppa_``/``shpss_`` + 32 hex).
"""

from __future__ import annotations

from collections.abc import Callable

from gate.checks.secrets.detectors.common import entropy_validator, rx
from gate.checks.secrets.detectors.interface import Classification, Detector, Validation
from gate.checks.secrets.detectors.lazyre import lazy
from gate.findings import Severity

__all__ = ["DETECTORS"]

_STRIPE_HELP = "https://docs.stripe.com/keys"
_STRIPE_REVOKE = "Roll the key: Stripe dashboard > Developers > API keys."


def _mode(test_marker: str, skip: int) -> Callable[[str], Validation]:
    """Test-mode values are look-alikes; live ones need a random body."""
    check = entropy_validator(3.5, lambda v: v[skip:])

    def validate(value: str) -> Validation:
        if test_marker in value:
            return Validation(False, "test-mode key", classification=Classification.TEST_KEY)
        return check(value)

    return validate


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-STRIPE-SECRET-KEY", provider="Stripe", title="Stripe secret key",
        severity=Severity.HIGH, pattern=rx(r"sk_(?:live|test)_[A-Za-z0-9]{24,247}"),
        anchors=("sk_live_", "sk_test_"), help_url=_STRIPE_HELP, revoke=_STRIPE_REVOKE,
        validator=_mode("_test_", 8)),
    Detector(
        rule_id="GATE-SECRET-STRIPE-RESTRICTED-KEY", provider="Stripe",
        title="Stripe restricted key", severity=Severity.HIGH,
        pattern=rx(r"rk_(?:live|test)_[A-Za-z0-9]{24,247}"), anchors=("rk_live_", "rk_test_"),
        help_url=_STRIPE_HELP, revoke=_STRIPE_REVOKE,
        validator=_mode("_test_", 8)),
    Detector(
        rule_id="GATE-SECRET-STRIPE-WEBHOOK-SECRET", provider="Stripe",
        title="Stripe webhook signing secret", severity=Severity.HIGH,
        pattern=rx(r"whsec_[A-Za-z0-9+/]{32,}"), anchors=("whsec_",),
        help_url="https://docs.stripe.com/webhooks#verify-events",
        revoke="Roll the secret: Stripe dashboard > Developers > Webhooks > the endpoint.",
        validator=entropy_validator(3.5, lambda v: v[6:])),
    Detector(
        rule_id="GATE-SECRET-SQUARE-ACCESS-TOKEN", provider="Square",
        title="Square access token", severity=Severity.HIGH,
        pattern=rx(r"(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})"),
        anchors=("eaaa", "sq0atp-"),
        help_url="https://developer.squareup.com/docs/build-basics/access-tokens",
        revoke="Replace it: Square Developer Console > the application > Credentials.",
        validator=entropy_validator(3.5, lambda v: v[4:])),
    Detector(
        rule_id="GATE-SECRET-SQUARE-OAUTH-SECRET", provider="Square",
        title="Square OAuth application secret", severity=Severity.HIGH,
        pattern=rx(r"sq0csp-[A-Za-z0-9_-]{43}"), anchors=("sq0csp-",),
        help_url="https://developer.squareup.com/docs/oauth-api/overview",
        revoke="Replace it: Square Developer Console > the application > OAuth.",
        validator=entropy_validator(3.5, lambda v: v[7:])),
    Detector(
        rule_id="GATE-SECRET-BRAINTREE-ACCESS-TOKEN", provider="PayPal / Braintree",
        title="PayPal Braintree access token", severity=Severity.HIGH,
        pattern=lazy(r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}"),
        anchors=("access_token$",),
        help_url="https://developer.paypal.com/braintree/articles/control-panel/important-"
                 "gateway-credentials",
        revoke="Revoke it: Braintree Control Panel > Settings > API > the access token.",
        validator=_mode("$sandbox$", 24)),
    Detector(
        rule_id="GATE-SECRET-SHOPIFY-TOKEN", provider="Shopify",
        title="Shopify access token or shared secret", severity=Severity.HIGH,
        pattern=rx(r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
        anchors=("shpat_", "shpca_", "shppa_", "shpss_"),
        help_url="https://shopify.dev/docs/apps/build/authentication-authorization/"
                 "access-tokens",
        revoke="Rotate it: the app's page in the Shopify Partners dashboard (or uninstall "
               "the custom app).",
        validator=entropy_validator(3.0, lambda v: v[6:])),
)

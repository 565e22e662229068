"""The detector model: one provider token format, how to recognise it and how to rate it.

A :class:`Detector` is data (a compiled pattern, a severity, where to revoke)
plus two optional pure functions: a ``validator`` that checks the format's
checksum or structure, and an ``extend`` hook for formats that span lines (PEM
blocks). Detectors never see anything but the text of the file being scanned,
never keep a value, and never touch the network (live verification is
:mod:`gate.checks.secrets.verify`, off by default).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from gate.findings import Severity

__all__ = ["Classification", "Detector", "DetectorSecret", "Note", "Validation"]


class Classification(str, Enum):
    """What the gate concluded about one candidate value."""

    CHECKSUM_VALID = "checksum-valid"
    """The format carries a checksum or a decodable structure, and it holds."""
    LIVE_FORMAT = "live-format"
    """Matches the provider's live format; the format has nothing more to check."""
    CHECKSUM_INVALID = "checksum-invalid"
    """Looks like the format but its checksum or structure is wrong: a made-up value."""
    EXAMPLE = "example"
    """A value the provider's own documentation publishes as an example."""
    PLACEHOLDER = "placeholder"
    """``xxxx``, ``REPLACE_ME``, ``<your-token>``, ``${VAR}``, ``{{ var }}``, ``changeme``..."""
    TEST_KEY = "test-key"
    """A sandbox / test-mode credential (Stripe ``sk_test_``, PayPal sandbox)."""
    DIGEST = "digest"
    """A hash, digest or UUID, not a credential."""
    DEV_CREDENTIAL = "dev-credential"
    """A URL credential for a host that only exists on a laptop or in a CI job."""
    WEAK = "weak"
    """A real credential shape with a reason to rate it lower (expired JWT, ``alg: none``)."""

    @property
    def quiet(self) -> bool:
        """Whether this is a look-alike: reported only when detect-secrets reports it too."""
        return self in _QUIET


_QUIET = frozenset({Classification.CHECKSUM_INVALID, Classification.EXAMPLE,
                    Classification.PLACEHOLDER, Classification.TEST_KEY, Classification.DIGEST})


@dataclass(frozen=True)
class Validation:
    """A validator's verdict on one value."""

    ok: bool
    """The checksum or structure holds."""
    reason: str = ""
    """Why not, or what was decoded (never the value itself)."""
    severity: Severity | None = None
    """A different severity than the detector's (an expired JWT), or ``None``."""
    classification: Classification | None = None
    """A different classification (a ``test`` PyPI token...), or ``None``."""
    proven: bool = False
    """The structure is proven (a key that parses, a token that decodes to its layout): the
    value is then never judged a placeholder by words inside it."""


@dataclass(frozen=True)
class Detector:
    """One credential format (a stable rule id per format).

    ``pattern`` finds candidates on one line; its ``secret`` group (else the
    whole match) is the value. ``anchors`` are lower-case literals, one of which
    occurs in every match: the per-file pre-filter looks for them first, so a
    file with none of them costs one regular-expression pass.
    """

    rule_id: str
    provider: str
    title: str
    severity: Severity
    """Severity of a value in live format (checksum-valid values of checksummed formats are
    always ``critical``)."""
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]
    help_url: str
    revoke: str
    """Where to revoke it (the fix text)."""
    validator: Callable[[str], Validation] | None = None
    checksum: bool = False
    """The validator checks a real checksum (CRC32, bech32): a valid value is ``critical``."""
    provider_token: bool = True
    """A provider credential whose live format fails in every context (the ``live_format``
    contract); ``False`` for private keys, JWTs and URL credentials, which tests use as
    fixtures."""
    examples: tuple[str, ...] = ()
    """Values the provider documents as examples: never failing."""
    extend: Callable[[Sequence[str], int, str], str | None] | None = None
    """For multi-line formats: (lines, 1-based line number, matched value) -> the full value."""
    line_must_contain: str = ""
    """A literal the line must also hold (``@`` for URL credentials): skips the pattern."""
    validate_match: bool = False
    """Give the validator the whole match (a URL's host) instead of the secret group."""
    priority: int = 0
    """When two detectors match overlapping text on a line, the higher priority wins."""
    family: str = field(default="", compare=False)
    """The module (provider family) it comes from; set by the registry."""


@dataclass
class DetectorSecret:
    """One hit, shaped like detect-secrets' ``PotentialSecret`` for the check's loop.

    Mutable on purpose, like detect-secrets' object: the check sets
    ``secret_value`` to ``None`` as soon as it has hashed it.
    """

    type: str
    filename: str
    line_number: int
    secret_value: str | None
    gate_note: Note | None = None


@dataclass(frozen=True)
class Note:
    """How the gate rates a hit (carried beside a secret, never containing its value)."""

    rule_id: str
    severity: Severity
    classification: Classification
    reason: str = ""
    detector: Detector | None = None
    """``None`` for a classification of a detect-secrets hit alone (a placeholder keyword)."""
    verified: str | None = None
    """``live`` / ``revoked`` / ``unknown`` after ``--verify-secrets``; else ``None``."""

    @property
    def live_format(self) -> bool:
        """A provider token in its live format, not an example or placeholder."""
        return (self.detector is not None and self.detector.provider_token
                and self.classification in (Classification.CHECKSUM_VALID,
                                            Classification.LIVE_FORMAT))

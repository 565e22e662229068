"""Package registries: PyPI, npm, RubyGems, NuGet, Docker Hub, JFrog.

Sources: PyPI "API tokens" (``pypi-`` + a base64url binary macaroon whose
location is ``pypi.org``; Warehouse's token-scanning endpoint documents it);
npm "About access tokens" and GitHub's 2021 post (``npm_`` + 30 base62 +
base62 CRC32); RubyGems "API key scopes" (``rubygems_`` + 48 hex); NuGet
API keys (``oy2`` + 43); Docker "Personal access tokens" (``dckr_pat_``,
organisation ``dckr_oat_``); JFrog "Access tokens" (reference tokens
``cmVmdGtu`` = base64 "reftkn", legacy API keys ``AKCp``).
"""

from __future__ import annotations

from gate.checks.secrets.detectors.checksums import b64decode_loose, macaroon_location
from gate.checks.secrets.detectors.common import crc32_validator, entropy_validator, rx
from gate.checks.secrets.detectors.interface import Classification, Detector, Validation
from gate.findings import Severity

__all__ = ["DETECTORS"]


def _pypi(value: str) -> Validation:
    raw = b64decode_loose(value[5:])
    location = macaroon_location(raw) if raw else None
    if location == "pypi.org":
        return Validation(True, "macaroon for pypi.org", proven=True)
    if location == "test.pypi.org":
        return Validation(True, "macaroon for test.pypi.org", severity=Severity.HIGH,
                          classification=Classification.LIVE_FORMAT, proven=True)
    return Validation(False, "not a PyPI macaroon")


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-PYPI-TOKEN", provider="PyPI", title="PyPI upload token",
        severity=Severity.HIGH, pattern=rx(r"pypi-AgE[A-Za-z0-9_-]{60,}"), anchors=("pypi-age",),
        help_url="https://pypi.org/help/#apitoken",
        revoke="Delete it: pypi.org > Account settings > API tokens (prefer trusted "
               "publishing from CI).",
        validator=_pypi, checksum=True),
    Detector(
        rule_id="GATE-SECRET-NPM-TOKEN", provider="npm", title="npm access token",
        severity=Severity.HIGH, pattern=rx(r"npm_[A-Za-z0-9]{36}"), anchors=("npm_",),
        help_url="https://docs.npmjs.com/about-access-tokens",
        revoke="Delete it: npmjs.com > Access Tokens, or `npm token revoke`.",
        validator=crc32_validator(4), checksum=True),
    Detector(
        rule_id="GATE-SECRET-RUBYGEMS-API-KEY", provider="RubyGems", title="RubyGems API key",
        severity=Severity.HIGH, pattern=rx(r"rubygems_[a-f0-9]{48}"), anchors=("rubygems_",),
        help_url="https://guides.rubygems.org/api-key-scopes/",
        revoke="Delete it: rubygems.org > Settings > API keys.",
        validator=entropy_validator(3.0, lambda v: v[9:])),
    Detector(
        rule_id="GATE-SECRET-NUGET-API-KEY", provider="NuGet", title="NuGet API key",
        severity=Severity.HIGH, pattern=rx(r"oy2[a-z0-9]{43}"), anchors=("oy2",),
        help_url="https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys",
        revoke="Delete or regenerate it: nuget.org > API keys.",
        validator=entropy_validator(3.5, lambda v: v[3:])),
    Detector(
        rule_id="GATE-SECRET-DOCKER-HUB-TOKEN", provider="Docker Hub",
        title="Docker Hub personal or organisation access token", severity=Severity.HIGH,
        pattern=rx(r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}"), anchors=("dckr_pat_", "dckr_oat_"),
        help_url="https://docs.docker.com/security/for-developers/access-tokens/",
        revoke="Delete it: Docker Hub > Account settings > Personal access tokens.",
        validator=entropy_validator(3.5, lambda v: v[9:])),
    Detector(
        rule_id="GATE-SECRET-JFROG-TOKEN", provider="JFrog",
        title="JFrog Artifactory reference token or API key", severity=Severity.HIGH,
        pattern=rx(r"(?:cmVmdGtuOjAxOj[A-Za-z0-9]{50,}|AKCp[A-Za-z0-9]{69})"),
        anchors=("cmvmdgtuojaxoj", "akcp"),
        help_url="https://jfrog.com/help/r/jfrog-platform-administration-documentation/"
                 "access-tokens",
        revoke="Revoke it: JFrog Platform > Administration > User management > Access tokens.",
        validator=entropy_validator(3.5, lambda v: v[14:])),
)

"""Microsoft Azure: storage account keys, SAS tokens, Entra ID client secrets, DevOps PATs.

Sources: Azure Storage "Manage storage account access keys" (512-bit keys,
88 base64 characters, ``AccountKey=`` in connection strings); "Grant limited
access with shared access signatures" (``sv=`` version, ``sig=`` HMAC);
Microsoft identity platform client secrets (``Q~`` at the fourth position
since 2022); Azure DevOps PATs (84 characters with ``AZDO`` at a fixed
offset since 2024); Service Bus / Event Hubs ``SharedAccessKey=``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from gate.checks.secrets.detectors.checksums import b64decode_loose
from gate.checks.secrets.detectors.common import entropy_validator, rx
from gate.checks.secrets.detectors.interface import Detector, Validation
from gate.checks.secrets.detectors.lazyre import lazy
from gate.findings import Severity

__all__ = ["DETECTORS"]


def _decodes_to(size: int, urlencoded: bool = False) -> Callable[[str], Validation]:
    """Valid when the value base64-decodes to exactly ``size`` bytes."""

    def validate(value: str) -> Validation:
        raw = b64decode_loose(unquote(value) if urlencoded else value)
        if raw is None or len(raw) != size:
            return Validation(False, f"does not decode to a {size * 8}-bit key")
        return Validation(True)

    return validate


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-AZURE-STORAGE-KEY", provider="Azure",
        title="Azure storage account key", severity=Severity.CRITICAL,
        pattern=lazy(r"(?i:AccountKey)\s*=\s*(?P<secret>[A-Za-z0-9+/]{86}==)"),
        anchors=("accountkey",),
        help_url="https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage",
        revoke="Rotate both keys: Azure portal > Storage account > Security + networking > "
               "Access keys; prefer Entra ID (managed identities).",
        validator=_decodes_to(64)),
    Detector(
        rule_id="GATE-SECRET-AZURE-SAS-TOKEN", provider="Azure",
        title="Azure shared access signature (SAS)", severity=Severity.HIGH,
        pattern=lazy(r"sv=20\d\d-\d\d-\d\d&[^\s\"'<>]{0,300}?sig="
                           r"(?P<secret>[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})"),
        anchors=("sig=",),
        help_url="https://learn.microsoft.com/azure/storage/common/storage-sas-overview",
        revoke="Revoke it by rotating the account key that signed it (or delete the stored "
               "access policy it references).",
        validator=_decodes_to(32, urlencoded=True)),
    Detector(
        rule_id="GATE-SECRET-AZURE-CLIENT-SECRET", provider="Azure",
        title="Microsoft Entra ID (Azure AD) application client secret", severity=Severity.HIGH,
        pattern=lazy(r"(?<![A-Za-z0-9_~.-])(?P<secret>[A-Za-z0-9_~.-]{3}\dQ~"
                           r"[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])"),
        anchors=("q~",),
        help_url="https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials",
        revoke="Delete the secret: Entra admin center > App registrations > Certificates & "
               "secrets; prefer certificates or federated credentials.",
        validator=entropy_validator(3.5)),
    Detector(
        rule_id="GATE-SECRET-AZURE-DEVOPS-PAT", provider="Azure DevOps",
        title="Azure DevOps personal access token", severity=Severity.HIGH,
        pattern=rx(r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{4}AZDO[A-Za-z0-9]{4}"), anchors=("azdo",),
        help_url="https://learn.microsoft.com/azure/devops/organizations/accounts/"
                 "use-personal-access-tokens-to-authenticate",
        revoke="Revoke it: Azure DevOps > User settings > Personal access tokens.",
        validator=entropy_validator(3.5, lambda v: v[:52])),
    Detector(
        rule_id="GATE-SECRET-AZURE-SHARED-ACCESS-KEY", provider="Azure",
        title="Azure Service Bus / Event Hubs / IoT Hub shared access key",
        severity=Severity.HIGH,
        pattern=lazy(r"(?i:SharedAccessKey)\s*=\s*(?P<secret>[A-Za-z0-9+/]{43}=)"),
        anchors=("sharedaccesskey",),
        help_url="https://learn.microsoft.com/azure/service-bus-messaging/"
                 "service-bus-sas",
        revoke="Regenerate the key: Azure portal > the namespace > Shared access policies.",
        validator=_decodes_to(32)),
)

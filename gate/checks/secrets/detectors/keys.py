"""Private keys: PEM (PKCS#1, PKCS#8, SEC1, DSA, encrypted), OpenSSH, PuTTY, PGP, age, JWK.

A header alone is not a key: documentation is full of ``-----BEGIN RSA
PRIVATE KEY-----`` followed by ``...``. A key is reported as a key when its
body decodes: PEM bodies to a DER SEQUENCE that starts with an INTEGER
(RFC 7468, RFC 8017, RFC 5208, RFC 5915), OpenSSH bodies to
``openssh-key-v1\\0`` (OpenSSH PROTOCOL.key), PGP armour to a packet, PuTTY
files to their header fields, age keys to a valid bech32 checksum, JWKs to a
JSON object with a private ``d`` member (RFC 7517/7518).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from gate.checks.secrets.detectors.checksums import b64decode_loose, bech32_valid, der_sequence
from gate.checks.secrets.detectors.interface import Detector, Validation
from gate.findings import Severity

__all__ = ["DETECTORS", "pem_block", "validate_pem"]

_HEADER = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = re.compile(r"END [A-Z0-9 ]*PRIVATE KEY")
_MAX_LINES = 500
_RUN = re.compile(r"[A-Za-z0-9+/=]{4,}")
_PIECES = re.compile(r"\\r\\n|\\n|\r?\n")
_REVOKE = ("Replace the key pair and remove the public half wherever it is trusted "
           "(authorized_keys, TLS certificate, deploy keys); the old key cannot be recalled.")


def pem_block(lines: Sequence[str], number: int, value: str) -> str | None:
    """From the ``BEGIN`` line to the matching ``END`` line, whitespace-normalised per line.

    The same text the check fingerprints for detect-secrets' Private Key type,
    so both name one secret.
    """
    last = min(len(lines), number - 1 + _MAX_LINES)
    for index in range(number - 1, last):
        if _KEY_END.search(lines[index]):
            return "\n".join(" ".join(line.split()) for line in lines[number - 1:index + 1])
    return None


def _body(block: str) -> tuple[str, bytes | None, bool]:
    """The key kind, its decoded body and whether it is encrypted (legacy PEM headers)."""
    header = _HEADER.search(block)
    kind = (header.group(1).strip() if header else "")
    start = header.end() if header else 0
    end = block.find("-----END", start)
    text = block[start:end if end >= 0 else len(block)]
    encrypted = "ENCRYPTED" in kind or "Proc-Type: 4,ENCRYPTED" in text
    pieces: list[str] = []
    for piece in _PIECES.split(text):
        if ":" in piece and re.search(r"(?:Proc-Type|DEK-Info|Comment|Version|Hash)\s*:", piece):
            continue
        runs = _RUN.findall(piece)
        if runs:
            pieces.append(max(runs, key=len))
    return kind, b64decode_loose("".join(pieces)), encrypted


def validate_pem(block: str) -> Validation:
    """Whether a PEM (or OpenSSH / PGP armoured) private key's body really is a key."""
    kind, raw, encrypted = _body(block)
    if raw is None:
        return Validation(False, "body is not base64: a placeholder or an excerpt")
    if kind == "OPENSSH":
        ok = raw.startswith(b"openssh-key-v1\x00")
        encrypted = ok and b"\x00\x00\x00\x04none" not in raw[:64]
    elif kind == "PGP":
        ok = len(raw) > 32 and bool(raw[0] & 0x80)
    else:
        elements = der_sequence(raw)
        ok = bool(elements) and (encrypted or (elements is not None and elements[0][0] == 0x02))
    if not ok:
        return Validation(False, f"{kind or 'PKCS#8'} body does not parse as a private key")
    if encrypted:
        return Validation(True, "encrypted with a passphrase", severity=Severity.HIGH)
    return Validation(True, f"{kind or 'PKCS#8'} private key parses")


def _putty_block(lines: Sequence[str], number: int, value: str) -> str | None:
    last = min(len(lines), number - 1 + _MAX_LINES)
    for index in range(number - 1, last):
        if lines[index].lstrip().startswith("Private-MAC:"):
            return "\n".join(" ".join(line.split()) for line in lines[number - 1:index + 1])
    return None


def _putty(block: str) -> Validation:
    private = re.search(r"Private-Lines:\s*(\d+)", block)
    if not private or "Public-Lines:" not in block or "Private-MAC:" not in block:
        return Validation(False, "not a complete PuTTY key file")
    body = block[private.end():block.find("Private-MAC:")]
    if b64decode_loose("".join(body.split())) is None:
        return Validation(False, "private lines are not base64")
    if re.search(r"Encryption:\s*none", block):
        return Validation(True, "unencrypted PuTTY key")
    return Validation(True, "encrypted with a passphrase", severity=Severity.HIGH)


def _age(value: str) -> Validation:
    if bech32_valid(value):
        return Validation(True, "bech32 checksum holds")
    return Validation(False, "bech32 checksum does not hold")


def _jwk(value: str) -> Validation:
    try:
        data = json.loads(value)
    except ValueError:
        return Validation(False, "not a JSON object")
    if not isinstance(data, dict) or not isinstance(data.get("d"), str):
        return Validation(False, "no private member")
    raw = b64decode_loose(data["d"])
    if raw is None or len(raw) < 16:
        return Validation(False, "private member is not a base64url key")
    kty = data.get("kty") if data.get("kty") in ("RSA", "EC", "OKP") else "JWK"
    return Validation(True, f"{kty} private key")  # never echo the file's own text


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-PRIVATE-KEY", provider="PEM",
        title="Private key (PEM: RSA, EC, DSA, PKCS#8; OpenSSH; PGP)", severity=Severity.CRITICAL,
        pattern=_HEADER, anchors=("-----begin",),
        help_url="https://datatracker.ietf.org/doc/html/rfc7468", revoke=_REVOKE,
        validator=validate_pem, extend=pem_block, provider_token=False),
    Detector(
        rule_id="GATE-SECRET-PUTTY-PRIVATE-KEY", provider="PuTTY", title="PuTTY private key file",
        severity=Severity.CRITICAL, pattern=re.compile(r"PuTTY-User-Key-File-[23]: \S+"),
        anchors=("putty-user-key-file",),
        help_url="https://the.earth.li/~sgtatham/putty/0.81/htmldoc/AppendixC.html",
        revoke=_REVOKE, validator=_putty, extend=_putty_block, provider_token=False),
    Detector(
        rule_id="GATE-SECRET-AGE-SECRET-KEY", provider="age", title="age secret key",
        severity=Severity.HIGH,
        pattern=re.compile(r"(?<![A-Za-z0-9])AGE-SECRET-KEY-1[023456789ACDEFGHJKLMNPQRSTUVWXYZ]"
                           r"{58}(?![A-Za-z0-9])"),
        anchors=("age-secret-key-1",),
        help_url="https://github.com/C2SP/C2SP/blob/main/age.md",
        revoke="Generate a new identity (age-keygen), re-encrypt what the old one could open.",
        validator=_age, checksum=True, provider_token=False),
    Detector(
        rule_id="GATE-SECRET-JWK-PRIVATE-KEY", provider="JWK", title="JSON Web Key with private part",
        severity=Severity.CRITICAL,
        pattern=re.compile(r"\{[^{}]{0,2000}\"kty\"\s*:\s*\"(?:RSA|EC|OKP)\"[^{}]{0,4000}\}"),
        anchors=("\"kty\"",),
        help_url="https://datatracker.ietf.org/doc/html/rfc7517", revoke=_REVOKE,
        validator=_jwk, provider_token=False),
)

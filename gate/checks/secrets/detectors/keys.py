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

import hashlib
import hmac
import json
import re
from collections.abc import Sequence

from gate.checks.secrets.detectors.checksums import b64decode_loose, bech32_valid, der_sequence
from gate.checks.secrets.detectors.interface import Detector, Validation
from gate.checks.secrets.detectors.lazyre import lazy
from gate.findings import Severity

__all__ = ["DETECTORS", "pem_block", "putty_mac", "validate_pem"]

_HEADER = lazy(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = lazy(r"END [A-Z0-9 ]*PRIVATE KEY")
_MAX_LINES = 500
_RUN = lazy(r"[A-Za-z0-9+/=]{4,}")
_PIECES = lazy(r"\\r\\n|\\n|\r?\n")
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


_ARMOR_HEADER = lazy(r"^\s*[A-Za-z][A-Za-z0-9-]*\s*:\s")
_CRC24_LINE = lazy(r"^\s*=([A-Za-z0-9+/]{4})\s*$")
_DEK_INFO = lazy(r"DEK-Info:\s*([A-Z0-9-]+),([0-9A-Fa-f]{16,32})")


def _body(block: str) -> tuple[str, bytes | None, bool, str | None]:
    """The key kind, its decoded body, whether it is encrypted (legacy PEM headers), and the
    PGP armour's CRC-24 line (``None`` without one)."""
    header = _HEADER.search(block)
    kind = (header.group(1).strip() if header else "")
    start = header.end() if header else 0
    end = block.find("-----END", start)
    text = block[start:end if end >= 0 else len(block)]
    encrypted = "ENCRYPTED" in kind or "Proc-Type: 4,ENCRYPTED" in text
    pieces: list[str] = []
    crc: str | None = None
    for piece in _PIECES.split(text):
        if ":" in piece and _ARMOR_HEADER.match(piece):
            continue  # Proc-Type, DEK-Info, Version, Comment, Hash (RFC 1421, RFC 4880)
        checksum = _CRC24_LINE.match(piece)
        if checksum and kind == "PGP":
            crc = checksum.group(1)
            continue
        runs = _RUN.findall(piece)
        if runs:
            pieces.append(max(runs, key=len))
    return kind, b64decode_loose("".join(pieces)), encrypted, crc


def _crc24(data: bytes) -> int:
    """RFC 4880 section 6.1: the armour checksum."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def _openssh_cipher(raw: bytes) -> str | None:
    """The cipher name of a whole ``openssh-key-v1`` body (``none`` when unencrypted), else ``None``.

    OpenSSH PROTOCOL.key: magic, cipher, KDF, KDF options, key count, the
    public keys, then the private section, which must end the body; unencrypted,
    the private section opens with two equal check integers. A truncated or
    edited body does not parse.
    """
    magic = b"openssh-key-v1\x00"
    if not raw.startswith(magic):
        return None
    fields: list[bytes] = []
    index = len(magic)

    def take() -> bytes | None:
        nonlocal index
        if index + 4 > len(raw):
            return None
        size = int.from_bytes(raw[index:index + 4], "big")
        if index + 4 + size > len(raw):
            return None
        index += 4 + size
        return raw[index - size:index]

    for _ in range(3):  # cipher, kdf, kdf options
        field = take()
        if field is None:
            return None
        fields.append(field)
    if index + 4 > len(raw):
        return None
    count = int.from_bytes(raw[index:index + 4], "big")
    index += 4
    if not 1 <= count <= 16:
        return None
    for _ in range(count):
        if take() is None:
            return None
    private = take()
    if private is None or index != len(raw) or not private:
        return None
    try:
        cipher = fields[0].decode("ascii")
    except UnicodeDecodeError:
        return None
    if cipher == "none" and (len(private) < 8 or private[:4] != private[4:8]):
        return None
    return cipher


def _pgp_secret_packet(raw: bytes) -> bool:
    """Whether the first packet is a Secret-Key packet (tag 5), old or new format (RFC 4880 4.2)."""
    if len(raw) < 32 or not raw[0] & 0x80:
        return False
    tag = raw[0] & 0x3F if raw[0] & 0x40 else (raw[0] >> 2) & 0x0F
    return tag == 5


_PGP_MPIS = {1: 2, 2: 2, 3: 2, 16: 3, 17: 4}
"""Public MPIs of a v4 key by algorithm (RSA n, e; Elgamal p, g, y; DSA p, q, g, y)."""


def _pgp_protected(raw: bytes) -> bool | None:
    """Whether the first Secret-Key packet is passphrase-protected (its S2K usage octet is
    not 0, RFC 4880 5.5.3); ``None`` when the v4 layout cannot be walked to it."""
    first = raw[0]
    if first & 0x40:  # new format: one-, two- or five-octet length
        if raw[1] < 192:
            start = 2
        elif raw[1] < 224:
            start = 3
        elif raw[1] == 255:
            start = 6
        else:
            return None
    else:
        start = 1 + (1, 2, 4, 0)[first & 0x03]
    body = raw[start:]
    if len(body) < 7 or body[0] != 4:
        return None
    algorithm, index = body[5], 6

    def mpi(at: int) -> int | None:
        if at + 2 > len(body):
            return None
        return at + 2 + (int.from_bytes(body[at:at + 2], "big") + 7) // 8

    if algorithm in _PGP_MPIS:
        for _ in range(_PGP_MPIS[algorithm]):
            after = mpi(index)
            if after is None:
                return None
            index = after
    elif algorithm in (18, 19, 22):  # ECDH, ECDSA, EdDSA: OID, point (ECDH: KDF parameters)
        if index >= len(body):
            return None
        after = mpi(index + 1 + body[index])
        if after is None:
            return None
        index = after + (1 + body[after] if algorithm == 18 and after < len(body) else 0)
    else:
        return None
    return body[index] != 0 if index < len(body) else None


def validate_pem(block: str) -> Validation:
    """Whether a PEM (or OpenSSH / PGP armoured) private key's body really is a key.

    Proven structures: a DER SEQUENCE that spans the body and starts with an
    INTEGER (PKCS#1, SEC1, DSA, PKCS#8) or with an algorithm SEQUENCE
    (encrypted PKCS#8); legacy encrypted PEM (``Proc-Type: 4,ENCRYPTED``) with
    a ``DEK-Info`` IV and whole cipher blocks; ``openssh-key-v1`` with its
    cipher name; a PGP Secret-Key packet (its CRC-24 checked when present).
    """
    kind, raw, encrypted, crc = _body(block)
    if raw is None:
        return Validation(False, "body is not base64: a placeholder or an excerpt")
    if kind == "OPENSSH":
        cipher = _openssh_cipher(raw)
        ok = cipher is not None
        encrypted = cipher not in (None, "none")
    elif kind == "PGP":
        ok = _pgp_secret_packet(raw) and (
            crc is None or (b64decode_loose(crc) or b"") == _crc24(raw).to_bytes(3, "big"))
        encrypted = ok and bool(_pgp_protected(raw))  # unknown layouts rate as unprotected
    elif "Proc-Type: 4,ENCRYPTED" in block:
        ok = bool(_DEK_INFO.search(block)) and len(raw) >= 64 and len(raw) % 8 == 0
    else:
        elements = der_sequence(raw)
        ok = bool(elements) and elements is not None and (
            elements[0][0] == 0x02 or ("ENCRYPTED" in kind and elements[0][0] == 0x30))
    if not ok:
        return Validation(False, f"{kind or 'PKCS#8'} body does not parse as a private key")
    if encrypted:
        return Validation(True, "encrypted with a passphrase", severity=Severity.HIGH, proven=True)
    return Validation(True, f"{kind or 'PKCS#8'} private key parses", proven=True)


def _putty_block(lines: Sequence[str], number: int, value: str) -> str | None:
    line = lines[number - 1]
    if "\\n" in line:  # on one line, in a JSON or .env string
        text = line.replace("\\r\\n", "\n").replace("\\n", "\n")
        mac = re.search(r"Private-MAC:\s*[0-9a-fA-F]+", text)
        start = text.find("PuTTY-User-Key-File-")
        return text[start:mac.end()] if mac and start >= 0 else None
    last = min(len(lines), number - 1 + _MAX_LINES)
    for index in range(number - 1, last):
        if lines[index].lstrip().startswith("Private-MAC:"):
            return "\n".join(" ".join(line.split()) for line in lines[number - 1:index + 1])
    return None


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def putty_mac(version: str, fields: Sequence[bytes]) -> str:
    """The ``Private-MAC`` of an unencrypted PuTTY key file (PuTTY manual, appendix C).

    ``fields``: algorithm, encryption, comment, public blob, private blob.
    Version 2 keys HMAC-SHA-1 under SHA-1 of a fixed string; version 3 keys
    HMAC-SHA-256 under an empty key when unencrypted.
    """
    data = b"".join(_ssh_string(f) for f in fields)
    if version == "2":
        # PuTTY's own v2 format: SHA-1 is what the file uses, not a choice made here
        key = hashlib.sha1(b"putty-private-key-file-mac-key", usedforsecurity=False).digest()
        return hmac.new(key, data, hashlib.sha1).hexdigest()
    return hmac.new(b"", data, hashlib.sha256).hexdigest()


def _putty_lines(block: str, name: str) -> bytes | None:
    count = re.search(name + r"-Lines:\s*(\d+)", block)
    if count is None:
        return None
    rows = block[count.end():].split("\n")[1:1 + int(count.group(1))]
    return b64decode_loose("".join("".join(rows).split()))


def _putty(block: str) -> Validation:
    version = re.search(r"PuTTY-User-Key-File-([23]):\s*(\S+)", block)
    private = _putty_lines(block, "Private")
    public = _putty_lines(block, "Public")
    mac = re.search(r"Private-MAC:\s*([0-9a-fA-F]+)", block)
    encryption = re.search(r"Encryption:\s*(\S+)", block)
    if version is None or mac is None or encryption is None:
        return Validation(False, "not a complete PuTTY key file")
    if private is None or public is None:
        return Validation(False, "private or public lines are not base64")
    if encryption.group(1) != "none":
        return Validation(True, "encrypted with a passphrase", severity=Severity.HIGH)
    comment = re.search(r"Comment:[ \t]?([^\n]*)", block)
    fields = [version.group(2).encode(), b"none",
              (comment.group(1) if comment else "").encode(), public, private]
    if hmac.compare_digest(putty_mac(version.group(1), fields), mac.group(1).lower()):
        return Validation(True, "unencrypted PuTTY key, its MAC holds", proven=True)
    return Validation(False, "unencrypted, but its MAC does not hold: an edited or made-up file")


def _age(value: str) -> Validation:
    if bech32_valid(value):
        return Validation(True, "bech32 checksum holds")
    return Validation(False, "bech32 checksum does not hold")


_JWK_SPAN = 60
"""Lines searched around a pretty-printed JWK's ``"kty"`` member for its braces."""


def _jwk_object(lines: Sequence[str], number: int, value: str) -> str | None:
    """A JWK printed over several lines: from the ``{`` above ``"kty"`` to the ``}`` below."""
    if value.startswith("{"):
        return None
    first = next((i for i in range(number - 1, max(-1, number - 1 - _JWK_SPAN), -1)
                  if "{" in lines[i]), None)
    if first is None:
        return None
    last = next((i for i in range(number - 1, min(len(lines), number - 1 + _JWK_SPAN))
                 if "}" in lines[i]), None)
    if last is None:
        return None
    text = "\n".join(lines[first:last + 1])
    return text[text.rfind("{", 0, len("\n".join(lines[first:number]))):text.find("}") + 1] or None


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
    return Validation(True, f"{kty} private key", proven=True)  # never echo the file's own text


DETECTORS: tuple[Detector, ...] = (
    Detector(
        rule_id="GATE-SECRET-PRIVATE-KEY", provider="PEM",
        title="Private key (PEM: RSA, EC, DSA, PKCS#8; OpenSSH; PGP)", severity=Severity.CRITICAL,
        pattern=_HEADER, anchors=("-----begin",),
        help_url="https://datatracker.ietf.org/doc/html/rfc7468", revoke=_REVOKE,
        validator=validate_pem, extend=pem_block, provider_token=False),
    Detector(
        rule_id="GATE-SECRET-PUTTY-PRIVATE-KEY", provider="PuTTY", title="PuTTY private key file",
        severity=Severity.CRITICAL, pattern=lazy(r"PuTTY-User-Key-File-[23]: \S+"),
        anchors=("putty-user-key-file",),
        help_url="https://the.earth.li/~sgtatham/putty/0.81/htmldoc/AppendixC.html",
        revoke=_REVOKE, validator=_putty, extend=_putty_block, provider_token=False),
    Detector(
        rule_id="GATE-SECRET-AGE-SECRET-KEY", provider="age", title="age secret key",
        severity=Severity.HIGH,
        pattern=lazy(r"(?<![A-Za-z0-9])AGE-SECRET-KEY-1[023456789ACDEFGHJKLMNPQRSTUVWXYZ]"
                           r"{58}(?![A-Za-z0-9])"),
        anchors=("age-secret-key-1",),
        help_url="https://github.com/C2SP/C2SP/blob/main/age.md",
        revoke="Generate a new identity (age-keygen), re-encrypt what the old one could open.",
        validator=_age, checksum=True, provider_token=False),
    Detector(
        rule_id="GATE-SECRET-JWK-PRIVATE-KEY", provider="JWK", title="JSON Web Key with private part",
        severity=Severity.CRITICAL,
        pattern=lazy(r"\{[^{}]{0,2000}\"kty\"\s*:\s*\"(?:RSA|EC|OKP)\"[^{}]{0,4000}\}"
                           r"|\"kty\"\s*:\s*\"(?:RSA|EC|OKP)\"(?![^{}]{0,4000}\})"),
        anchors=("\"kty\"",),
        help_url="https://datatracker.ietf.org/doc/html/rfc7517", revoke=_REVOKE,
        validator=_jwk, provider_token=False, extend=_jwk_object),
)

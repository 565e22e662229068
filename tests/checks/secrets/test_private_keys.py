"""Issue 21 item 2: a private key in any format, in any placement, fails the gate.

Keys are generated at test time: PEM and OpenSSH keys by ``openssl`` and
``ssh-keygen`` (both required: a missing tool fails the test, it does not
skip it), PuTTY PPK v2/v3 files, a PGP secret key block and JWKs are built
here from keys ``cryptography`` generates, in the formats' documented
layouts (PuTTY manual appendix C with a real MAC; RFC 4880 packets with
their CRC-24 armour). Nothing is ever written outside the test's tmp_path,
and no value is printed: assertion messages list rule ids and severities.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import struct
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from gate.checks.secrets import scan_files
from gate.checks.secrets.detectors.keys import putty_mac
from gate.findings import Finding, Severity


def _run(*args: str, cwd: Path) -> None:
    tool = shutil.which(args[0])
    assert tool is not None, f"{args[0]} is required by these tests"
    subprocess.run([tool, *args[1:]], cwd=cwd, check=True, capture_output=True, timeout=120)


def _openssl(work: Path) -> dict[str, str]:
    """PEM keys in every layout openssl writes."""
    commands = {
        "pkcs1": ["genrsa", "-traditional", "-out", "pkcs1", "2048"],
        "pkcs1-encrypted": ["genrsa", "-traditional", "-aes256", "-passout", "pass:t3st-only",
                            "-out", "pkcs1-encrypted", "2048"],
        "pkcs8": ["genpkey", "-algorithm", "RSA", "-out", "pkcs8"],
        "pkcs8-encrypted": ["genpkey", "-algorithm", "RSA", "-aes256", "-pass", "pass:t3st-only",
                            "-out", "pkcs8-encrypted"],
        "sec1-with-params": ["ecparam", "-name", "prime256v1", "-genkey", "-out",
                             "sec1-with-params"],
        "sec1": ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1"],
        "ed25519-pkcs8": ["genpkey", "-algorithm", "ED25519", "-out", "ed25519-pkcs8"],
        "x25519-pkcs8": ["genpkey", "-algorithm", "X25519", "-out", "x25519-pkcs8"],
        "dsa-params": ["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt",
                       "dsa_paramgen_bits:1024", "-out", "dsa-params"],
        "dsa-pkcs8": ["genpkey", "-paramfile", "dsa-params", "-out", "dsa-pkcs8"],
        "dsa": ["pkey", "-in", "dsa-pkcs8", "-traditional", "-out", "dsa"],
    }
    for arguments in commands.values():
        _run("openssl", *arguments, cwd=work)
    return {name: (work / name).read_text() for name in commands if name != "dsa-params"}


def _ssh_keygen(work: Path) -> dict[str, str]:
    keys = {}
    for kind, bits in (("rsa", ["-b", "2048"]), ("ecdsa", []), ("ed25519", [])):
        for suffix, passphrase in (("", ""), ("-encrypted", "t3st-only")):
            name = f"openssh-{kind}{suffix}"
            _run("ssh-keygen", "-q", "-t", kind, *bits, "-N", passphrase, "-C", "ci",
                 "-f", name, cwd=work)
            keys[name] = (work / name).read_text()
    return keys


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _ppk(version: str, key: ed25519.Ed25519PrivateKey) -> str:
    """An unencrypted PuTTY key file (PuTTY manual, appendix C), MAC computed as PuTTY does."""
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    public_blob = _string(b"ssh-ed25519") + _string(public)
    private_blob = _string(raw)
    mac = putty_mac(version, [b"ssh-ed25519", b"none", b"ci", public_blob, private_blob])

    def rows(blob: bytes) -> list[str]:
        text = base64.b64encode(blob).decode()
        return [text[i:i + 64] for i in range(0, len(text), 64)]

    pub, priv = rows(public_blob), rows(private_blob)
    return "\n".join([f"PuTTY-User-Key-File-{version}: ssh-ed25519", "Encryption: none",
                      "Comment: ci", f"Public-Lines: {len(pub)}", *pub,
                      f"Private-Lines: {len(priv)}", *priv, f"Private-MAC: {mac}"]) + "\n"


def _ppk_encrypted(version: str, key: ed25519.Ed25519PrivateKey) -> str:
    """A passphrase-protected PuTTY key file: the private lines are ciphertext (random here)."""
    public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    public_blob = base64.b64encode(_string(b"ssh-ed25519") + _string(public)).decode()
    cipher = base64.b64encode(bytes(range(48))[::-1] + public[:16]).decode()
    kdf = (["Key-Derivation: Argon2id", "Argon2-Memory: 8192", "Argon2-Passes: 13",
            "Argon2-Parallelism: 1", "Argon2-Salt: " + public[:16].hex()] if version == "3" else [])
    return "\n".join([f"PuTTY-User-Key-File-{version}: ssh-ed25519", "Encryption: aes256-cbc",
                      "Comment: ci", "Public-Lines: 1", public_blob, *kdf, "Private-Lines: 1",
                      cipher, "Private-MAC: " + hashlib.sha256(public).hexdigest()]) + "\n"


def _crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def _mpi(data: bytes) -> bytes:
    number = int.from_bytes(data, "big")
    return struct.pack(">H", number.bit_length()) + data.lstrip(b"\x00")


def _pgp(key: ed25519.Ed25519PrivateKey, protected: bool = False) -> str:
    """An armoured OpenPGP Secret-Key packet (RFC 4880 5.5.3, EdDSA per RFC 9580): unprotected,
    or passphrase-protected (S2K usage 254, iterated and salted S2K, AES-256; the encrypted
    part is random bytes here)."""
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    oid = bytes.fromhex("2b06010401da470f01")
    body = (b"\x04" + struct.pack(">I", int(time.time())) + b"\x16" + bytes([len(oid)]) + oid
            + _mpi(b"\x40" + public))
    secret = _mpi(raw)
    if protected:
        body += b"\xfe\x09\x03\x08" + raw[:8] + b"\x60" + raw[8:24] + hashlib.sha512(raw).digest()
    else:
        body += b"\x00" + secret + struct.pack(">H", sum(secret) % 65536)
    packet = b"\xc5" + bytes([len(body)]) + body
    text = base64.b64encode(packet).decode()
    crc = base64.b64encode(_crc24(packet).to_bytes(3, "big")).decode()
    rows = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "\n".join(["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", *rows, "=" + crc,
                      "-----END PGP PRIVATE KEY BLOCK-----"]) + "\n"


def _jwk() -> dict[str, str]:
    numbers = ec.generate_private_key(ec.SECP256R1()).private_numbers()

    def b64(value: int) -> str:
        return base64.urlsafe_b64encode(value.to_bytes(32, "big")).decode().rstrip("=")

    return {"kty": "EC", "crv": "P-256", "x": b64(numbers.public_numbers.x),
            "y": b64(numbers.public_numbers.y), "d": b64(numbers.private_value)}


TEXT_FORMATS = ("pkcs1", "pkcs1-encrypted", "pkcs8", "pkcs8-encrypted", "sec1-with-params",
                "sec1", "ed25519-pkcs8", "x25519-pkcs8", "dsa-pkcs8", "dsa",
                *(f"openssh-{k}{s}" for k in ("rsa", "ecdsa", "ed25519") for s in ("", "-encrypted")),
                "ppk-v2", "ppk-v3", "ppk-v2-encrypted", "ppk-v3-encrypted", "pgp", "pgp-encrypted")


def _yaml_block(key: str) -> str:
    return "tls:\n  key: |\n" + "".join(f"    {line}\n" for line in key.splitlines()) + "  x: 1\n"


def _b64(key: str) -> str:
    return base64.b64encode(key.encode()).decode()


PLACEMENTS: dict[str, tuple[str, Callable[[str], str]]] = {
    "own-file": ("deploy/id_key", lambda key: key),
    "python-string": ("app/keys.py", lambda key: f'KEY = """{key}"""\n'),
    "python-escaped": ("app/inline.py", lambda key: f"KEY = {json.dumps(key)}\n"),
    "json": ("config/sa.json", lambda key: json.dumps({"private_key": key}, indent=2) + "\n"),
    "yaml-block": ("chart/values.yaml", _yaml_block),
    "dotenv": ("deploy/.env", lambda key: "PRIVATE_KEY=" + json.dumps(key) + "\n"),
    "kubernetes-secret": ("k8s/secret.yaml", lambda key: (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\n"
        f"data:\n  tls.key: {_b64(key)}\n")),
    "kubeconfig": ("deploy/kubeconfig", lambda key: (
        "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n"
        f"    client-key-data: {_b64(key)}\n")),
    "helm-double-base64": ("chart/secret-values.yaml",
                           lambda key: f"sshKey: {_b64(_b64(key))}\n"),
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    work = tmp_path_factory.mktemp("keygen")
    made = {**_openssl(work), **_ssh_keygen(work)}
    made["ppk-v2"] = _ppk("2", ed25519.Ed25519PrivateKey.generate())
    made["ppk-v3"] = _ppk("3", ed25519.Ed25519PrivateKey.generate())
    made["ppk-v2-encrypted"] = _ppk_encrypted("2", ed25519.Ed25519PrivateKey.generate())
    made["ppk-v3-encrypted"] = _ppk_encrypted("3", ed25519.Ed25519PrivateKey.generate())
    made["pgp"] = _pgp(ed25519.Ed25519PrivateKey.generate())
    made["pgp-encrypted"] = _pgp(ed25519.Ed25519PrivateKey.generate(), protected=True)
    for path in work.iterdir():
        path.unlink()
    return made


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory,
            keys: dict[str, str]) -> dict[str, list[Finding]]:
    root = tmp_path_factory.mktemp("placed")
    files = []
    for fmt in TEXT_FORMATS:
        for placement, (path, render) in PLACEMENTS.items():
            rel = f"{fmt}/{placement}/{path}"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(render(keys[fmt]))
            files.append(rel)
    result = scan_files(root, files)
    assert result.not_scanned == ()
    found: dict[str, list[Finding]] = {rel: [] for rel in files}
    for finding in result.findings:
        found[finding.path].append(finding)
    return found


KEY_RULES = ("GATE-SECRET-PRIVATE-KEY", "GATE-SECRET-PUTTY-PRIVATE-KEY",
             "GATE-SECRET-GCP-SERVICE-ACCOUNT-KEY")  # a PKCS#8 key under "private_key"


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_key_in_every_placement_fails(fmt: str, placement: str,
                                            scanned: dict[str, list[Finding]]) -> None:
    findings = scanned[f"{fmt}/{placement}/{PLACEMENTS[placement][0]}"]
    keys_found = [(f.rule_id, f.severity.label, dict(f.extra).get("classification"))
                  for f in findings if f.rule_id in KEY_RULES]
    assert len(keys_found) == 1, [(f.rule_id, f.start_line, f.severity.label) for f in findings]
    [(_, severity, classification)] = keys_found
    encrypted = fmt.endswith("-encrypted")
    assert (severity, classification) == ("high" if encrypted else "critical", "live-format")
    # one finding per key: detect-secrets' hits on it are aliases, not findings of their own
    assert [f.rule_id for f in findings] == [keys_found[0][0]]


def test_the_finding_is_on_the_value_s_first_line(scanned: dict[str, list[Finding]]) -> None:
    [finding] = scanned["pkcs1/yaml-block/chart/values.yaml"]

    assert (finding.start_line, finding.aliases) == (3, ("Private Key",))


def test_base64_layers_report_the_inner_key_at_the_outer_line(
        scanned: dict[str, list[Finding]]) -> None:
    [outer] = scanned["openssh-ed25519/kubernetes-secret/k8s/secret.yaml"]
    [twice] = scanned["pkcs8/helm-double-base64/chart/secret-values.yaml"]

    assert (outer.start_line, dict(outer.extra)["reason"]) == (
        7, "base64-encoded: OPENSSH private key parses")
    assert dict(twice.extra)["reason"] == "base64-encoded: base64-encoded: PKCS#8 private key parses"
    assert "Base64 High Entropy String" in twice.aliases


@pytest.mark.parametrize("layout", ["one-line", "pretty", "key-set"])
def test_jwk_with_a_private_member_fails(tmp_path: Path, layout: str) -> None:
    jwk = _jwk()
    text = {"one-line": "JWK = " + json.dumps(jwk) + "\n",
            "pretty": json.dumps(jwk, indent=2) + "\n",
            "key-set": json.dumps({"keys": [jwk]}, indent=2) + "\n"}[layout]
    (tmp_path / "jwks.json").write_text(text)

    findings = scan_files(tmp_path, ["jwks.json"]).findings

    assert [(f.rule_id, f.severity) for f in findings] == [
        ("GATE-SECRET-JWK-PRIVATE-KEY", Severity.CRITICAL)]


def _truncated(key: str) -> str:
    return "\n".join(key.splitlines()[:4]) + "\n"


NOT_KEYS: dict[str, Callable[[Path, dict[str, str]], str]] = {
    "template": lambda work, keys: ("-----BEGIN RSA PRIVATE KEY-----\n<paste your key here>\n"
                                    "-----END RSA PRIVATE KEY-----\n"),
    "ellipsis": lambda work, keys: ("-----BEGIN OPENSSH PRIVATE KEY-----\n"
                                    + keys["openssh-ed25519"].splitlines()[1] + "\n...\n"
                                    "-----END OPENSSH PRIVATE KEY-----\n"),
    "truncated": lambda work, keys: _truncated(keys["pkcs1"]),
    "public-key": lambda work, keys: _public(work, keys),
    "certificate": lambda work, keys: _certificate(work),
    "authorized_keys": lambda work, keys: _public(work, keys) * 3,
    "public-jwk": lambda work, keys: json.dumps(
        {k: v for k, v in _jwk().items() if k != "d"}, indent=2) + "\n",
}


def _public(work: Path, keys: dict[str, str]) -> str:
    (work / "k").write_text(keys["openssh-ed25519"])
    (work / "k").chmod(0o600)
    result = subprocess.run([shutil.which("ssh-keygen") or "ssh-keygen", "-y", "-f", "k"],
                            cwd=work, check=True, capture_output=True, text=True, timeout=60)
    return result.stdout


def _certificate(work: Path) -> str:
    _run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", "cert.key", "-subj", "/CN=gate-test", "-days", "1",
         "-out", "cert.pem", cwd=work)
    return (work / "cert.pem").read_text()


@pytest.mark.parametrize("kind", NOT_KEYS)
def test_templates_truncated_blocks_and_public_material_do_not_fail(
        tmp_path: Path, keys: dict[str, str], kind: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "deploy_key").write_text(NOT_KEYS[kind](work, keys))

    findings = scan_files(tmp_path / "tree", ["deploy_key"]).findings

    assert [(f.rule_id, f.severity.label) for f in findings if f.severity >= Severity.HIGH] == []
    if kind in ("template", "ellipsis", "truncated"):  # still reported, low, with its reason
        [finding] = findings
        extra = dict(finding.extra)
        assert finding.severity is Severity.LOW and extra["reason"]
        assert extra["classification"] in ("placeholder", "checksum-invalid")


def test_gate_run_fails_on_an_unencrypted_openssh_key(tmp_path: Path,
                                                      keys: dict[str, str]) -> None:
    """The issue's first report, end to end with the default policy."""
    from gate.pipeline import RunOptions, run

    (tmp_path / "id_ed25519").write_text(keys["openssh-ed25519"])
    result = run(RunOptions(path=tmp_path, checks=("secrets",), env={}, jobs=1, post=False))

    assert result.verdict == "fail"
    assert [result.findings[i].rule_id for i in sorted(result.failing)] == [
        "GATE-SECRET-PRIVATE-KEY"]


def test_key_material_never_appears_in_a_finding(keys: dict[str, str],
                                                 scanned: dict[str, list[Finding]]) -> None:
    bodies = {line for key in keys.values() for line in key.splitlines()
              if len(line) >= 40 and ":" not in line}
    text = repr(scanned)

    assert bodies and not [hashlib.sha256(b.encode()).hexdigest()[:8]
                           for b in bodies if b in text]

"""Issue 21 item 3: lock files' integrity hashes and password hashes are not secrets.

Every digest is computed here from random bytes, in each lock format's own
layout; the credentials are generated at run time (never real).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from pathlib import Path

import pytest

from gate.checks.secrets import scan_files
from gate.checks.secrets.detectors.checksums import base62_crc32
from gate.checks.secrets.detectors.lookalikes import hash_field
from gate.findings import Severity

RNG = random.Random(21)


def _bytes() -> bytes:
    return RNG.randbytes(64)


def sha512_b64() -> str:
    return base64.b64encode(hashlib.sha512(_bytes()).digest()).decode()


def sha256_hex() -> str:
    return hashlib.sha256(_bytes()).hexdigest()


def sha256_b64() -> str:
    return base64.b64encode(hashlib.sha256(_bytes()).digest()).decode()


def sha1_b64() -> str:
    return base64.b64encode(hashlib.sha1(_bytes(), usedforsecurity=False).digest()).decode()


def _lock_files() -> dict[str, str]:
    npm = {"name": "app", "lockfileVersion": 3, "packages": {
        f"node_modules/p{i}": {"version": "1.0.0",
                               "resolved": f"https://registry.npmjs.org/p{i}/-/p{i}-1.0.0.tgz",
                               "integrity": f"sha512-{sha512_b64()}"} for i in range(20)}}
    pnpm = "lockfileVersion: '9.0'\npackages:\n" + "".join(
        f"  p{i}@1.0.0:\n    resolution: {{integrity: sha512-{sha512_b64()}}}\n"
        f"  q{i}@1.0.0:\n    resolution: {{integrity: sha1-{sha1_b64()}}}\n" for i in range(20))
    yarn = "".join(f'p{i}@^1.0.0:\n  version "1.0.0"\n  resolved "https://registry.yarnpkg.com/'
                   f'p{i}/-/p{i}-1.0.0.tgz#{hashlib.sha1(_bytes()).hexdigest()}"\n'
                   f"  integrity sha512-{sha512_b64()}\n\n" for i in range(20))
    poetry = "".join(f'[[package]]\nname = "p{i}"\nversion = "1.0"\nfiles = [\n'
                     f'    {{file = "p{i}-1.0.tar.gz", hash = "sha256:{sha256_hex()}"}},\n]\n\n'
                     for i in range(20))
    uv = "".join(f'[[package]]\nname = "p{i}"\nsdist = {{ url = "https://x/p{i}.tar.gz", '
                 f'hash = "sha256:{sha256_hex()}", size = 100 }}\n\n' for i in range(20))
    pipfile = json.dumps({"default": {f"p{i}": {"hashes": [f"sha256:{sha256_hex()}"],
                                                "version": "==1.0"} for i in range(20)}}, indent=4)
    pylock = "".join(f'[[packages]]\nname = "p{i}"\n[packages.sdist]\nurl = "https://x/p{i}.tgz"\n'
                     f'hashes = {{sha256 = "{sha256_hex()}"}}\n\n' for i in range(20))
    gosum = "".join(f"example.com/m{i} v1.0.0 h1:{sha256_b64()}\n"
                    f"example.com/m{i} v1.0.0/go.mod h1:{sha256_b64()}\n" for i in range(20))
    cargo = "".join(f'[[package]]\nname = "p{i}"\nversion = "1.0.0"\n'
                    f'checksum = "{sha256_hex()}"\n\n' for i in range(20))
    requirements = "".join(f"p{i}==1.0 \\\n    --hash=sha256:{sha256_hex()} \\\n"
                           f"    --hash=sha256:{sha256_hex()}\n" for i in range(20))
    return {"package-lock.json": json.dumps(npm, indent=2), "pnpm-lock.yaml": pnpm,
            "yarn.lock": yarn, "poetry.lock": poetry, "uv.lock": uv, "Pipfile.lock": pipfile,
            "pylock.toml": pylock, "go.sum": gosum, "Cargo.lock": cargo,
            "requirements.txt": requirements}


LOCKS = _lock_files()


@pytest.mark.parametrize("name", LOCKS)
def test_lock_file_hashes_give_no_finding(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(LOCKS[name])

    result = scan_files(tmp_path, [name])

    assert (result.findings, result.not_scanned) == ((), ())


def test_a_token_inside_a_lock_file_still_fails(tmp_path: Path) -> None:
    body = "".join(RNG.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789") for _ in range(30))
    token = "npm_" + body + base62_crc32(body)
    lock = json.loads(LOCKS["package-lock.json"])
    lock["packages"]["node_modules/p0"]["resolved"] = (
        f"https://registry.acme-corp.com/p0/-/p0-1.0.0.tgz?_authToken={token}")
    (tmp_path / "package-lock.json").write_text(json.dumps(lock, indent=2))

    findings = scan_files(tmp_path, ["package-lock.json"]).findings

    assert [(f.rule_id, f.severity) for f in findings] == [
        ("GATE-SECRET-NPM-TOKEN", Severity.CRITICAL)]


def _password_hashes() -> list[str]:
    salt = base64.b64encode(RNG.randbytes(16)).decode().rstrip("=")
    digest = base64.b64encode(RNG.randbytes(32)).decode()
    bcrypt_body = "".join(RNG.choice("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                          for _ in range(53))
    return [f"pbkdf2_sha256$600000${salt}${digest}", f"$2b$12${bcrypt_body}",
            f"$argon2id$v=19$m=65536,t=3,p=4${salt}${digest.rstrip('=')}",
            "{SSHA}" + base64.b64encode(RNG.randbytes(24)).decode(),
            f"bcrypt_sha256$$2b$12${bcrypt_body}"]


def test_password_hashes_give_no_finding(tmp_path: Path) -> None:
    fixture = [{"model": "auth.user", "pk": i, "fields": {"username": f"u{i}", "password": h}}
               for i, h in enumerate(_password_hashes())]
    (tmp_path / "users.json").write_text(json.dumps(fixture, indent=2))
    (tmp_path / "settings.py").write_text("".join(f'PASSWORD_{i} = "{h}"\n'
                                                  for i, h in enumerate(_password_hashes())))

    result = scan_files(tmp_path, ["users.json", "settings.py"])

    assert [(f.path, f.rule_id) for f in result.findings] == []


def test_a_digest_outside_a_lock_file_stays_reported(tmp_path: Path) -> None:
    """An HTML ``integrity=`` (SRI) digest is detect-secrets' hit: kept, rated low."""
    value = base64.b64encode(hashlib.sha384(_bytes()).digest()).decode()
    (tmp_path / "base.html").write_text(f'<script src="x.js"\n  integrity="sha384-{value}"></script>\n')

    findings = scan_files(tmp_path, ["base.html"]).findings

    assert [(f.rule_id, f.severity, dict(f.extra)["classification"]) for f in findings] == [
        ("Base64 High Entropy String", Severity.LOW, "digest")]


@pytest.mark.parametrize(("value", "line", "path", "expected"), [
    ("a" * 12, "secret = 'aaaaaaaaaaaa'", "x.py", None),
    ("0123456789ab", "revision = '0123456789ab'", "migrations/versions/x.py",
     "an Alembic revision id"),
    ("f" * 64, 'hash = "' + "f" * 64 + '"', "config.py", None),  # not a lock file
    ("f" * 64, 'SECRET_HASH = "' + "f" * 64 + '"', "poetry.lock", None),  # a name, not a field
    ("f" * 64, 'checksum = "' + "f" * 64 + '"', "Cargo.lock", "an integrity or hash field"),
    ("f" * 63, 'checksum = "' + "f" * 63 + '"', "Cargo.lock", None),  # not a digest's size
])
def test_hash_field_needs_proof(value: str, line: str, path: str, expected: str | None) -> None:
    assert hash_field(value, line, path) == expected

"""Live-format values and look-alikes for every detector, generated at run time.

Used by the tests (``tests/checks/secrets/test_detectors_recall.py``) and by
``benchmarks/secrets_recall.py``. Nothing here is a real credential: values
are random, built with the format's checksum or structure so they pass the
validators, and only ever exist in memory or in a temporary directory.
Never commit their output.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import time
import uuid
from collections.abc import Callable
from functools import partial
from urllib.parse import quote

from gate.checks.secrets.detectors.checksums import base62_crc32, bech32_checksum
from gate.checks.secrets.detectors.keys import putty_mac

__all__ = ["FILE_LOOKALIKES", "FILE_POSITIVES", "LOOKALIKES", "POSITIVES", "lookalike", "positive"]

Sample = tuple[str, str]
"""(template with ``{}`` for the value, value)."""

_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_PLAIN = 'value = "{}"'


def _r(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _b64(data: bytes, url: bool = False) -> str:
    encoded = base64.urlsafe_b64encode(data) if url else base64.b64encode(data)
    return encoded.decode()


def _crc_token(rng: random.Random, prefix: str) -> str:
    body = _r(rng, _ALNUM, 30)
    return prefix + body + base62_crc32(body)


def _der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + content


def _rsa_der(rng: random.Random) -> bytes:
    ints = [b"\x00"] + [b"\x00" + rng.randbytes(n) for n in (256, 3, 256, 128, 128, 128, 128, 128)]
    return _der(0x30, b"".join(_der(0x02, i) for i in ints))


def _pem(kind: str, data: bytes, escaped: bool = False) -> str:
    body = _b64(data)
    rows = [body[i:i + 64] for i in range(0, len(body), 64)]
    sep = "\\n" if escaped else "\n"
    return sep.join([f"-----BEGIN {kind}-----", *rows, f"-----END {kind}-----"])


def _jwt(rng: random.Random, header: dict[str, str], expires: float) -> str:
    payload = {"sub": _r(rng, _ALNUM, 12), "exp": int(expires)}
    parts = [_b64(json.dumps(p).encode(), url=True).rstrip("=") for p in (header, payload)]
    return ".".join([*parts, _r(rng, _ALNUM, 43)])


def _age(rng: random.Random) -> str:
    raw = rng.randbytes(32)
    bits = int.from_bytes(raw, "big") << 4  # 256 bits -> 52 five-bit words
    words = [(bits >> (5 * (51 - i))) & 31 for i in range(52)]
    words += bech32_checksum("age-secret-key-", words)
    return "AGE-SECRET-KEY-1" + "".join(_BECH32[w] for w in words).upper()


def _bad_age(rng: random.Random) -> str:
    """An age key with its last checksum character changed (to a different one)."""
    key = _age(rng)
    return key[:-1] + ("Q" if key[-1] != "Q" else "P")


def _putty(rng: random.Random) -> str:
    public, private = rng.randbytes(51), rng.randbytes(36)
    mac = putty_mac("3", [b"ssh-ed25519", b"none", b"deploy", public, private])
    return "\n".join(["PuTTY-User-Key-File-3: ssh-ed25519", "Encryption: none",
                      "Comment: deploy", "Public-Lines: 1", _b64(public),
                      "Private-Lines: 1", _b64(private), "Private-MAC: " + mac])


def _macaroon(rng: random.Random, location: bytes) -> str:
    data = (b"\x02\x01" + bytes([len(location)]) + location + b"\x02\x20" + rng.randbytes(32)
            + b"\x00\x00\x06\x20" + rng.randbytes(32))
    return "pypi-" + _b64(data, url=True).rstrip("=")


def _ops(rng: random.Random) -> str:
    blob = {"signInAddress": "my.1password.com", "userAuth": {"method": "SRPg-4096"},
            "email": _r(rng, string.ascii_lowercase, 12) + "@1passwordserviceaccounts.com",
            "srpX": _r(rng, _HEX, 64), "muk": {"k": _r(rng, _ALNUM, 43)}}
    return "ops_" + _b64(json.dumps(blob).encode()).rstrip("=")


def _glc(rng: random.Random) -> str:
    blob = {"o": str(rng.randrange(10**6, 10**7)), "n": "stack-token", "k": _r(rng, _ALNUM, 24),
            "m": {"r": "prod-us-east-0"}}
    return "glc_" + _b64(json.dumps(blob).encode())


def _discord(rng: random.Random) -> str:
    user = _b64(str(rng.randrange(10**17, 2 * 10**17)).encode()).rstrip("=")
    return f"{user}.{_r(rng, _ALNUM, 6)}.{_r(rng, _ALNUM, 38)}"


_Build = Callable[[random.Random], Sample]


def _prefixed(rng: random.Random, prefix: str) -> str:
    return prefix + _r(rng, _ALNUM, 20)


def _plain(build: Callable[[random.Random], str], template: str = _PLAIN) -> _Build:
    return lambda rng: (template, build(rng))


POSITIVES: dict[str, _Build] = {
    **{f"GATE-SECRET-{rule}": _plain(partial(_crc_token, prefix=prefix)) for rule, prefix in (
        ("GITHUB-PAT", "ghp_"), ("GITHUB-OAUTH", "gho_"), ("GITHUB-USER-TO-SERVER", "ghu_"),
        ("GITHUB-APP-INSTALLATION", "ghs_"), ("GITHUB-REFRESH", "ghr_"), ("NPM-TOKEN", "npm_"))},
    "GATE-SECRET-GITHUB-FINE-GRAINED-PAT": _plain(
        lambda rng: f"github_pat_{_r(rng, _ALNUM, 22)}_{_r(rng, _ALNUM, 59)}"),
    **{f"GATE-SECRET-{rule}": _plain(partial(_prefixed, prefix=prefix))
       for rule, prefix in (
        ("GITLAB-PAT", "glpat-"), ("GITLAB-DEPLOY-TOKEN", "gldt-"), ("GITLAB-RUNNER-TOKEN", "glrt-"),
        ("GITLAB-RUNNER-REGISTRATION", "GR1348941"), ("GITLAB-CI-JOB-TOKEN", "glcbt-"),
        ("GITLAB-TRIGGER-TOKEN", "glptt-"), ("GITLAB-FEED-TOKEN", "glft-"),
        ("GITLAB-OAUTH-SECRET", "gloas-"), ("GITLAB-AGENT-TOKEN", "glagent-"))},
    "GATE-SECRET-BITBUCKET-APP-PASSWORD": _plain(lambda rng: "ATBB" + _r(rng, _ALNUM, 32)),
    "GATE-SECRET-ATLASSIAN-API-TOKEN": _plain(
        lambda rng: "ATATT3" + _r(rng, _ALNUM, 180) + "=" + _r(rng, "0123456789ABCDEF", 8)),
    "GATE-SECRET-CIRCLECI-TOKEN": _plain(
        lambda rng: f"CCIPAT_{_r(rng, _ALNUM, 22)}_{_r(rng, _HEX, 40)}"),
    "GATE-SECRET-BUILDKITE-TOKEN": _plain(lambda rng: "bkua_" + _r(rng, _HEX, 40)),
    "GATE-SECRET-AWS-ACCESS-KEY-ID": _plain(lambda rng: "AKIA" + _r(rng, _B32, 16)),
    "GATE-SECRET-AWS-TEMPORARY-KEY-ID": _plain(lambda rng: "ASIA" + _r(rng, _B32, 16)),
    "GATE-SECRET-AWS-SECRET-ACCESS-KEY": _plain(
        lambda rng: _r(rng, _ALNUM + "/+", 40), 'aws_secret_access_key = "{}"'),
    "GATE-SECRET-AWS-SESSION-TOKEN": _plain(
        lambda rng: _r(rng, _ALNUM + "/+", 356), "aws_session_token = {}"),
    "GATE-SECRET-GCP-SERVICE-ACCOUNT-KEY": _plain(
        lambda rng: _pem("PRIVATE KEY", _rsa_der(rng), escaped=True) + "\\n",
        '  "private_key": "{}",'),
    "GATE-SECRET-GOOGLE-API-KEY": _plain(lambda rng: "AIza" + _r(rng, _ALNUM + "_-", 35)),
    "GATE-SECRET-GOOGLE-OAUTH-CLIENT-SECRET": _plain(
        lambda rng: "GOCSPX-" + _r(rng, _ALNUM, 28)),
    "GATE-SECRET-GOOGLE-OAUTH-ACCESS-TOKEN": _plain(lambda rng: "ya29." + _r(rng, _ALNUM, 120)),
    "GATE-SECRET-AZURE-STORAGE-KEY": _plain(
        lambda rng: _b64(rng.randbytes(64)),
        'conn = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={};"'),
    "GATE-SECRET-AZURE-SAS-TOKEN": _plain(
        lambda rng: quote(_b64(rng.randbytes(32)), safe=""),
        'url = "https://acme.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=o&sp=r'
        '&se=2031-01-01T00:00:00Z&sig={}"'),
    "GATE-SECRET-AZURE-CLIENT-SECRET": _plain(
        lambda rng: _r(rng, _ALNUM, 3) + str(rng.randrange(10)) + "Q~" + _r(rng, _ALNUM, 34)),
    "GATE-SECRET-AZURE-DEVOPS-PAT": _plain(
        lambda rng: _r(rng, _ALNUM, 52) + "JQQJ99" + _r(rng, _ALNUM, 4) + "AZDO"
        + _r(rng, _ALNUM, 4)),
    "GATE-SECRET-AZURE-SHARED-ACCESS-KEY": _plain(
        lambda rng: _b64(rng.randbytes(32)),
        'conn = "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;'
        'SharedAccessKey={}"'),
    "GATE-SECRET-DIGITALOCEAN-TOKEN": _plain(lambda rng: "dop_v1_" + _r(rng, _HEX, 64)),
    "GATE-SECRET-ALIBABA-ACCESS-KEY-ID": _plain(lambda rng: "LTAI" + _r(rng, _ALNUM, 20)),
    "GATE-SECRET-CLOUDFLARE-ORIGIN-CA-KEY": _plain(
        lambda rng: f"v1.0-{_r(rng, _HEX, 24)}-{_r(rng, _HEX, 146)}"),
    "GATE-SECRET-CLOUDFLARE-API-TOKEN": _plain(
        lambda rng: _r(rng, _ALNUM, 40), 'CLOUDFLARE_API_TOKEN = "{}"'),
    "GATE-SECRET-HEROKU-API-KEY": _plain(lambda rng: "HRKU-" + _r(rng, _ALNUM, 60)),
    "GATE-SECRET-HEROKU-LEGACY-API-KEY": _plain(
        lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)), 'HEROKU_API_KEY = "{}"'),
    "GATE-SECRET-FLY-TOKEN": _plain(lambda rng: "fo1_" + _r(rng, _ALNUM, 43)),
    "GATE-SECRET-VERCEL-TOKEN": _plain(lambda rng: _r(rng, _ALNUM, 24), 'VERCEL_TOKEN = "{}"'),
    "GATE-SECRET-NETLIFY-TOKEN": _plain(lambda rng: "nfp_" + _r(rng, _ALNUM, 36)),
    "GATE-SECRET-OPENAI-API-KEY": _plain(
        lambda rng: "sk-proj-" + _r(rng, _ALNUM, 74) + "T3BlbkFJ" + _r(rng, _ALNUM, 74)),
    "GATE-SECRET-ANTHROPIC-API-KEY": _plain(
        lambda rng: "sk-ant-api03-" + _r(rng, _ALNUM, 93) + "AA"),
    "GATE-SECRET-HUGGINGFACE-TOKEN": _plain(lambda rng: "hf_" + _r(rng, string.ascii_letters, 34)),
    "GATE-SECRET-COHERE-API-KEY": _plain(lambda rng: _r(rng, _ALNUM, 40), 'COHERE_API_KEY = "{}"'),
    "GATE-SECRET-MISTRAL-API-KEY": _plain(lambda rng: _r(rng, _ALNUM, 32),
                                          'MISTRAL_API_KEY = "{}"'),
    "GATE-SECRET-GROQ-API-KEY": _plain(lambda rng: "gsk_" + _r(rng, _ALNUM, 52)),
    "GATE-SECRET-REPLICATE-API-TOKEN": _plain(lambda rng: "r8_" + _r(rng, _ALNUM, 37)),
    "GATE-SECRET-PERPLEXITY-API-KEY": _plain(lambda rng: "pplx-" + _r(rng, _ALNUM, 48)),
    "GATE-SECRET-XAI-API-KEY": _plain(lambda rng: "xai-" + _r(rng, _ALNUM, 80)),
    "GATE-SECRET-PYPI-TOKEN": _plain(lambda rng: _macaroon(rng, b"pypi.org")),
    "GATE-SECRET-RUBYGEMS-API-KEY": _plain(lambda rng: "rubygems_" + _r(rng, _HEX, 48)),
    "GATE-SECRET-NUGET-API-KEY": _plain(
        lambda rng: "oy2" + _r(rng, string.ascii_lowercase + string.digits, 43)),
    "GATE-SECRET-DOCKER-HUB-TOKEN": _plain(lambda rng: "dckr_pat_" + _r(rng, _ALNUM, 27)),
    "GATE-SECRET-JFROG-TOKEN": _plain(lambda rng: "AKCp" + _r(rng, _ALNUM, 69)),
    "GATE-SECRET-STRIPE-SECRET-KEY": _plain(lambda rng: "sk_live_" + _r(rng, _ALNUM, 99)),
    "GATE-SECRET-STRIPE-RESTRICTED-KEY": _plain(lambda rng: "rk_live_" + _r(rng, _ALNUM, 99)),
    "GATE-SECRET-STRIPE-WEBHOOK-SECRET": _plain(lambda rng: "whsec_" + _r(rng, _ALNUM, 32)),
    "GATE-SECRET-SQUARE-ACCESS-TOKEN": _plain(lambda rng: "EAAA" + _r(rng, _ALNUM, 60)),
    "GATE-SECRET-SQUARE-OAUTH-SECRET": _plain(lambda rng: "sq0csp-" + _r(rng, _ALNUM, 43)),
    "GATE-SECRET-BRAINTREE-ACCESS-TOKEN": _plain(
        lambda rng: "access_token$production$" + _r(rng, string.ascii_lowercase + string.digits,
                                                     16) + "$" + _r(rng, _HEX, 32)),
    "GATE-SECRET-SHOPIFY-TOKEN": _plain(lambda rng: "shpat_" + _r(rng, _HEX, 32)),
    "GATE-SECRET-SLACK-TOKEN": _plain(
        lambda rng: f"xoxb-{_r(rng, string.digits, 12)}-{_r(rng, string.digits, 13)}-"
        f"{_r(rng, _ALNUM, 24)}"),
    "GATE-SECRET-SLACK-WEBHOOK": _plain(
        lambda rng: f"https://hooks.slack.com/services/T{_r(rng, _B32, 10)}/B{_r(rng, _B32, 10)}/"
        f"{_r(rng, _ALNUM, 24)}"),
    "GATE-SECRET-DISCORD-BOT-TOKEN": _plain(_discord, 'DISCORD_TOKEN = "{}"'),
    "GATE-SECRET-DISCORD-WEBHOOK": _plain(
        lambda rng: f"https://discord.com/api/webhooks/{_r(rng, string.digits, 18)}/"
        f"{_r(rng, _ALNUM, 68)}"),
    "GATE-SECRET-TELEGRAM-BOT-TOKEN": _plain(
        lambda rng: f"{rng.randrange(10**9, 8 * 10**9)}:AA{_r(rng, _ALNUM, 33)}"),
    "GATE-SECRET-TWILIO-API-KEY": _plain(lambda rng: "SK" + _r(rng, _HEX, 32)),
    "GATE-SECRET-TWILIO-AUTH-TOKEN": _plain(lambda rng: _r(rng, _HEX, 32),
                                            'TWILIO_AUTH_TOKEN = "{}"'),
    "GATE-SECRET-SENDGRID-API-KEY": _plain(
        lambda rng: f"SG.{_r(rng, _ALNUM, 22)}.{_r(rng, _ALNUM, 43)}"),
    "GATE-SECRET-MAILGUN-API-KEY": _plain(lambda rng: "key-" + _r(rng, _HEX, 32)),
    "GATE-SECRET-POSTMARK-TOKEN": _plain(
        lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        'POSTMARK_SERVER_TOKEN = "{}"'),
    "GATE-SECRET-VAULT-TOKEN": _plain(lambda rng: "hvs." + _r(rng, _ALNUM, 90)),
    "GATE-SECRET-DOPPLER-TOKEN": _plain(lambda rng: "dp.pt." + _r(rng, _ALNUM, 43)),
    "GATE-SECRET-1PASSWORD-SERVICE-ACCOUNT": _plain(_ops),
    "GATE-SECRET-DATABRICKS-TOKEN": _plain(lambda rng: "dapi" + _r(rng, _HEX, 32)),
    "GATE-SECRET-SNOWFLAKE-CREDENTIALS": _plain(
        lambda rng: _r(rng, _ALNUM, 18),
        'url = "snowflake://svc_loader:{}@acme-xy12345/analytics"'),
    "GATE-SECRET-DATADOG-API-KEY": _plain(lambda rng: _r(rng, _HEX, 32), 'DD_API_KEY = "{}"'),
    "GATE-SECRET-DATADOG-APP-KEY": _plain(lambda rng: _r(rng, _HEX, 40), 'DD_APP_KEY = "{}"'),
    "GATE-SECRET-NEW-RELIC-KEY": _plain(
        lambda rng: "NRAK-" + _r(rng, string.ascii_uppercase + string.digits, 27)),
    "GATE-SECRET-SENTRY-TOKEN": _plain(lambda rng: "sntryu_" + _r(rng, _HEX, 64)),
    "GATE-SECRET-GRAFANA-SERVICE-ACCOUNT-TOKEN": _plain(
        lambda rng: f"glsa_{_r(rng, _ALNUM, 32)}_{_r(rng, _HEX, 8)}"),
    "GATE-SECRET-GRAFANA-CLOUD-TOKEN": _plain(_glc),
    "GATE-SECRET-LINEAR-API-KEY": _plain(lambda rng: "lin_api_" + _r(rng, _ALNUM, 40)),
    "GATE-SECRET-OKTA-API-TOKEN": _plain(lambda rng: "00" + _r(rng, _ALNUM, 40),
                                         'OKTA_API_TOKEN = "{}"'),
    "GATE-SECRET-POSTMAN-API-KEY": _plain(
        lambda rng: f"PMAK-{_r(rng, _HEX, 24)}-{_r(rng, _HEX, 34)}"),
    "GATE-SECRET-TERRAFORM-CLOUD-TOKEN": _plain(
        lambda rng: f"{_r(rng, _ALNUM, 14)}.atlasv1.{_r(rng, _ALNUM, 67)}"),
    "GATE-SECRET-PULUMI-ACCESS-TOKEN": _plain(lambda rng: "pul-" + _r(rng, _HEX, 40)),
    "GATE-SECRET-SUPABASE-ACCESS-TOKEN": _plain(lambda rng: "sbp_" + _r(rng, _HEX, 40)),
    "GATE-SECRET-PRIVATE-KEY": _plain(lambda rng: _pem("RSA PRIVATE KEY", _rsa_der(rng)), "{}"),
    "GATE-SECRET-PUTTY-PRIVATE-KEY": _plain(_putty, "{}"),
    "GATE-SECRET-AGE-SECRET-KEY": _plain(_age, "{}"),
    "GATE-SECRET-JWK-PRIVATE-KEY": _plain(
        lambda rng: json.dumps({"kty": "EC", "crv": "P-256",
                                "x": _b64(rng.randbytes(32), True).rstrip("="),
                                "y": _b64(rng.randbytes(32), True).rstrip("="),
                                "d": _b64(rng.randbytes(32), True).rstrip("=")}), "jwk = {}"),
    "GATE-SECRET-JWT": _plain(
        lambda rng: _jwt(rng, {"alg": "HS256", "typ": "JWT"}, time.time() + 10 * 365 * 86400)),
    "GATE-SECRET-URL-CREDENTIALS": _plain(
        lambda rng: f"postgres://app:{_r(rng, _ALNUM, 16)}@db.prod.acme-corp.com:5432/app"),
}
"""Rule id -> a builder of (template, live-format value)."""


def _masked(rule: str) -> _Build:
    """The live-format sample with its random part turned into ``x`` (a placeholder)."""

    def build(rng: random.Random) -> Sample:
        template, value = POSITIVES[rule](rng)
        keep = 8 if len(value) > 24 else 4
        tail = re.sub(r"[A-Za-z0-9]", "x", value[keep:])
        return template, value[:keep] + tail

    return build


def _bad_checksum(prefix: str) -> _Build:
    def build(rng: random.Random) -> Sample:
        token = _crc_token(rng, prefix)
        last = "A" if token[-1] != "A" else "B"
        return _PLAIN, token[:-1] + last

    return build


LOOKALIKES: dict[str, _Build] = {
    **{rule: _masked(rule) for rule in POSITIVES},
    **{f"GATE-SECRET-{rule}": _bad_checksum(prefix) for rule, prefix in (
        ("GITHUB-PAT", "ghp_"), ("GITHUB-OAUTH", "gho_"), ("GITHUB-USER-TO-SERVER", "ghu_"),
        ("GITHUB-APP-INSTALLATION", "ghs_"), ("GITHUB-REFRESH", "ghr_"), ("NPM-TOKEN", "npm_"))},
    "GATE-SECRET-AWS-ACCESS-KEY-ID": lambda rng: (_PLAIN, "AKIAIOSFODNN7EXAMPLE"),
    "GATE-SECRET-AWS-SECRET-ACCESS-KEY": lambda rng: (
        'aws_secret_access_key = "{}"', "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    "GATE-SECRET-STRIPE-SECRET-KEY": _plain(lambda rng: "sk_test_" + _r(rng, _ALNUM, 99)),
    "GATE-SECRET-STRIPE-RESTRICTED-KEY": _plain(lambda rng: "rk_test_" + _r(rng, _ALNUM, 99)),
    "GATE-SECRET-BRAINTREE-ACCESS-TOKEN": _plain(
        lambda rng: "access_token$sandbox$" + _r(rng, string.ascii_lowercase + string.digits, 16)
        + "$" + _r(rng, _HEX, 32)),
    "GATE-SECRET-PYPI-TOKEN": _plain(lambda rng: "pypi-AgEI" + _r(rng, _ALNUM, 120)),
    "GATE-SECRET-OPENAI-API-KEY": _plain(lambda rng: "sk-" + _r(rng, _ALNUM, 48),
                                         'OPENAI_KEY = "{}"'),
    "GATE-SECRET-AGE-SECRET-KEY": _plain(_bad_age, "{}"),
    "GATE-SECRET-PRIVATE-KEY": _plain(
        lambda rng: "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n"
                    "-----END RSA PRIVATE KEY-----", "{}"),
    "GATE-SECRET-JWK-PRIVATE-KEY": _plain(
        lambda rng: json.dumps({"kty": "EC", "crv": "P-256",
                                "x": _b64(rng.randbytes(32), True).rstrip("="),
                                "y": _b64(rng.randbytes(32), True).rstrip("=")}), "jwk = {}"),
    "GATE-SECRET-JWT": _plain(lambda rng: _jwt(rng, {"alg": "HS256"}, time.time() - 86400)),
    "GATE-SECRET-URL-CREDENTIALS": _plain(
        lambda rng: f"postgres://app:{_r(rng, _ALNUM, 16)}@postgres:5432/app"),
    "GATE-SECRET-DISCORD-BOT-TOKEN": _plain(
        lambda rng: f"MTA{_r(rng, 'xyz', 21)}.{_r(rng, _ALNUM, 6)}.{_r(rng, _ALNUM, 38)}",
        'DISCORD_TOKEN = "{}"'),
}
"""Rule id -> a builder of (template, look-alike): placeholder, documented example, test-mode
key, bad checksum, public key, expired token, development host."""


def positive(rule_id: str, rng: random.Random) -> str:
    """A file snippet holding one live-format value for ``rule_id``."""
    template, value = POSITIVES[rule_id](rng)
    return template.replace("{}", value)


def lookalike(rule_id: str, rng: random.Random) -> str:
    """A file snippet holding one look-alike for ``rule_id``."""
    template, value = LOOKALIKES[rule_id](rng)
    return template.replace("{}", value)


def _docker_config(host: str, secret: str) -> str:
    auth = _b64(f"ci:{secret}".encode())
    return json.dumps({"auths": {host: {"auth": auth}}}, indent=2)


def _kube(server: str, token: str) -> str:
    return (f"apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: {server}\n"
            f"users:\n- name: ci\n  user:\n    token: {token}\n")


FileSample = tuple[str, str]
"""(path, content)."""
_FileBuild = Callable[[random.Random], FileSample]

FILE_POSITIVES: dict[str, _FileBuild] = {
    "GATE-SECRET-DOTENV-CREDENTIAL": lambda rng: (
        ".env", f"DB_HOST=db.prod.acme-corp.com\nDB_PASSWORD={_r(rng, _ALNUM, 24)}"),
    "GATE-SECRET-NETRC-PASSWORD": lambda rng: (
        ".netrc", f"machine api.acme-corp.com login ci password {_r(rng, _ALNUM, 24)}"),
    "GATE-SECRET-PYPIRC-PASSWORD": lambda rng: (
        ".pypirc", f"[pypi]\nusername = acme\npassword = {_r(rng, _ALNUM, 24)}"),
    "GATE-SECRET-NPMRC-AUTH": lambda rng: (
        ".npmrc", f"//npm.acme-corp.com/:_authToken={_r(rng, _ALNUM, 36)}"),
    "GATE-SECRET-DOCKER-CONFIG-AUTH": lambda rng: (
        ".docker/config.json", _docker_config("registry.acme-corp.com", _r(rng, _ALNUM, 24))),
    "GATE-SECRET-KUBECONFIG-CREDENTIAL": lambda rng: (
        "kubeconfig", _kube("https://k8s.acme-corp.com:6443", _r(rng, _ALNUM, 40))),
    "GATE-SECRET-PRODUCTION-SETTINGS": lambda rng: (
        "settings/production.py", f'SECRET_KEY = "{_r(rng, _ALNUM + "!@#%^&*(-_=+)", 50)}"'),
    "GATE-SECRET-TERRAFORM-VARIABLE": lambda rng: (
        "prod.tfvars", f'db_password = "{_r(rng, _ALNUM, 15)}"'),
}
"""Credential-file rule -> a builder of (path, content) with a realistic credential."""

FILE_LOOKALIKES: dict[str, _FileBuild] = {
    "GATE-SECRET-DOTENV-CREDENTIAL": lambda rng: (".env", "POSTGRES_PASSWORD=postgres"),
    "GATE-SECRET-NETRC-PASSWORD": lambda rng: (
        ".netrc", f"machine localhost login dev password {_r(rng, _ALNUM, 24)}"),
    "GATE-SECRET-PYPIRC-PASSWORD": lambda rng: (
        ".pypirc", "[pypi]\nusername = __token__\npassword = <your-token>"),
    "GATE-SECRET-NPMRC-AUTH": lambda rng: (".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}"),
    "GATE-SECRET-DOCKER-CONFIG-AUTH": lambda rng: (
        ".docker/config.json", _docker_config("localhost:5000", _r(rng, _ALNUM, 24))),
    "GATE-SECRET-KUBECONFIG-CREDENTIAL": lambda rng: (
        "kubeconfig", _kube("https://127.0.0.1:6443", _r(rng, _ALNUM, 40))),
    "GATE-SECRET-PRODUCTION-SETTINGS": lambda rng: (
        "settings/production.py", 'SECRET_KEY = "changeme"'),
    "GATE-SECRET-TERRAFORM-VARIABLE": lambda rng: ("prod.tfvars", 'db_password = "changeme"'),
}
"""Credential-file rule -> (path, content) with a development or template value."""

"""Benchmark: what lines built against the secrets detectors cost (issue 21's new code paths).

Usage::

    .venv/bin/python benchmarks/secrets_hostile.py

Prints, for each hostile input, the time our detectors take over it and
how many hits they return: long lines of spaces after a credential-file
assignment (a lazy match would be quadratic), many look-alike tokens on one
line (the overlap resolution), many ``"kty"`` members, a line and a file of
base64-encoded key headers (the decoding bounds), a nest of base64 layers.
Figures only: nothing is asserted (tests never assert timings).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence

from gate.checks.secrets.detectors import find_secrets


def _header(extra: bytes = b"") -> str:
    return base64.b64encode(b"-----BEGIN RSA PRIVATE KEY-----\n" + extra).decode()


def cases() -> dict[str, tuple[str, Sequence[str]]]:
    """Name -> (file name, lines)."""
    spaces = " " * 100_000
    nested = _header()
    for _ in range(4):
        nested = base64.b64encode(nested.encode()).decode()
    return {
        ".env assignment + 100k spaces": (".env", ["A_PASSWORD=x" + spaces + "y"]),
        ".npmrc token + 100k spaces": (".npmrc", ["_authToken=x" + spaces + "y"]),
        "kubeconfig token + 100k spaces": ("kubeconfig", ["kind: Config", "  token: x" + spaces]),
        "tfvars + 100k spaces": ("prod.tfvars", ['db_password = "x"' + spaces + "y"]),
        "7,000 JWK members on one line": ("x.json", ['"kty": "RSA", ' * 7000]),
        "2,400 placeholder tokens on one line": ("y.py", [("ghp_" + "x" * 36 + " ") * 2400]),
        "2,200 encoded headers on each of 20 lines": (
            "s.yaml", [" ".join([_header()] * 2200)[:100_000]] * 20),
        "45,000 lines of distinct encoded headers": (
            "t.yaml", [_header(str(i).encode()) for i in range(45_000)]),
        "five base64 layers": ("u.yaml", [nested]),
        "3,000 PEM headers without END": ("k.pem", ["-----BEGIN RSA PRIVATE KEY-----"] * 3000),
    }


def main() -> None:
    """Print one row per case."""
    print(f"{'case':45} {'hits':>7} {'seconds':>8}")
    for name, (filename, lines) in cases().items():
        started = time.perf_counter()
        hits = find_secrets(lines, filename)
        print(f"{name:45} {len(hits):7d} {time.perf_counter() - started:8.2f}")


if __name__ == "__main__":
    main()

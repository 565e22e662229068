"""Base64 layers are decoded within bounds: two layers, 64 KiB windows, text only."""

from __future__ import annotations

import base64
import random

from gate.checks.secrets.detectors import find_secrets
from gate.checks.secrets.detectors.decoding import ANCHORS, MAX_DEPTH, decoded_runs
from gate.checks.secrets.detectors.samples import positive


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


KEY = positive("GATE-SECRET-PRIVATE-KEY", random.Random(5))


def test_one_and_two_layers_are_found_three_are_not() -> None:
    found = [[h.type for h in find_secrets([f"data: {value}"], "secret.yaml")]
             for value in (_b64(KEY), _b64(_b64(KEY)), _b64(_b64(_b64(KEY))))]

    assert MAX_DEPTH == 2
    assert found == [["GATE-SECRET-PRIVATE-KEY"], ["GATE-SECRET-PRIVATE-KEY"], []]


def test_the_encoded_header_at_any_alignment_is_an_anchor() -> None:
    for prefix in ("", "x", "xy"):
        encoded = _b64(prefix + KEY)
        assert any(anchor in encoded for anchor in ANCHORS)
        assert [h.type for h in find_secrets([encoded], "f.env")] == ["GATE-SECRET-PRIVATE-KEY"]


def test_a_long_run_is_decoded_in_a_bounded_window_from_the_key() -> None:
    padded = _b64("x" * 40_000 + KEY + "\n" + "A" * 60_000)  # over 64 KiB on both sides
    binary = base64.b64encode(b"-----BEGIN \x00\xff" + random.Random(1).randbytes(200)).decode()

    [(_, _, text)] = decoded_runs(padded[:100_000])  # the engine reads 100,000 chars of a line
    assert (len(text) <= 48 * 1024, 0 <= text.find("-----BEGIN") < 8) == (True, True)
    assert [h.type for h in find_secrets([padded], "f.yaml")] == ["GATE-SECRET-PRIVATE-KEY"]
    assert [h.type for h in find_secrets([_b64("A" * 60_000 + KEY)], "f.yaml")] == [
        "GATE-SECRET-PRIVATE-KEY"]
    assert decoded_runs(binary) == []


def test_the_value_is_the_run_and_the_reason_says_it_was_encoded() -> None:
    [hit] = find_secrets([f"  tls.key: {_b64(KEY)}"], "secret.yaml")

    assert hit.gate_note is not None
    assert (hit.secret_value == _b64(KEY), hit.gate_note.reason) == (
        True, "base64-encoded: RSA private key parses")

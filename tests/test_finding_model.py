"""Fingerprints ignore line numbers and whitespace; secret fingerprints are keyed."""

import pytest

from gate.findings import Severity, content_fingerprint, secret_fingerprint


def test_content_fingerprint_ignores_whitespace() -> None:
    a = content_fingerprint("sast", "B602", "a.py", "subprocess.call(x,  shell=True)")
    b = content_fingerprint("sast", "B602", "a.py", "    subprocess.call(x, shell=True)\n")
    assert a == b
    assert a != content_fingerprint("sast", "B602", "b.py", "subprocess.call(x, shell=True)")


def test_secret_fingerprint_is_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    value = "hunter2"
    fp = secret_fingerprint("secrets", "Secret Keyword", "a.py", value)
    assert value not in fp
    assert hashlib.sha1(value.encode()).hexdigest()[:32] != fp
    monkeypatch.setenv("GATE_FINGERPRINT_KEY", "team-key")
    assert secret_fingerprint("secrets", "Secret Keyword", "a.py", value) != fp


def test_severity_order_and_parse() -> None:
    assert Severity.CRITICAL > Severity.HIGH > Severity.MEDIUM > Severity.LOW > Severity.INFO
    assert Severity.parse(" High ") is Severity.HIGH
    with pytest.raises(ValueError, match="unknown severity"):
        Severity.parse("severe")

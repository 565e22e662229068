"""Fingerprints ignore line numbers and whitespace; secret fingerprints are keyed."""

import pytest

from gate.findings import Finding, Location, Severity, content_fingerprint, secret_fingerprint


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


def test_changed_is_replace_without_the_walk() -> None:
    import dataclasses

    f = Finding(check="sast", rule_id="B101", severity=Severity.LOW, message="m",
                location=Location(path="a.py", start_line=3), fingerprint="fp",
                extra=(("k", "v"),))
    moved = f.changed(context="test", extra=())
    assert moved == dataclasses.replace(f, context="test", extra=())
    assert (moved.context, moved.extra, f.context, f.extra) == ("test", (), "code", (("k", "v"),))
    assert hash(moved) == hash(dataclasses.replace(f, context="test", extra=()))
    with pytest.raises(TypeError, match="no field 'contxt'"):
        f.changed(contxt="test")
    with pytest.raises(dataclasses.FrozenInstanceError):
        moved.context = "code"  # type: ignore[misc]

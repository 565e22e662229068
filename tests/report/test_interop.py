"""The helpers every interchange format shares (:mod:`gate.report.interop`)."""

from __future__ import annotations

from gate.report.interop import artifact_uri, clean_text, stable_uuid


def _xml_allows(code: int) -> bool:
    """XML 1.0's ``Char`` production."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
        or 0x10000 <= code <= 0x10FFFF


def test_clean_text_drops_exactly_what_xml_cannot_carry() -> None:
    """Every code point, once: the kept ones are XML 1.0's characters, in order."""
    everything = "".join(map(chr, range(0x110000)))
    kept = "".join(chr(c) for c in range(0x110000) if _xml_allows(c))
    assert clean_text(everything) == kept
    assert len(everything) - len(kept) == 2079  # 29 controls, 2,048 surrogates, U+FFFE/FFFF


def test_stable_uuid_and_artifact_uri() -> None:
    assert stable_uuid("a", "b") == "12a9b465-2663-5aea-bf59-9fc784b1c227"
    assert stable_uuid("a", "b") == stable_uuid("a\x00b") != stable_uuid("b", "a")
    assert artifact_uri("./a b/c#d%é.py") == "a%20b/c%23d%25%C3%A9.py"
